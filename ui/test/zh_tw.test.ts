// Every screen, mounted in zh-TW with data shaped as the back end sends it,
// shows no English word outside a short allow-list (product and format
// names, codes). The data itself is Chinese, so any English found is the
// window's own: a missing translation, a raw code, a back-end sentence.
import { afterEach, beforeEach, test, vi } from "vitest";
import assert from "node:assert/strict";
import { flushSync, mount, tick, unmount } from "svelte";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

const { setLang } = await import("../src/lib/i18n.svelte");
const { session } = await import("../src/lib/session.svelte");

/** Words allowed in the zh-TW window: names of things, not sentences. */
const ALLOWED = new Set(["Sealdesk", "PDF", "PNG", "OCR", "CSV", "LINE", "JPEG", "TIFF", "ODF", "Word", "docx", "odt", "eml", "txt", "pdf", "png", "jpg", "jpeg", "tif", "tiff", "ods", "odp", "home",
  // Key caps, as printed on the keyboard.
  "Tab", "Shift", "Ctrl", "Enter", "Esc"]);

const T = 1_795_741_200_000; // 民國115年11月27日 09:00
const register = {
  subject: "稅務員收受招待檢舉（代號甲）",
  sender_agency: "花蓮縣政府",
  sender_doc_no: "府授字第1150001號",
  secrecy: { condition: "結案後解密" },
  received_at: T,
  source: "pdf",
  pages: 2,
  deadline: "2026-12-31",
  addressee: "agency",
  opened_by: "分文甲",
  seal_intact: true,
  attachments: ["附件1.pdf (2048 B)"],
  retention_years: 10,
};
const letter = {
  id: "l1", receipt_no: "SD-115-00001", level: "密", category: "whistleblower", registered_at: T, can_read: true,
  register, routing: { status: "assigned", holder: "承辦甲", unit: "稅務管理科", until: T + 30 * 86_400_000 },
  state: "handling", holders: ["承辦甲"],
};
const slip = { receipt_no: "SD-115-00001", level: "密", subject: "代號甲", category: "whistleblower", deadline: "2026-12-31", reply_by: "2026-12-10", summary: "主旨：檢舉〔姓名1〕收受招待" };
const request = {
  id: "r1", kind: "access", letter_id: "l1", receipt_no: "SD-115-00001", level: "密", unit: "稅務管理科", handler: "承辦甲",
  requested_by: "分文甲", requested_at: T, until: T + 30 * 86_400_000, reason: "請依權責辦理", status: "pending", slip,
};
const assignment = {
  id: "a1", kind: "access" as const, letter_id: "l1", receipt_no: "SD-115-00001", level: "密", unit: "稅務管理科", handler: "承辦甲",
  until: T + 30 * 86_400_000, active: true, ended: null, affirmed: false, subject: "代號甲", deadline: "2026-12-31",
};
const entry = {
  seq: 7, at: T, user: "承辦甲", role: "handler", workstation: "ws-1a2b3c", action: "view", letter_id: "l1",
  receipt_no: "SD-115-00001", level: "密", reason: "辦理", assignment: "a1", outcome: "denied", detail: "on demand", forged: null,
};
const DATA: Record<string, unknown> = {
  letters: [letter],
  directory: { units: [{ unit: "稅務管理科", supervisors: ["主管甲"], handlers: ["承辦甲"] }] },
  inquiries: [{ id: "q1", receipt_no: "SD-115-00001", unit: "稅務管理科", asked_at: T, answer: null, slip }],
  requests: [request],
  copy_requests: [{ ...request, id: "c1", kind: "export", status: "approved" }],
  unit_assignments: [assignment],
  assignments: [assignment, { ...assignment, id: "a2", active: false, ended: "expired" }],
  ledger_readout: { entries: [entry], unreadable: [{ seq: 9, detail: "decryption failed" }] },
  users: [{ name: "管理甲", roles: ["admin"], unit: null, disabled: false, created_at: T, failed_logins: 0 },
    { name: "承辦甲", roles: ["handler"], unit: "稅務管理科", disabled: true, created_at: T, failed_logins: 2 }],
  settings: { idle_timeout_secs: 900, max_access_days: 90 },
  routing_slip: slip,
  copy_register: [],
};

let target: HTMLElement;
let component: Record<string, unknown> | null = null;

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  invoke.mockReset();
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd in DATA) return DATA[cmd];
    throw { kind: "internal", message: cmd };
  });
  setLang("zh-TW");
});
afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
  session.user = null;
});

async function settle() {
  for (let i = 0; i < 6; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}

/** The English words a person would read: text, and the labels of controls. */
function englishWords(root: HTMLElement): string[] {
  const texts = [root.textContent ?? ""];
  for (const el of root.querySelectorAll("*")) {
    for (const attr of ["placeholder", "aria-label", "title", "alt"]) {
      const v = el.getAttribute(attr);
      if (v) texts.push(v);
    }
  }
  const words = texts.join(" ").match(/[A-Za-z]{3,}/g) ?? [];
  return [...new Set(words)].filter((w) => !ALLOWED.has(w));
}

const SCREENS = ["Register", "Intake", "Routing", "Decisions", "UnitAssignments", "MyAssignments", "Ledger", "Report", "Users", "Settings", "Account"];

for (const name of SCREENS) {
  test(`${name} speaks zh-TW only`, async () => {
    session.user = { name: "分文甲", roles: ["clerk", "supervisor", "handler", "auditor", "admin"], unit: "稅務管理科", idle_timeout_secs: 900, warnings: [] };
    const { default: Screen } = await import(`../src/screens/${name}.svelte`);
    component = mount(Screen, { target });
    await settle();
    assert.ok((target.textContent ?? "").length > 20, `${name} rendered`);
    assert.deepEqual(englishWords(target), [], `${name}: English in the zh-TW window`);
  });
}

test("the reading room and the login screen speak zh-TW only", async () => {
  session.user = { name: "承辦甲", roles: ["handler"], unit: "稅務管理科", idle_timeout_secs: 900, warnings: [] };
  const { default: ReadingRoom } = await import("../src/screens/ReadingRoom.svelte");
  component = mount(ReadingRoom, { target, props: { assignment, reveal: null, onclose: () => {}, onchange: () => {} } });
  await settle();
  assert.deepEqual(englishWords(target), [], "reading room");
  unmount(component);
  session.user = null;
  session.booted = true;
  const { default: Login } = await import("../src/screens/Login.svelte");
  component = mount(Login, { target });
  await settle();
  assert.deepEqual(englishWords(target), [], "login");
});
