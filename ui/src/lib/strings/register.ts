// Strings of the register (收文登記簿), zh-TW first.
// Merged into STRINGS (../strings.ts). The English table is typed by the
// zh-TW one, so a key missing from either language fails `npm run check`.

const zhTW = {
  "register.heading": "收文登記簿",
  "register.search": "搜尋",
  "register.searchHint": "收文號、主旨、來文機關、文號、承辦人",
  "register.count": "顯示 {shown} 筆，共 {total} 筆",
  "register.sealed": "（無權閱覽）",
  "register.col.received": "收文日期",
  "register.col.sender": "來文機關",
  "register.col.secrecy": "保密期限／解密條件",
  "register.col.subject": "主旨（代號）",
  "register.col.holder": "目前承辦",
  "register.col.status": "分文狀態",
  "register.col.deadline": "辦理期限",
  "secrecy.until": "保密至",
  "secrecy.condition": "解密條件：",
  "secrecy.conditionHint": "例：本案結案後解密",
  "secrecy.conditionLabel": "解密條件",
} satisfies Record<string, string>;

const en: Record<keyof typeof zhTW, string> = {
  "register.heading": "Register of confidential letters",
  "register.search": "Search",
  "register.searchHint": "Receipt no., subject, sender, document no., handler",
  "register.count": "{shown} of {total}",
  "register.sealed": "(not yours to read)",
  "register.col.received": "Received",
  "register.col.sender": "Sending agency",
  "register.col.secrecy": "Secret until / condition",
  "register.col.subject": "Subject (code name)",
  "register.col.holder": "Held by",
  "register.col.status": "Routing",
  "register.col.deadline": "Deadline",
  "secrecy.until": "Secret until",
  "secrecy.condition": "Declassify when:",
  "secrecy.conditionHint": "e.g. when the case is closed",
  "secrecy.conditionLabel": "Declassification condition",
};

export const REGISTER_STRINGS = { "zh-TW": zhTW, en };
