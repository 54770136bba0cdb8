// Which screens each role works in, as data. The back end checks every call
// on its own; this table only decides what the UI offers, so that nobody is
// shown a screen whose every call would be refused (and recorded as a
// refusal in the ledger).

import type { Role } from "./bindings";
import type { Key } from "./strings";

export type ScreenId =
  | "register"
  | "intake"
  | "routing"
  | "decisions"
  | "unit"
  | "assignments"
  | "ledger"
  | "report"
  | "users"
  | "settings"
  | "account";

export interface ScreenDef {
  id: ScreenId;
  /** i18n key of the tab's label. */
  label: Key;
  roles: readonly Role[] | "everyone";
}

/** In the order the tabs appear. */
export const SCREENS: readonly ScreenDef[] = [
  // The register is the clerk's: a supervisor holds no letter's key, so it
  // would show them rows with every field sealed. Their letters are in
  // 待核決 and 本單位分辦.
  { id: "register", label: "screen.register", roles: ["clerk"] },
  { id: "intake", label: "screen.intake", roles: ["clerk"] },
  { id: "routing", label: "screen.routing", roles: ["clerk"] },
  { id: "decisions", label: "screen.decisions", roles: ["supervisor"] },
  { id: "unit", label: "screen.unit", roles: ["supervisor"] },
  { id: "assignments", label: "screen.assignments", roles: ["handler"] },
  { id: "ledger", label: "screen.ledger", roles: ["auditor"] },
  { id: "report", label: "screen.report", roles: ["auditor"] },
  { id: "users", label: "screen.users", roles: ["admin"] },
  { id: "settings", label: "screen.settings", roles: ["admin"] },
  { id: "account", label: "screen.account", roles: "everyone" },
];

/** The screens a user with these roles gets, in tab order. */
export function screensFor(roles: readonly string[] | null | undefined): ScreenDef[] {
  const mine = Array.isArray(roles) ? roles : [];
  return SCREENS.filter((s) => s.roles === "everyone" || s.roles.some((r) => mine.includes(r)));
}

/** Where each role starts its day: what waits for it. */
const HOME: ReadonlyArray<[Role, ScreenId]> = [
  ["clerk", "register"],
  ["supervisor", "decisions"],
  ["handler", "assignments"],
  ["auditor", "ledger"],
  ["admin", "users"],
];

/** The screen a user lands on after login (the first role's, in the order above). */
export function homeScreen(roles: readonly string[] | null | undefined): ScreenId {
  const mine = Array.isArray(roles) ? roles : [];
  return HOME.find(([role]) => mine.includes(role))?.[1] ?? "account";
}
