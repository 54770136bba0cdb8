// Strings of my assignments (我的分辦) and the reading room, zh-TW first.
// Merged into STRINGS (../strings.ts). The English table is typed by the
// zh-TW one, so a key missing from either language fails `npm run check`.

const zhTW = {
  "reading.pages": "頁面影像（個人資料已遮蔽）",
  "reading.pageAlt": "第 {n} 頁（已遮蔽）",

  "reading.pagesWithheld": "頁面影像未顯示：{why}",

  "assignment.kind.access": "閱覽",
  "assignment.kind.reveal": "身分揭露",
  "assignments.daysLeft": "剩 {n} 天",
  "assignments.open": "閱覽",

  "reading.heading": "閱覽 {receipt}",
  "reading.back": "返回我的分辦",
  "reading.reason": "閱覽理由（將記錄於稽核紀錄）",
  "reading.reasonDefault": "辦理 {receipt}",
  "reading.open": "開啟",
  "reading.affirmAndOpen": "聲明並開啟",
  "reading.affirmIntro": "首次閱覽前，請聲明您與下列當事人沒有利害關係：",
  "reading.affirm": "本人與上列當事人均無利害關係，如有隱匿願負法律責任。",
  "reading.affirmFirst": "請先勾選上方聲明（與本件當事人無利害關係），才能開啟本件。",
  "reading.recorded": "本次閱覽已記錄",
  "reading.copied": "已複製 {n} 字（遮蔽後內容），並已記錄。",
  "reading.noClipboard": "無法寫入剪貼簿",
  "reading.requestReveal": "申請揭露身分",
  "reading.revealReason": "為何需要知道陳情人身分",
  "reading.revealRequested": "已送出身分揭露申請：分文人員會簽後由主管核准。",
  "reading.showIdentity": "顯示陳情人身分",
  "reading.identity": "陳情人身分（已核准揭露）",
  "reading.emailFrom": "寄件者",
  "reading.decline": "退回分辦",
  "reading.declineReason": "退回理由",
} satisfies Record<string, string>;

const en: Record<keyof typeof zhTW, string> = {
  "reading.pages": "Page images (personal data blacked out)",
  "reading.pageAlt": "Page {n} (redacted)",

  "reading.pagesWithheld": "Page images not shown: {why}",

  "assignment.kind.access": "Access",
  "assignment.kind.reveal": "Identity reveal",
  "assignments.daysLeft": "{n} days left",
  "assignments.open": "Read",

  "reading.heading": "Reading {receipt}",
  "reading.back": "Back to my assignments",
  "reading.reason": "Why you open it (recorded in the ledger)",
  "reading.reasonDefault": "Handling {receipt}",
  "reading.open": "Open",
  "reading.affirmAndOpen": "Affirm and open",
  "reading.affirmIntro": "Before the first reading, affirm you have no relationship with:",
  "reading.affirm": "I have no relationship with the parties above.",
  "reading.affirmFirst": "Tick the statement above (no relationship with the parties) first; the letter opens only then.",
  "reading.recorded": "This reading is recorded",
  "reading.copied": "Copied {n} characters (masked text); recorded.",
  "reading.noClipboard": "Could not write to the clipboard",
  "reading.requestReveal": "Request the identity",
  "reading.revealReason": "Why you need to know who wrote it",
  "reading.revealRequested": "Reveal requested: the clerk endorses, then the supervisor decides.",
  "reading.showIdentity": "Show the petitioner's identity",
  "reading.identity": "Petitioner's identity (reveal approved)",
  "reading.emailFrom": "From",
  "reading.decline": "Decline the assignment",
  "reading.declineReason": "Reason for declining",
};

export const READING_STRINGS = { "zh-TW": zhTW, en };
