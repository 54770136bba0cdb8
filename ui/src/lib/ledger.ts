// The auditor's filters over ledger entries. Pure, so they are tested.

import type { LedgerEntry } from "./bindings";
import { taiwanDayRange } from "./format";

export interface LedgerFilter {
  user: string;
  action: string;
  /** A Taiwan calendar day "YYYY-MM-DD" (from), or "". */
  from: string;
  /** A Taiwan calendar day "YYYY-MM-DD" (to, inclusive), or "". */
  to: string;
  /** Receipt number or letter id, any part of it. */
  letter: string;
  outcome: string;
}

export const EMPTY_LEDGER_FILTER: LedgerFilter = { user: "", action: "", from: "", to: "", letter: "", outcome: "" };

export function filterEntries(entries: readonly LedgerEntry[], f: LedgerFilter): LedgerEntry[] {
  const from = f.from ? taiwanDayRange(f.from)?.[0] ?? null : null;
  const to = f.to ? taiwanDayRange(f.to)?.[1] ?? null : null;
  const letter = f.letter.trim().toLowerCase();
  return entries.filter((e) => {
    if (f.user !== "" && e.user !== f.user) return false;
    if (f.action !== "" && e.action !== f.action) return false;
    if (f.outcome !== "" && e.outcome !== f.outcome) return false;
    if (from !== null && e.at < from) return false;
    if (to !== null && e.at >= to) return false;
    if (letter !== "") {
      const hay = `${e.receipt_no ?? ""} ${e.letter_id ?? ""}`.toLowerCase();
      if (!hay.includes(letter)) return false;
    }
    return true;
  });
}

/**
 * A ledger entry's detail as the back end writes it (stable English forms,
 * part of the stored entry) in the reader's language. Each known form is a
 * pattern with its zh-TW sentence; ids, names and codes are kept as they
 * are. A detail of no known form (a refusal's reason, a verifier's note) is
 * shown as written, in parentheses, so nothing is hidden or made up.
 */
const DETAIL_ZH: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^on demand$/, () => "使用者自行鎖定"],
  [/^idle$/, () => "閒置逾時自動鎖定"],
  [/^account disabled$/, () => "帳號已停用，工作階段結束"],
  [/^key pair replaced$/, () => "金鑰已重設，工作階段結束"],
  [/^changed own passphrase$/, () => "變更本人密碼"],
  [/^copy register$/, () => "查閱複製登記簿"],
  [/^identity shown$/, () => "顯示陳情人身分"],
  [/^routing slip preview$/, () => "預覽分文單"],
  [/^verify entries$/, () => "驗證紀錄內容"],
  [/^mark (\S+)$/, (m) => `標記碼 ${m[1]}`],
  [/^(.*); mark (\S+)$/, (m) => `${ledgerDetail(m[1] ?? "", "zh-TW")}；標記碼 ${m[2]}`],
  [/^approved request (\S+) \((\w+)\)$/, (m) => `核准申請 ${m[1]}（${KIND_ZH[m[2] ?? ""] ?? m[2]}）`],
  [/^denied request (\S+)$/, (m) => `駁回申請 ${m[1]}`],
  [/^endorsed reveal request (\S+)$/, (m) => `會簽身分揭露申請 ${m[1]}`],
  [/^inquiry (\S+) answered (ours|not_ours)$/, (m) => `詢問 ${m[1]} 回覆：${m[2] === "ours" ? "本單位承辦" : "非本單位業務"}`],
  [/^ledger key granted to (.+)$/, (m) => `授予 ${m[1]} 稽核紀錄金鑰`],
  [/^request (\S+): route to (.+) of (.+)$/, (m) => `申請 ${m[1]}：分派 ${m[3]} ${m[2]}`],
  [/^request (\S+): (\w+) for (.+)$/, (m) => `申請 ${m[1]}：${KIND_ZH[m[2] ?? ""] ?? m[2]}，給 ${m[3]}`],
  [/^request: (\w+) for (.+)$/, (m) => `申請${KIND_ZH[m[1] ?? ""] ?? m[1]}，給 ${m[2]}`],
  [/^request (\S+)$/, (m) => `申請 ${m[1]}`],
  [/^reveal requested: request (\S+)$/, (m) => `申請揭露身分：申請 ${m[1]}`],
  [/^routing inquiry (\S+) to (.+)$/, (m) => `分文詢問 ${m[1]}，致 ${m[2]}`],
  [/^routing slip of inquiry (\S+)$/, (m) => `查看詢問 ${m[1]} 的分文單`],
  [/^run request (\S+)$/, (m) => `執行申請 ${m[1]}`],
  [/^assignment (\S+) (revoked|declined|expired)$/, (m) => `分辦 ${m[1]} ${ENDED_ZH[m[2] ?? ""] ?? m[2]}`],
  [/^to (\/.*)$/, (m) => `匯出至 ${m[1]}`],
  [/^vault created; first administrator (.+)$/, (m) => `建立密件庫；首位管理者 ${m[1]}`],
  [/^affirmed no relationship with the letter's (\d+) part\(ies\)$/, (m) => `聲明與本件 ${m[1]} 位當事人無利害關係`],
];

const KIND_ZH: Record<string, string> = { access: "閱覽", reveal: "身分揭露", export: "匯出", print: "列印" };
const ENDED_ZH: Record<string, string> = { revoked: "已撤銷", declined: "已婉拒", expired: "已到期" };

export function ledgerDetail(detail: string | null | undefined, lang: string): string {
  if (!detail) return "";
  if (lang !== "zh-TW") return detail;
  for (const [pattern, say] of DETAIL_ZH) {
    const m = detail.match(pattern);
    if (m) return say(m);
  }
  return `（${detail}）`;
}
