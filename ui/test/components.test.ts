// Components in jsdom with the Tauri bridge replaced: what the page sends
// and what it shows. The real bridge and back end are exercised by the
// end-to-end test in src-tauri/tests/it/e2e.rs.
import { afterEach, beforeEach, test, vi } from "vitest";
import assert from "node:assert/strict";
import { flushSync, mount, unmount, tick } from "svelte";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));

const { default: ReasonForm } = await import("../src/components/ReasonForm.svelte");
const { default: Decisions } = await import("../src/screens/Decisions.svelte");
const { default: Login } = await import("../src/screens/Login.svelte");
const { default: DateInput } = await import("../src/components/DateInput.svelte");
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
  assert.match(error?.textContent ?? "", /密碼錯誤次數過多.*請於 30 秒後再試/);
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
