// The one way the pages talk to the API: JSON in, JSON out, and the API's error body kept whole so a form can put
// each field's problem next to the field.
import { siteConfig } from "./config";

export interface FieldProblem {
  field: string;
  problem: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The problem with `field` (its name as the API gives it, e.g. "contact.phone"), if the API named it. */
  about(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.endsWith(`.${field}`))?.problem;
  }
}

export interface Call {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  token?: string;
}

export async function api<T>(path: string, call: Call = {}): Promise<T> {
  const { api_url } = await siteConfig();
  const url = new URL(`${api_url}${path}`, window.location.origin);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { Accept: "application/json" };
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  const answer = await fetch(url, {
    method: call.method ?? (call.body === undefined ? "GET" : "POST"),
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await answer.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!answer.ok) {
    const error = (data as { error?: { code?: string; message?: string; fields?: FieldProblem[] } } | undefined)?.error;
    throw new ApiError(answer.status, error?.code ?? String(answer.status), error?.message ?? answer.statusText, error?.fields);
  }
  return data as T;
}
