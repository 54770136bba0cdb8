// Strings of the supervisor's screens: decisions (待決事項) and the unit's
// assignments (本單位分辦), zh-TW first.
// Merged into STRINGS (../strings.ts). The English table is typed by the
// zh-TW one, so a key missing from either language fails `npm run check`.

const zhTW = {
  "decide.heading": "待決事項",
  "decide.empty": "目前沒有待決事項",
  "decide.for": "承辦：{handler}（{unit}）",
  "decide.until": "期限至 {date}",
  "decide.requestedBy": "{who} 於 {at} 申請，理由：",
  "decide.askedAt": "{at} 詢問是否屬本單位權責",
  "decide.approve": "核准",
  "decide.deny": "駁回",
  "decide.approveReason": "核准理由",
  "decide.denyReason": "駁回理由",
  "decide.approved": "已核准 {receipt}。",
  "decide.denied": "已駁回 {receipt}。",
  "decide.recent": "最近決定",

  "unit.heading": "本單位分辦",
  "unit.empty": "本單位目前沒有有效的分辦",
  "unit.affirmed": "已聲明無利益衝突",
  "unit.revoke": "撤銷",
  "unit.revokeReason": "撤銷理由",
  "unit.revoked": "已撤銷 {handler} 對 {receipt} 的分辦。",
  "unit.wipePending": "金鑰已自保險庫移除;因另一席位正在讀取,舊資料將於下次檢查點自檔案清除。",
} satisfies Record<string, string>;

const en: Record<keyof typeof zhTW, string> = {
  "decide.heading": "Decisions",
  "decide.empty": "Nothing waits for you",
  "decide.for": "Handler: {handler} ({unit})",
  "decide.until": "until {date}",
  "decide.requestedBy": "Requested by {who} at {at}, because:",
  "decide.askedAt": "Asked at {at} whether this is your unit's",
  "decide.approve": "Approve",
  "decide.deny": "Deny",
  "decide.approveReason": "Reason for approving",
  "decide.denyReason": "Reason for denying",
  "decide.approved": "Approved {receipt}.",
  "decide.denied": "Denied {receipt}.",
  "decide.recent": "Recent decisions",

  "unit.heading": "Unit assignments",
  "unit.empty": "No active assignments in your unit",
  "unit.affirmed": "No-conflict affirmed",
  "unit.revoke": "Revoke",
  "unit.revokeReason": "Reason for revoking",
  "unit.revoked": "Revoked {handler}'s assignment to {receipt}.",
  "unit.wipePending": "The key is gone from the vault; another desk is reading it, so its old bytes are wiped from the file at the next checkpoint.",
};

export const SUPERVISOR_STRINGS = { "zh-TW": zhTW, en };
