import "./app.css";
import { mount } from "svelte";
import App from "./App.svelte";
import { setLang } from "./lib/i18n.svelte";

const LANG_STORAGE_KEY = "sealdesk.lang";
try {
  setLang(window.localStorage.getItem(LANG_STORAGE_KEY));
} catch {
  // storage unavailable: keep the default
}

const target = document.getElementById("app");
if (!target) throw new Error("missing #app");
mount(App, { target });
