// The public API's shapes the citizen pages read (docs/openapi.json).
import type { Status } from "../shared/labels";

export type { Grade, Status } from "../shared/labels";

export interface PublicEntry {
  type: string;
  label: string;
  at: string;
  text?: string | null;
}

export interface CustomerTicketView {
  number: string;
  status: Status;
  status_label: string;
  resolution: string | null;
  resolution_label: string | null;
  type: string;
  category: string;
  subject: string;
  received_at: string;
  updated_at: string;
  reply_by: string | null;
  note: string | null;
  handled_with: string | null;
  timeline: PublicEntry[];
  /** The names of the files sent with it. */
  attachments?: string[];
}

export interface TicketCreated {
  number: string;
  access_code: string;
  status: Status;
  received_at: string;
}

export interface Label {
  code: string;
  name: string;
  name_zh: string;
}

export interface Category extends Label {
  types?: string[];
  children?: Category[];
}

export interface Catalog {
  types: Label[];
  categories: Category[];
}

export interface FaqHit {
  id: string;
  title: string;
  snippet: string;
  category: string;
}

export interface FaqArticle {
  id: string;
  title: string;
  body: string;
  category: string;
  keywords: string[];
  valid_until: string | null;
  updated_at: string;
}

export interface Upload {
  key: string;
  url: string;
  fields: Record<string, string>;
  expires_at: string;
}
