// The staff API's bodies the console reads (docs/openapi.json: StaffTicketSummary, StaffTicketView, CallbackItem …).
import type { Grade, Resolution, Status } from "../../shared/labels";

export type { Grade, Resolution, Status };
export type TimerName = "dispatch" | "accept" | "resolve" | "callback";

export interface Actor {
  role: string;
  id: string | null;
}

export interface Deadline {
  name: TimerName;
  started_at: string;
  due: string;
  due_local: string;
  original_due: string | null;
  met_at: string | null;
  breached_at: string | null;
  paused: boolean;
}

export interface Attachment {
  ref: string;
  name?: string | null;
  content_type?: string | null;
  /** A short-lived link for staff to open the file. */
  url?: string | null;
}

export interface TicketSummary {
  number: string;
  status: Status;
  unit_id: string | null;
  overdue: boolean;
  channel: string;
  type: string;
  category: string;
  priority: string;
  subject: string;
  description: string;
  location: { address?: string | null; lat?: number | null; long?: number | null; region?: string | null } | null;
  contact: { name?: string | null; phone?: string | null; email?: string | null } | null;
  demands: string | null;
  attachments: Attachment[];
  external_ref: string | null;
  received_at: string;
  updated_at: string;
  result: string | null;
  resolution: Resolution | null;
  cause_code: string | null;
  referred_to: string | null;
  escalation_level: number;
  next_deadline?: Deadline | null;
  /** Callback queue items only. */
  callback_due?: string;
  attempts?: number;
  survey_round?: number;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface TimelineEntry {
  id: string;
  type: string;
  actor: Actor;
  at: string;
  data: Record<string, unknown>;
}

export interface Survey {
  round: number;
  channel: "sms" | "partner" | "call";
  opened_at: string;
  sent_at: string | null;
  expires_at: string | null;
  attempts: number;
  answered_at: string | null;
  grade: Grade | null;
  solved: boolean | null;
  comment: string | null;
  expired_at: string | null;
}

export interface CustomerSummary {
  known: boolean;
  last_30_days: number;
  last_90_days: number;
  repeat_complaints: number;
  last_grade: Grade | null;
  last_graded_at: string | null;
}

export interface CallerTicket {
  number: string;
  status: Status;
  type: string;
  category: string;
  subject: string;
  received_at: string;
  resolution: Resolution | null;
  grade: Grade | null;
  repeat: boolean;
}

export interface CustomerFile extends CustomerSummary {
  tickets: CallerTicket[];
}

export interface StaffTicket extends TicketSummary {
  partner_id: string | null;
  public: boolean;
  version: number;
  actions: string[];
  handling: {
    deadlines: Deadline[];
    overdue: boolean;
    escalation_level: number;
    counts: Record<"returned" | "reopened" | "replies" | "dissatisfied" | "urged" | "extensions", number>;
    extension: { requested_by: Actor; requested_at: string; due: string; reason: string } | null;
    customer_wait: { since: string; limit_at: string } | null;
    supervised: boolean;
    problem: boolean;
    survey: Survey | null;
    result: string | null;
    cause_code: string | null;
    resolution: Resolution | null;
    next_wake: string | null;
    primary: string | null;
    bound: string[];
    repeat_of: string[];
  };
  timeline: TimelineEntry[];
  customer: CustomerSummary | null;
}

export interface SimilarItem {
  number: string;
  status: Status;
  category: string;
  subject: string;
  received_at: string;
  unit_id: string | null;
  primary: string | null;
  bound: number;
  score: number;
  text: number;
  place: number;
  distance_m: number | null;
}

export interface Label {
  code: string;
  name: string;
  name_zh: string;
}

export interface Category extends Label {
  children?: Category[];
}

export interface Catalog {
  types: Label[];
  priorities: Label[];
  categories: Category[];
  channels: string[];
}

export interface Cause {
  code: string;
  name: string;
  name_zh: string;
  children?: Cause[];
}

export interface Unit {
  id: string;
  name: string;
  name_zh: string;
  parent_id?: string | null;
}
