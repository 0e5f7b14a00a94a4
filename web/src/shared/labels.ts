// What both apps say the same way: the ticket's codes as the API gives them, and their Chinese labels (the API's own
// words for them: hotline/domain/tickets/progress.py). The citizen site's English is its own (citizen/messages.ts).
export type Status = "received" | "dispatched" | "in_progress" | "awaiting_customer" | "replied" | "closed";
export type Resolution = "resolved" | "direct_answer" | "referred" | "duplicate" | "no_response";
export type Grade = "satisfied" | "basically_satisfied" | "dissatisfied";

export const STATUS: Record<Status, string> = {
  received: "已受理",
  dispatched: "已派单",
  in_progress: "办理中",
  awaiting_customer: "待补充材料",
  replied: "已答复",
  closed: "已办结",
};

export const RESOLUTION: Record<Resolution, string> = {
  resolved: "已解决",
  direct_answer: "直接答复",
  referred: "告知转办",
  duplicate: "重复诉求",
  no_response: "回访未获回复",
};

export const GRADE: Record<Grade, string> = {
  satisfied: "满意",
  basically_satisfied: "基本满意",
  dissatisfied: "不满意",
};
