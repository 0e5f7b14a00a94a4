// The configuration shapes of docs/openapi.json (Calendar*, PolicyBook, RoutingTable, Partner*), and their words.
export interface CalendarSummary {
  id: string;
  name: string;
  time_zone: string;
  /** The years it has holidays or make-up workdays for. */
  years: number[];
}

export interface CalendarView {
  id: string;
  name: string;
  time_zone: string;
  working_hours: { start: string; end: string }[];
  weekend: number[];
  holidays: string[];
  workdays: string[];
}

export interface Duration {
  amount: number;
  unit: "minutes" | "hours" | "working_hours" | "working_days";
}

export interface SlaPolicy {
  type?: string | null;
  priority?: string | null;
  calendar?: string;
  targets: Partial<Record<"dispatch" | "accept" | "resolve" | "callback", Duration>>;
  reminders?: number[];
  survey_window?: Duration;
  awaiting_customer_limit?: Duration;
  callback_attempts?: number;
}

export interface RoutingRule {
  unit_id: string;
  types: string[];
  categories: string[];
  regions: string[];
  keywords: string[];
}

export interface Quota {
  requests_per_day: number;
  rate_per_second: number;
  burst: number;
}

export interface PartnerInfo {
  id: string;
  name: string;
  contact_email: string | null;
  active: boolean;
  quota: Quota;
  api_key_id: string | null;
  usage_plan_id: string | null;
  created_at: string | null;
  key_issued_at: string | null;
  revoked_at: string | null;
}

export interface PartnerView extends PartnerInfo {
  usage: { available: boolean; total: number; days: { day: string; used: number; remaining: number | null }[] };
}

export const TIMERS = { dispatch: "派单", accept: "签收", resolve: "办结（答复）", callback: "回访" } as const;

export const TYPES: Record<string, string> = {
  suggestion: "建议",
  request: "一般诉求",
  help: "求助",
  complaint: "投诉举报",
  consultation: "咨询",
  praise: "表扬",
};

export const PRIORITIES: Record<string, string> = { urgent: "特急", high: "紧急", normal: "一般", low: "较低" };

const UNITS: Record<Duration["unit"], string> = {
  minutes: "分钟",
  hours: "小时",
  working_hours: "个工作小时",
  working_days: "个工作日",
};

export function durationText(duration: Duration | undefined): string {
  return duration ? `${duration.amount} ${UNITS[duration.unit]}` : "—";
}

export const WEEKDAYS = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];
