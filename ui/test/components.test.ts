// Components in jsdom with the Tauri bridge replaced: what the page sends
// and what it shows. The real bridge and back end are exercised by the
// end-to-end test in src-tauri/tests/it/e2e.rs.
import { afterEach, beforeEach, test, vi } from "vitest";
import assert from "node:assert/strict";
import { createRawSnippet, flushSync, mount, unmount, tick } from "svelte";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

const { default: ReasonForm } = await import("../src/components/ReasonForm.svelte");
const { default: Decisions } = await import("../src/screens/Decisions.svelte");
const { default: Ledger } = await import("../src/screens/Ledger.svelte");
const { default: Intake } = await import("../src/screens/Intake.svelte");
const { default: UnitAssignments } = await import("../src/screens/UnitAssignments.svelte");
const { default: Login } = await import("../src/screens/Login.svelte");
const { default: DateInput } = await import("../src/components/DateInput.svelte");
const { default: PageReview } = await import("../src/components/PageReview.svelte");
const { default: DataTable } = await import("../src/components/DataTable.svelte");
const { setLang } = await import("../src/lib/i18n.svelte");
const { session } = await import("../src/lib/session.svelte");

let target: HTMLElement;
let component: Record<string, unknown> | null = null;

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  invoke.mockReset();
});
afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}

function typeInto(el: Element | null, value: string) {
  const input = el as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

test("a reason form does not submit without a reason", async () => {
  const submitted: string[] = [];
  component = mount(ReasonForm, {
    target,
    props: {
      label: "理由",
      submitLabel: "核准",
      idPrefix: "t",
      onsubmit: async (r: string) => {
        submitted.push(r);
        return null;
      },
    },
  });
  (target.querySelector("#t-submit") as HTMLButtonElement).click();
  await settle();
  assert.deepEqual(submitted, []);
  assert.match(target.textContent ?? "", /請填寫理由/);
  typeInto(target.querySelector("#t-reason"), "  業務需要  ");
  (target.querySelector("#t-submit") as HTMLButtonElement).click();
  await settle();
  assert.deepEqual(submitted, ["業務需要"]);
});

test("the supervisor's queue shows the requester's reason and approves with a reason of their own", async () => {
  const request = {
    id: "r1",
    kind: "access",
    letter_id: "L1",
    receipt_no: "SD-115-00001",
    level: "密",
    unit: "稅務管理科",
    handler: "handler",
    requested_by: "clerk",
    requested_at: 1795795200000,
    until: 1795795200000 + 14 * 86400000,
    reason: "請貴科辦理",
    status: "pending",
    slip: { receipt_no: "SD-115-00001", level: "密", subject: "代號甲", category: "petition", deadline: null, summary: "○○○陳情" },
  };
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "requests") return [request];
    if (cmd === "inquiries") return [];
    if (cmd === "approve") return { id: "a1" };
    throw { kind: "internal", message: cmd };
  });
  component = mount(Decisions, { target });
  await settle();
  const item = target.querySelector('[data-request="r1"]');
  assert.ok(item, "the request is in the queue");
  assert.match(item?.textContent ?? "", /請貴科辦理/);
  assert.match(item?.textContent ?? "", /代號甲/);
  (item?.querySelector(".approve-button") as HTMLButtonElement).click();
  await settle();
  typeInto(target.querySelector("#decide-approve-reason"), "同意");
  (target.querySelector("#decide-approve-submit") as HTMLButtonElement).click();
  await settle();
  const approve = invoke.mock.calls.find((c) => c[0] === "approve");
  assert.deepEqual(approve?.[1], { args: { request: "r1", reason: "同意" } });
  assert.match(target.textContent ?? "", /已核准 SD-115-00001/);
});

test("a refusal shows in plain zh-TW, and the passphrase field is cleared", async () => {
  session.booted = true;
  invoke.mockImplementation(async () => {
    throw { kind: "throttled", message: "too many wrong passphrases; try again in 30 s", retry_after_secs: 30 };
  });
  component = mount(Login, { target });
  typeInto(target.querySelector("#login-name"), "clerk");
  typeInto(target.querySelector("#login-passphrase"), "wrong");
  (target.querySelector("#login-form") as HTMLFormElement).dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
  assert.deepEqual(invoke.mock.calls[0], ["login", { args: { name: "clerk", passphrase: "wrong" } }]);
  const error = target.querySelector("#login-error");
  assert.equal(error?.hasAttribute("hidden"), false);
  assert.match(error?.textContent ?? "", /密碼錯誤，請等 30 秒後再試/);
  assert.equal((target.querySelector("#login-passphrase") as HTMLInputElement).value, "");
});

test("a date typed in the ROC calendar is bound as a calendar date, and a wrong one is shown and passed on", async () => {
  let bound = "2026-01-05";
  component = mount(DateInput, {
    target,
    props: {
      id: "d",
      get value() {
        return bound;
      },
      set value(v: string) {
        bound = v;
      },
    },
  });
  await settle();
  const input = target.querySelector("#d") as HTMLInputElement;
  assert.equal(input.value, "115/01/05");
  typeInto(input, "民國115年12月31日");
  await settle();
  assert.equal(bound, "2026-12-31");
  assert.match(target.querySelector("#d-understood")?.textContent ?? "", /即 民國115年12月31日/);
  typeInto(input, "115/2/30");
  await settle();
  assert.equal(bound, "115/2/30");
  assert.equal(input.getAttribute("aria-invalid"), "true");
  assert.match(target.querySelector("#d-understood")?.textContent ?? "", /看不懂這個日期/);
  typeInto(input, "");
  await settle();
  assert.equal(bound, "");
});

test("the review's page shows a box per kept finding and turns a drag into a box in the image's pixels", async () => {
  const draws: Array<[number, unknown]> = [];
  const props = {
    pages: [
      {
        page: 1,
        png_base64: "iVBORw0KGgo=",
        width: 1000,
        height: 2000,
        read: true,
        boxes: [
          { finding: 0, x0: 10, y0: 10, x1: 50, y1: 30 },
          { finding: 1, x0: 60, y0: 10, x1: 90, y1: 30 },
        ],
      },
      { page: 2, png_base64: "iVBORw0KGgo=", width: 1000, height: 2000, read: false, boxes: [], standing: [] },
    ],
    findings: [
      { kind: "person", value: "王大明", start: 0, end: 3, confidence: 1, placed: true, writer: true },
      { kind: "phone", value: "0912345678", start: 4, end: 14, confidence: 1, placed: true, writer: true },
    ],
    dropped: new Set([1]),
    drawn: [{ page: 2, x0: 1, y0: 1, x1: 9, y1: 9, kind: "person" }],
    ondraw: (page: number, box: unknown) => draws.push([page, box]),
  };
  component = mount(PageReview, { target, props: props as never });
  await settle();
  const [first, second] = [...target.querySelectorAll("figure.review-page")];
  assert.ok(first && second, "two pages");
  // The dropped phone gets no box; the drawn box is on page 2.
  assert.equal(first.querySelectorAll("rect.finding-box").length, 1);
  assert.equal(second.querySelectorAll("rect.drawn-box").length, 1);
  // A page nothing was read from says it will be withheld.
  assert.equal(first.querySelector(".warning"), null);
  assert.ok(second.querySelector(".warning"));
  // Page 1 shown at half size: a drag from (20,40) to (120,90) on screen.
  const svg = first.querySelector("svg") as SVGSVGElement;
  svg.getBoundingClientRect = () => ({ left: 0, top: 0, width: 500, height: 1000 }) as DOMRect;
  const at = (type: string, x: number, y: number) =>
    svg.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }));
  at("pointerdown", 20, 40);
  at("pointermove", 120, 90);
  await settle();
  assert.ok(svg.querySelector("rect.drag-box"), "the box being drawn is shown");
  at("pointerup", 120, 90);
  await settle();
  assert.deepEqual(draws, [[1, { x0: 40, y0: 80, x1: 240, y1: 180 }]]);
});

test("a page read poorly offers its release, and only that page", async () => {
  const releases: Array<[number, boolean]> = [];
  component = mount(PageReview, {
    target,
    props: {
      pages: [
        {
          page: 1,
          png_base64: "iVBORw0KGgo=",
          width: 100,
          height: 200,
          read: true,
          boxes: [],
          standing: [{ finding: 0, x0: 60, y0: 150, x1: 95, y1: 190 }],
        },
        { page: 2, png_base64: "iVBORw0KGgo=", width: 100, height: 200, read: false, boxes: [], standing: [] },
      ],
      findings: [],
      dropped: new Set(),
      drawn: [],
      ondraw: () => {},
      released: new Set<number>(),
      onrelease: (page: number, on: boolean) => releases.push([page, on]),
    } as never,
  });
  await settle();
  assert.equal(target.querySelector("#release-page-1"), null, "a page read well needs no release");
  const standing = target.querySelectorAll("figure.review-page")[0]?.querySelectorAll("rect.standing-box");
  assert.equal(standing?.length, 1, "the seal's box is shown before registration");
  assert.match(standing?.[0]?.textContent ?? "", /印章或署名區/);
  const box = target.querySelector("#release-page-2") as HTMLInputElement;
  assert.ok(box, "the poorly read page can be released");
  assert.match(box.parentElement?.textContent ?? "", /放行予承辦人/);
  box.click();
  await settle();
  assert.deepEqual(releases, [[2, true]]);
});

test("a forged ledger entry is marked, and the name it claims is never shown as its actor", async () => {
  const base = {
    at: 1795795200000,
    role: "supervisor",
    workstation: "w",
    action: "view",
    letter_id: "L1",
    receipt_no: "SD-115-00001",
    level: "密",
    reason: "私人",
    assignment: null,
    outcome: "allowed",
    detail: null,
  };
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "ledger_readout")
      return {
        entries: [
          { ...base, seq: 1, user: "handler", forged: null },
          { ...base, seq: 2, user: "supervisor", forged: "entry written by handler names \"supervisor\" as its actor" },
        ],
        unreadable: [{ seq: 3, detail: "decryption failed" }],
      };
    throw { kind: "internal", message: cmd };
  });
  component = mount(Ledger, { target });
  await settle();
  const rows = [...target.querySelectorAll("tr.ledger-row")];
  assert.equal(rows.length, 2);
  const forged = rows.find((r) => r.classList.contains("forged"));
  assert.ok(forged, "the forged entry is marked");
  assert.match(forged?.querySelector(".badge-forged")?.textContent ?? "", /偽造/);
  assert.equal(forged?.querySelector("s")?.textContent, "supervisor");
  const honest = rows.find((r) => !r.classList.contains("forged"));
  assert.equal(honest?.querySelector(".badge-forged"), null);
  // An entry that does not open is named apart; the others are still listed.
  assert.match(target.querySelector("#ledger-unreadable")?.textContent ?? "", /無法解密.*第 3 筆/);
});

test("a revoke that waits on another desk's read says the old bytes are wiped later", async () => {
  const a = {
    id: "a1",
    kind: "access",
    letter_id: "l1",
    receipt_no: "SD-115-00001",
    level: "密",
    unit: "稅務管理科",
    handler: "handler",
    until: 1_796_346_000_000,
    active: true,
    ended: null,
    affirmed: true,
  };
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "unit_assignments") return [a];
    if (cmd === "revoke") return { ...a, active: false, ended: "revoked", notice: "waited 2 s" };
    throw new Error(cmd);
  });
  component = mount(UnitAssignments, { target, props: {} });
  await settle();
  (target.querySelector(".revoke-button") as HTMLButtonElement).click();
  await settle();
  typeInto(target.querySelector("#revoke-reason"), "改分");
  (target.querySelector("form") as HTMLFormElement).requestSubmit();
  await settle();
  const status = target.querySelector("[role=status]")?.textContent ?? "";
  assert.match(status, /已撤銷 handler 對 SD-115-00001 的分辦/);
  assert.match(status, /下次檢查點/);
  assert.deepEqual(invoke.mock.calls.find((c) => c[0] === "revoke")?.[1], {
    args: { assignment: "a1", reason: "改分" },
  });
});

type Item = { id: string; name: string };
const cells = createRawSnippet((item: () => Item) => ({ render: () => `<th scope="row">${item().name}</th>` }));
const openButton = createRawSnippet((item: () => Item) => ({
  render: () => `<button class="open-button" type="button">${item().id}</button>`,
}));

function mountTable(props: Record<string, unknown>) {
  component = mount(DataTable, {
    target,
    props: { key: (i: Item) => i.id, columns: ["letters.col.receipt", { text: "#" }], row: cells, ...props } as never,
  });
  flushSync();
}

test("a table with nothing to list shows the caller's empty message, and no table", () => {
  mountTable({ rows: [], empty: "unit.empty" });
  const placeholder = target.querySelector("p.placeholder");
  assert.equal(placeholder?.textContent, "本單位目前沒有有效的分辦");
  assert.equal(placeholder?.hasAttribute("role"), false);
  assert.equal(target.querySelector("table"), null);
});

test("the empty message follows the language, and can be announced", () => {
  try {
    setLang("en");
    mountTable({ rows: [], empty: "home.letters.empty", emptyRole: "status" });
    const placeholder = target.querySelector("p.placeholder");
    assert.equal(placeholder?.textContent, "No letters to show");
    assert.equal(placeholder?.getAttribute("role"), "status");
  } finally {
    setLang("zh-TW");
  }
});

test("without an empty message, or when the caller says it is not empty, an empty list is an empty table", () => {
  mountTable({ rows: [], id: "t1" });
  assert.equal(target.querySelector("p.placeholder"), null);
  assert.equal(target.querySelectorAll("#t1 tbody tr").length, 0);
  unmount(component!);
  mountTable({ rows: [], id: "t2", empty: "unit.empty", isEmpty: false });
  assert.equal(target.querySelector("p.placeholder"), null);
  assert.ok(target.querySelector("#t2"));
});

test("nothing is shown before the rows come, and the loading line while they load", () => {
  mountTable({ rows: null, empty: "unit.empty" });
  assert.equal(target.innerHTML.replace(/<!--[^>]*-->/g, "").trim(), "");
  unmount(component!);
  mountTable({ rows: null, empty: "unit.empty", loading: true });
  const loading = target.querySelector("p.placeholder");
  assert.equal(loading?.textContent, "載入中…");
  assert.equal(loading?.getAttribute("role"), "status");
});

test("a table has translated headers, a row per item, and an actions column with a hidden header", () => {
  mountTable({
    rows: [
      { id: "a", name: "SD-115-00001" },
      { id: "b", name: "SD-115-00002" },
    ],
    id: "t",
    labelledby: "t-heading",
    empty: "unit.empty",
    actions: openButton,
    actionsClass: "row-actions",
    rowAttrs: (i: Item) => ({ class: "item-row", "data-item": i.id }),
  });
  const table = target.querySelector("div.table-wrap > table#t.data-table");
  assert.ok(table, "the table, with the classes app.css styles");
  assert.equal(table?.getAttribute("aria-labelledby"), "t-heading");
  const headers = [...table!.querySelectorAll("thead th")];
  assert.deepEqual(
    headers.map((h) => [h.getAttribute("scope"), h.textContent]),
    [["col", "收文號"], ["col", "#"], ["col", "操作"]],
  );
  assert.ok(headers[2]?.querySelector("span.visually-hidden"), "the actions header is for screen readers only");
  const rows = [...table!.querySelectorAll("tbody tr.item-row")];
  assert.deepEqual(rows.map((r) => r.getAttribute("data-item")), ["a", "b"]);
  assert.equal(rows[0]?.querySelector('th[scope="row"]')?.textContent, "SD-115-00001");
  assert.equal(rows[1]?.querySelector("td.row-actions > button.open-button")?.textContent, "b");
});

test("a registered letter leaves an empty form for the next: no subject, date or party carries over", async () => {
  const draft = (id: string) => ({
    draft_id: id,
    file_name: "pasted.txt",
    source: "text",
    pages: 1,
    text: "陳情內容",
    findings: [],
    notices: [],
    sha256: id,
    duplicate_of: null,
    ocr_confidence: null,
    page_images: [],
  });
  const sent: Array<Record<string, unknown>> = [];
  let n = 0;
  invoke.mockImplementation(async (cmd: string, payload: { args?: Record<string, unknown> }) => {
    if (cmd === "draft_text") return draft(`d${++n}`);
    if (cmd === "register_draft") {
      sent.push(payload.args ?? {});
      return { letter_id: "l1", receipt_no: "SD-115-00001", level: "密", category: "petition", registered_at: 0,
        source: "text", pages: 1, text_chars: 4, has_text_layer: true, original_sha256: "x", findings: [], notices: [] };
    }
    throw { kind: "internal", message: cmd };
  });
  component = mount(Intake, { target });
  await settle();
  const read = async () => {
    typeInto(target.querySelector("#intake-text"), "陳情內容");
    (target.querySelector("#intake-text-read") as HTMLButtonElement).click();
    await settle();
  };
  await read();
  typeInto(target.querySelector("#meta-subject"), "代號甲：道路坑洞");
  typeInto(target.querySelector("#meta-parties"), "王大明");
  typeInto(target.querySelector("#meta-secrecy"), "結案後");
  (target.querySelector("#register-form") as HTMLFormElement).requestSubmit();
  await settle();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.subject, "代號甲：道路坑洞");
  assert.deepEqual(sent[0]?.parties, ["王大明"]);
  await read();
  assert.equal((target.querySelector("#meta-subject") as HTMLInputElement).value, "");
  assert.equal((target.querySelector("#meta-parties") as HTMLInputElement).value, "");
  assert.equal((target.querySelector("#meta-secrecy") as HTMLInputElement).value, "");
  assert.equal((target.querySelector("#meta-level") as HTMLSelectElement).value, "密");
});

test("a form's own checks speak zh-TW, never the browser's English", async () => {
  const { formProblem } = await import("../src/lib/formcheck");
  setLang("zh-TW");
  const form = document.createElement("form");
  form.noValidate = true;
  form.innerHTML = `
    <label><span>帳號名稱</span><input id="n" type="text" required /></label>
    <label><span>首次密碼</span><input id="p" type="password" minlength="12" required /></label>
    <label><span>閒置鎖定（分鐘）</span><input id="m" type="number" min="1" max="480" /></label>`;
  target.append(form);
  assert.equal(formProblem(form)?.message, "請填寫「帳號名稱」");
  (form.querySelector("#n") as HTMLInputElement).value = "clerk2";
  (form.querySelector("#p") as HTMLInputElement).value = "short";
  assert.equal(formProblem(form)?.message, "「首次密碼」至少需要 12 個字元");
  (form.querySelector("#p") as HTMLInputElement).value = "a-long-passphrase";
  (form.querySelector("#m") as HTMLInputElement).value = "999";
  assert.equal(formProblem(form)?.message, "「閒置鎖定（分鐘）」須介於 1 與 480 之間");
  (form.querySelector("#m") as HTMLInputElement).value = "15";
  assert.equal(formProblem(form), null);
});

test("an administrator is offered no 停用 on their own row, and units come from the directory", async () => {
  const { default: Users } = await import("../src/screens/Users.svelte");
  setLang("zh-TW");
  session.user = { name: "admin", roles: ["admin"], unit: null, idle_timeout_secs: 900, warnings: [] };
  const user = (name: string, unit: string | null) => ({
    name, roles: ["handler"], unit, disabled: false, created_at: 0, failed_logins: 0,
  });
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "users") return [{ ...user("admin", null), roles: ["admin"] }, user("handler", "稅務管理科"), user("h2", "地方稅科")];
    throw { kind: "internal", message: cmd };
  });
  component = mount(Users, { target });
  await settle();
  const row = (name: string) => target.querySelector(`tr[data-user="${name}"]`);
  assert.equal(row("admin")?.querySelector(".disable-button"), null, "not on one's own row");
  assert.ok(row("handler")?.querySelector(".disable-button"), "on another's row");
  const units = [...target.querySelectorAll("#known-units option")].map((o) => (o as HTMLOptionElement).value);
  assert.deepEqual(units, ["地方稅科", "稅務管理科"]);
  assert.equal(target.querySelector("#add-unit")?.getAttribute("list"), "known-units");
  session.user = null;
});

test("a common phrase is added to the reason, never replacing what was typed", async () => {
  const submitted: string[] = [];
  component = mount(ReasonForm, {
    target,
    props: {
      label: "理由",
      submitLabel: "核准",
      idPrefix: "p",
      phrases: ["同意", "於期限內辦理"],
      onsubmit: async (r: string) => {
        submitted.push(r);
        return null;
      },
    },
  });
  await settle();
  typeInto(target.querySelector("#p-reason"), "業務相關");
  const buttons = [...target.querySelectorAll("button.phrase")] as HTMLButtonElement[];
  assert.deepEqual(buttons.map((b) => b.textContent), ["同意", "於期限內辦理"]);
  buttons[1]?.click();
  buttons[1]?.click();
  await settle();
  assert.equal((target.querySelector("#p-reason") as HTMLTextAreaElement).value, "業務相關；於期限內辦理");
});

test("a draft open before the lock comes back when the clerk returns", async () => {
  setLang("zh-TW");
  invoke.mockImplementation(async (cmd: string) => {
    if (cmd === "open_drafts")
      return [{ draft_id: "d9", file_name: "來函.pdf", source: "pdf", pages: 1, text: "陳情內容", findings: [],
        notices: [], sha256: "x", duplicate_of: null, ocr_confidence: null, page_images: [] }];
    throw { kind: "internal", message: cmd };
  });
  component = mount(Intake, { target });
  await settle();
  assert.match(target.querySelector("#intake-restored")?.textContent ?? "", /已恢復.*來函\.pdf/);
  assert.ok(target.querySelector("#register-form"), "the review is open again");
});
