// Sealdesk front end: DOM wiring only. Strings live in i18n.js, error mapping in errors.js.
// State is kept in memory; only the chosen language goes to localStorage.

import "./style.css";
import { invoke } from "@tauri-apps/api/core";
import { formatRoles, getLang, normalizeLang, otherLang, setLang, t } from "./i18n.js";
import { errorMessage, isSessionGone, normalizeError } from "./errors.js";
import { createIdleTimer } from "./idle.js";
import {
  assignmentStatus,
  categoryName,
  formatTaiwanDate,
  formatTaiwanDateTime,
  mayListAssignments,
  mayListLetters,
  statusName,
  yesNo,
} from "./letters.js";

const LANG_STORAGE_KEY = "sealdesk.lang";
const POLL_INTERVAL_MS = 30_000;
// Used only if the back end sends no usable idle_timeout_secs; it enforces its own limit anyway.
const FALLBACK_IDLE_SECS = 300;
const ACTIVITY_EVENTS = ["mousemove", "keydown", "click", "wheel", "touchstart"];

const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
};

const el = {
  langToggle: $("lang-toggle"),
  lockButton: $("lock-button"),
  loginScreen: $("login-screen"),
  loginForm: $("login-form"),
  loginName: $("login-name"),
  loginPassphrase: $("login-passphrase"),
  loginSubmit: $("login-submit"),
  loginError: $("login-error"),
  homeScreen: $("home-screen"),
  homeHeading: $("home-heading"),
  meName: $("me-name"),
  meRoles: $("me-roles"),
  meUnit: $("me-unit"),
  meUnitRow: $("me-unit-row"),
  integrityWarning: $("integrity-warning"),
  lettersStatus: $("letters-status"),
  lettersError: $("letters-error"),
  lettersNone: $("letters-none"),
  lettersWrap: $("letters-wrap"),
  lettersBody: $("letters-body"),
  assignmentsSection: $("assignments-section"),
  assignmentsStatus: $("assignments-status"),
  assignmentsError: $("assignments-error"),
  assignmentsWrap: $("assignments-wrap"),
  assignmentsBody: $("assignments-body"),
};

// A list as loaded from the back end, kept as data so it can be re-rendered in the other language.
// status: "idle" (nothing asked, nothing shown) | "loading" | "ok" | "none" (the role has no such
// list) | "error" (err: {kind, message}).
const EMPTY_LIST = Object.freeze({ status: "idle", items: [], err: null });

const state = {
  screen: null, // "login" | "home"
  user: null, // { name, roles, unit, idle_timeout_secs } while unlocked
  // What #login-error shows, kept as data so it can be re-rendered in the other language:
  // { err: {kind, message} } from the back end, or { key } for a local message.
  notice: null,
  loggingIn: false,
  epoch: 0, // bumped on every session change; late async results from an older epoch are dropped
  idle: null,
  idleSecs: 0,
  pollHandle: null,
  polling: false,
  letters: EMPTY_LIST,
  assignments: EMPTY_LIST,
};

// ---------- language ----------

function loadLang() {
  let saved = null;
  try {
    saved = window.localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    // storage unavailable: keep the default
  }
  setLang(normalizeLang(saved));
}

function saveLang() {
  try {
    window.localStorage.setItem(LANG_STORAGE_KEY, getLang());
  } catch {
    // not fatal
  }
}

function applyLang() {
  document.documentElement.lang = getLang();
  document.title = t("app.title");
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  el.langToggle.textContent = t("lang.toggle");
  el.langToggle.lang = t("lang.toggle.lang");
  renderLoginBusy();
  renderNotice();
  renderUser();
  renderLists();
}

// ---------- rendering ----------

function renderNotice() {
  const notice = state.notice;
  let text = "";
  if (notice && notice.err) text = errorMessage(notice.err);
  else if (notice && notice.key) text = t(notice.key);
  el.loginError.textContent = text;
  el.loginError.hidden = text === "";
}

function setNotice(notice) {
  state.notice = notice;
  renderNotice();
}

function renderLoginBusy() {
  el.loginSubmit.disabled = state.loggingIn;
  el.loginSubmit.textContent = t(state.loggingIn ? "login.submitting" : "login.submit");
  el.loginForm.setAttribute("aria-busy", state.loggingIn ? "true" : "false");
}

function renderUser() {
  const user = state.user;
  el.meName.textContent = user ? String(user.name ?? "") : "";
  el.meRoles.textContent = user ? formatRoles(user.roles) : "";
  const unit = user && typeof user.unit === "string" ? user.unit.trim() : "";
  el.meUnit.textContent = unit;
  el.meUnitRow.hidden = unit === "";
  // The back end found the ledger shorter than, or forked from, what this desk saw last.
  const warnings = user && Array.isArray(user.warnings) ? user.warnings.map(String) : [];
  el.integrityWarning.textContent = warnings.length ? `${t("home.integrityWarning")} ${warnings.join("；")}` : "";
  el.integrityWarning.hidden = warnings.length === 0;
}

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  if (tag === "th") node.scope = "row";
  return node;
}

function letterRow(letter) {
  const receipt = String(letter.receipt_no ?? "");
  const row = document.createElement("tr");
  row.className = "letter-row";
  row.dataset.receipt = receipt;
  row.append(
    cell("th", receipt, "cell-receipt"),
    cell("td", String(letter.level ?? ""), "cell-level"),
    cell("td", categoryName(letter.category)),
    cell("td", formatTaiwanDateTime(letter.registered_at), "cell-time"),
    cell("td", yesNo(letter.can_read), letter.can_read === true ? "cell-yes" : "cell-no"),
  );
  return row;
}

function assignmentRow(assignment) {
  const receipt = String(assignment.receipt_no ?? "");
  const status = assignmentStatus(assignment);
  const row = document.createElement("tr");
  row.className = "assignment-row";
  row.dataset.receipt = receipt;
  row.append(
    cell("th", receipt, "cell-receipt"),
    cell("td", String(assignment.unit ?? "")),
    cell("td", formatTaiwanDate(assignment.until), "cell-time"),
    cell("td", statusName(status), `status status-${status === "active" ? "active" : "ended"}`),
  );
  return row;
}

// Shows one list's state in its status line, error line and table.
function renderList(list, parts, keys, makeRow) {
  parts.body.replaceChildren();
  let statusKey = null;
  if (list.status === "loading") statusKey = "home.letters.loading";
  else if (list.status === "ok" && list.items.length === 0) statusKey = keys.empty;
  parts.status.textContent = statusKey === null ? "" : t(statusKey);
  parts.status.hidden = statusKey === null;
  parts.error.textContent = list.status === "error" ? errorMessage(list.err) : "";
  parts.error.hidden = list.status !== "error";
  parts.wrap.hidden = !(list.status === "ok" && list.items.length > 0);
  if (list.status === "ok") parts.body.append(...list.items.map(makeRow));
}

function renderLists() {
  renderList(
    state.letters,
    { status: el.lettersStatus, error: el.lettersError, wrap: el.lettersWrap, body: el.lettersBody },
    { empty: "home.letters.empty" },
    letterRow,
  );
  el.lettersNone.hidden = state.letters.status !== "none";
  renderList(
    state.assignments,
    {
      status: el.assignmentsStatus,
      error: el.assignmentsError,
      wrap: el.assignmentsWrap,
      body: el.assignmentsBody,
    },
    { empty: "home.assignments.empty" },
    assignmentRow,
  );
  el.assignmentsSection.hidden = state.assignments.status === "idle" || state.assignments.status === "none";
}

// ---------- loading the lists ----------

async function fetchList(command, key, epoch) {
  let next;
  try {
    const items = await invoke(command);
    if (epoch !== state.epoch) return;
    next = { status: "ok", items: Array.isArray(items) ? items : [], err: null };
  } catch (err) {
    if (epoch !== state.epoch) return;
    const e = normalizeError(err);
    if (isSessionGone(e)) {
      showLogin({ notice: { err: e }, name: state.user ? state.user.name : undefined });
      return;
    }
    // A role without this list is refused by the back end: not an error to alarm anyone with.
    next = e.kind === "denied" ? { status: "none", items: [], err: null } : { status: "error", items: [], err: e };
  }
  state[key] = next;
  renderLists();
}

// Asked once per login (each call counts as activity for the idle lock, so it is not polled).
// Roles that have no such list are not asked: the back end would refuse, and record the refusal.
function loadLists(user) {
  const epoch = state.epoch;
  const roles = user ? user.roles : [];
  const wantLetters = mayListLetters(roles);
  const wantAssignments = mayListAssignments(roles);
  state.letters = wantLetters ? { status: "loading", items: [], err: null } : { status: "none", items: [], err: null };
  state.assignments = wantAssignments ? { status: "loading", items: [], err: null } : EMPTY_LIST;
  renderLists();
  if (wantLetters) fetchList("letters", "letters", epoch);
  if (wantAssignments) fetchList("assignments", "assignments", epoch);
}

function clearLists() {
  state.letters = EMPTY_LIST;
  state.assignments = EMPTY_LIST;
  renderLists();
}

// ---------- screens ----------

function showLogin({ notice = null, name } = {}) {
  endSession();
  state.user = null;
  state.screen = "login";
  renderUser(); // clears the user's details from the page
  clearLists(); // and the letters
  if (typeof name === "string") el.loginName.value = name;
  el.loginPassphrase.value = "";
  setNotice(notice);
  el.homeScreen.hidden = true;
  el.lockButton.hidden = true;
  el.loginScreen.hidden = false;
  (el.loginName.value === "" ? el.loginName : el.loginPassphrase).focus();
}

function showHome(user) {
  state.user = user;
  state.screen = "home";
  setNotice(null);
  renderUser();
  el.loginScreen.hidden = true;
  el.homeScreen.hidden = false;
  el.lockButton.hidden = false;
  el.lockButton.disabled = false;
  beginSession(user);
  loadLists(user);
  el.homeHeading.focus();
}

// ---------- session: idle tracking and polling ----------

function idleSecsOf(user) {
  const secs = Number(user && user.idle_timeout_secs);
  return Number.isFinite(secs) && secs > 0 ? secs : FALLBACK_IDLE_SECS;
}

function startIdle(secs) {
  if (state.idle) state.idle.stop();
  state.idleSecs = secs;
  state.idle = createIdleTimer({ timeoutMs: secs * 1000, onIdle: onIdle });
  state.idle.start();
}

function beginSession(user) {
  endSession();
  startIdle(idleSecsOf(user));
  state.pollHandle = window.setInterval(poll, POLL_INTERVAL_MS);
}

function endSession() {
  state.epoch += 1;
  if (state.idle) state.idle.stop();
  state.idle = null;
  if (state.pollHandle !== null) window.clearInterval(state.pollHandle);
  state.pollHandle = null;
}

function onActivity() {
  if (state.idle) state.idle.poke();
}

function onVisibilityChange() {
  if (document.visibilityState !== "visible" || state.screen !== "home") return;
  // Timers may have been held back while hidden or asleep: check both right away.
  if (state.idle) state.idle.checkNow();
  poll();
}

function onIdle() {
  lockNow({ notice: { err: { kind: "locked", message: "" } } });
}

async function poll() {
  if (state.polling || state.screen !== "home") return;
  const epoch = state.epoch;
  state.polling = true;
  try {
    const user = await invoke("whoami");
    if (epoch !== state.epoch) return;
    state.user = user;
    renderUser();
    const secs = idleSecsOf(user);
    if (secs !== state.idleSecs) startIdle(secs);
  } catch (err) {
    if (epoch !== state.epoch) return;
    if (isSessionGone(err)) {
      showLogin({ notice: { err: normalizeError(err) }, name: state.user ? state.user.name : undefined });
    } else {
      console.warn("whoami failed", normalizeError(err).kind);
    }
  } finally {
    state.polling = false;
  }
}

// The page is cleared first, so nothing confidential stays on screen while the call runs.
async function lockNow({ notice = null } = {}) {
  const name = state.user ? String(state.user.name ?? "") : el.loginName.value;
  showLogin({ notice, name });
  const epoch = state.epoch;
  try {
    await invoke("lock");
  } catch (err) {
    // Already locked is fine; anything else is worth telling the user.
    if (epoch === state.epoch && !isSessionGone(err) && notice === null) {
      setNotice({ err: normalizeError(err) });
    }
  }
}

// ---------- events ----------

async function onLoginSubmit(event) {
  event.preventDefault();
  if (state.loggingIn) return;
  const name = el.loginName.value.trim();
  const passphrase = el.loginPassphrase.value;
  if (name === "" || passphrase === "") {
    setNotice({ key: "login.missing" });
    (name === "" ? el.loginName : el.loginPassphrase).focus();
    return;
  }
  el.loginPassphrase.value = "";
  state.loggingIn = true;
  setNotice(null);
  renderLoginBusy();
  const epoch = state.epoch;
  let user = null;
  try {
    user = await invoke("login", { name, passphrase });
  } catch (err) {
    if (epoch === state.epoch) {
      setNotice({ err: normalizeError(err) });
      el.loginPassphrase.focus();
    }
  } finally {
    state.loggingIn = false;
    renderLoginBusy();
    el.loginPassphrase.value = "";
  }
  if (user !== null && epoch === state.epoch) showHome(user);
}

function onLangToggle() {
  setLang(otherLang());
  saveLang();
  applyLang();
}

function onLockClick() {
  el.lockButton.disabled = true;
  lockNow();
}

function wire() {
  el.loginForm.addEventListener("submit", onLoginSubmit);
  el.langToggle.addEventListener("click", onLangToggle);
  el.lockButton.addEventListener("click", onLockClick);
  for (const type of ACTIVITY_EVENTS) {
    document.addEventListener(type, onActivity, { capture: true, passive: true });
  }
  document.addEventListener("visibilitychange", onVisibilityChange);
}

async function boot() {
  loadLang();
  applyLang();
  wire();
  // The back end may still hold an unlocked session (e.g. after a reload of the window).
  const epoch = state.epoch;
  try {
    const user = await invoke("whoami");
    if (epoch === state.epoch && state.screen === null) showHome(user);
  } catch {
    if (epoch === state.epoch && state.screen === null) showLogin();
  }
}

boot();
