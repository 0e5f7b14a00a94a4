// How the console writes the API's codes and instants for the centre's staff: Chinese labels, and every time in the
// centre's calendar zone (Asia/Shanghai) whatever the browser's own zone is.
import type { TimerName } from "./model";

export { GRADE, RESOLUTION, STATUS } from "../../shared/labels";

export const ZONE = "Asia/Shanghai";

export const TIMER: Record<TimerName, string> = {
  dispatch: "派单时限",
  accept: "签收时限",
  resolve: "办结时限",
  callback: "回访时限",
};

export const CHANNEL: Record<string, string> = {
  web: "网站",
  mobile: "移动端",
  phone: "电话",
  partner: "合作方",
  letter: "来信",
  visit: "来访",
  email: "电子邮件",
  regulator: "上级交办",
};

export const ROLE: Record<string, string> = {
  agent: "话务员",
  dispatcher: "派单员",
  unit: "承办单位",
  supervisor: "督办员",
  admin: "管理员",
  knowledge: "知识库编辑",
  customer: "市民",
  citizen: "市民",
  partner: "合作方",
  system: "系统",
};

/** The staff actions (the API's `actions`). */
export const ACTION: Record<string, string> = {
  dispatch: "派单",
  accept: "签收",
  "request-info": "请市民补充材料",
  "info-received": "已收到补充材料",
  reply: "答复",
  return: "退单",
  "request-extension": "申请延期",
  "decide-extension": "审批延期",
  urge: "催办",
  supervise: "督办",
  close: "办结",
  reopen: "重新办理",
  "change-priority": "调整紧急程度",
  publish: "公开设置",
  callback: "记录回访",
  link: "合并办理",
  unlink: "取消合并",
};

export const EVENT: Record<string, string> = {
  "ticket.created": "受理",
  "ticket.dispatched": "派单",
  "ticket.accepted": "签收",
  "ticket.info_requested": "请市民补充材料",
  "ticket.info_received": "收到补充材料",
  "ticket.replied": "答复",
  "ticket.returned": "退单",
  "ticket.extension_requested": "申请延期",
  "ticket.extension_decided": "延期审批",
  "ticket.urged": "催办",
  "ticket.supervised": "督办",
  "ticket.closed": "办结",
  "ticket.reopened": "重新办理",
  "ticket.priority_changed": "调整紧急程度",
  "ticket.published": "在公开地图公布",
  "ticket.unpublished": "从公开地图撤下",
  "ticket.reminded": "时限提醒",
  "ticket.breached": "超期",
  "ticket.escalated": "升级",
  "ticket.linked": "合并办理",
  "ticket.unlinked": "恢复单独办理",
  "ticket.repeat_complaint": "重复投诉",
  "survey.sent": "发送回访",
  "survey.answered": "回访评价",
  "survey.expired": "回访过期",
  "survey.unreached": "回访未接通",
};

/** The label of a code, or the code itself when the console has none (a newer API). */
export function label(labels: Record<string, string>, code: string | null | undefined): string {
  if (!code) return "—";
  return labels[code] ?? code;
}

const PARTS = new Intl.DateTimeFormat("zh-CN", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An instant as the centre's wall clock: "2026-10-10 18:00" (the one way the console writes a time). */
export function localTime(instant: string | null | undefined): string {
  if (!instant) return "—";
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const part = Object.fromEntries(PARTS.formatToParts(at).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** Today's date in the centre, as yyyy-mm-dd. */
export function centreToday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date());
}
