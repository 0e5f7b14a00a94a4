// The incident shapes of docs/openapi.json (IncidentView).
export interface Area {
  region?: string | null;
  lat?: number | null;
  long?: number | null;
  radius_m?: number | null;
}

export interface Incident {
  id: string;
  title: string;
  category: string;
  area: Area | null;
  holds: { category: string; area: Area }[];
  status: "open" | "resolved" | "dismissed" | "merged";
  trigger: "burst" | "urgent" | "manual";
  primary: string;
  tickets: string[];
  first_seen: string;
  last_seen: string;
  declared_at: string;
  declared_by: { role: string; id: string | null };
  ended_at: string | null;
  ended_by: { role: string; id: string | null } | null;
  result: string | null;
  reason: string | null;
  merged_into: string | null;
}

export const STATUSES: Record<Incident["status"], string> = {
  open: "处置中",
  resolved: "已办结",
  dismissed: "已撤销（误报）",
  merged: "已合并",
};

export const TRIGGERS: Record<Incident["trigger"], string> = {
  burst: "同类集中来电",
  urgent: "紧急类别",
  manual: "人工认定",
};

export function areaText(area: Area | null): string {
  if (!area) return "未提供地点";
  if (area.region) return `区域 ${area.region}`;
  if (area.lat != null && area.long != null) return `${area.lat.toFixed(4)}, ${area.long.toFixed(4)} 周边 ${area.radius_m ?? "?"} 米`;
  return "—";
}

export function statusBadge(status: Incident["status"]): string {
  return status === "open" ? "badge bad" : status === "resolved" ? "badge good" : "badge";
}
