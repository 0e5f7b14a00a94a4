// The customer's own ticket through the API: its number in the path, the access code (or the survey link's code) in
// the query.
import { api } from "../shared/api";
import type { CustomerTicketView } from "./types";

const path = (number: string): string => `/v1/tickets/${encodeURIComponent(number)}`;

export function readTicket(number: string, code: string): Promise<CustomerTicketView> {
  return api<CustomerTicketView>(path(number), { query: { code } });
}

/** The customer's answer to the unit's question (`info`) or to the survey of the reply (`survey`); the ticket after it. */
export function answerTicket(
  number: string,
  code: string,
  answer: "info" | "survey",
  body: Record<string, unknown>,
): Promise<CustomerTicketView> {
  return api<CustomerTicketView>(`${path(number)}/${answer}`, { method: "POST", query: { code }, body });
}
