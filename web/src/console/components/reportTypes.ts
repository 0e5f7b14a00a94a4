// The report shapes of docs/openapi.json (Bulletin, ReportSummary, ReportDetail), as far as the console reads them.
/** One line of a chart: its name and a value per label (null leaves a gap). */
export interface Series {
  label: string;
  data: (number | null)[];
}

export interface Rate {
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface Share {
  code: string;
  name: string;
  count: number;
  share: Rate;
}

export interface DayFigures {
  day: string;
  received: number;
  direct: number;
  dispatched: number;
  replied: number;
}

export interface UnitScore {
  unit_id: string;
  name: string;
  dispatched: number;
  accepted: number;
  accept_on_time: Rate;
  replied: number;
  resolve_on_time: Rate;
  answered: number;
  satisfaction: Rate;
  reworks: number;
  rework_rate: Rate;
  score: number | null;
  rank: number | null;
}

export interface Bulletin {
  title: string;
  period: { kind: string; first: string; last: string };
  label: string;
  unit_id: string | null;
  generated_at: string;
  basics: {
    received: number;
    by_type: Share[];
    by_channel: Share[];
    direct: number;
    dispatched: number;
    direct_rate: Rate;
    redispatched: number;
    returned: number;
    accepted: number;
    accept_on_time: Rate;
    replied: number;
    replied_on_time: number;
    replied_late: number;
    resolve_on_time: Rate;
    /** 发回重办率; absent from reports made before the API counted it. */
    rework_rate?: Rate | null;
    closed: Share[];
    trend: DayFigures[];
  };
  callbacks: {
    sent: number;
    answered: number;
    satisfied: number;
    basically_satisfied: number;
    dissatisfied: number;
    no_response: number;
    response_rate: Rate;
    satisfaction: Rate;
    solved_rate: Rate;
    units_at_full: { unit_id: string; name: string }[];
    units_below: { unit_id: string; name: string; below: string[] }[];
  };
  hot_topics: { code: string; name: string; count: number; share: Rate; satisfaction: Rate }[];
  repeat_complaints: { count: number; satisfaction: Rate };
  escalations: { total: number; urged: number; supervised: number };
  extensions: { requested: number; approved: number; refused: number };
  incidents: { declared: number };
  assessment: UnitScore[];
}

export interface ReportSummary {
  id: string;
  title: string;
  period: { kind: string; first: string; last: string };
  status: "pending" | "ready";
  requested_by: { role: string; id: string | null };
  requested_at: string;
  generated_at: string | null;
  headline: { received: number; replied: number; resolve_on_time: Rate; satisfaction: Rate } | null;
}

export interface ReportDetail extends ReportSummary {
  unit_id: string | null;
  summary: Bulletin | null;
  files: { format: string; name: string; bytes: number; url: string; expires_at: string }[];
}

export const KINDS: Record<string, string> = {
  daily: "日报",
  weekly: "周报",
  monthly: "月报",
  annual: "年报",
  custom: "自定义",
  today: "今日",
};

/** "92.31%" for 0.9231, "—" when nothing was counted. */
export function percent(rate: Rate | null | undefined): string {
  return rate?.value == null ? "—" : `${(rate.value * 100).toFixed(2).replace(/\.?0+$/, "")}%`;
}

/** The rate in percent for a chart (null leaves a gap). */
export function percentValue(rate: Rate | null | undefined): number | null {
  return rate?.value == null ? null : Math.round(rate.value * 10000) / 100;
}

export function fileSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}
