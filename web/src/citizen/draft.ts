// The report being written, kept in memory while the person reads an FAQ article and comes back (never stored on
// the device: it holds their name, phone and address).
import { reactive } from "vue";
import { discard, type Sending } from "./uploads";
import type { TicketCreated } from "./types";

function empty() {
  return {
    type: "",
    category: "",
    subject: "",
    description: "",
    demands: "",
    address: "",
    lat: null as number | null,
    long: null as number | null,
    name: "",
    phone: "",
    public: false,
    files: [] as Sending[],
  };
}

export const draft = reactive(empty());

export function clearDraft(): void {
  draft.files.forEach(discard);
  Object.assign(draft, empty());
}

/** The ticket just sent, for the confirmation page (this tab only, so a reload still shows the number and code). */
const SENT = "hotline.sent";

export function remember(created: TicketCreated): void {
  sessionStorage.setItem(SENT, JSON.stringify(created));
}

export function remembered(): TicketCreated | undefined {
  const kept = sessionStorage.getItem(SENT);
  return kept ? (JSON.parse(kept) as TicketCreated) : undefined;
}
