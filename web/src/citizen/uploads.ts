// A photo or PDF goes straight to storage: the API issues a presigned POST (POST /v1/uploads) and the browser posts
// the file to it; the ticket then refers to the stored object by its key.
import { reactive } from "vue";
import { api } from "../shared/api";
import type { Upload } from "./types";

export const MAX_FILES = 5;
export const MAX_MB = 10;
const MAX_BYTES = MAX_MB * 1024 * 1024;

/** What the API signs forms for (hotline/domain/uploads/rules.py): images and PDF. */
const TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "application/pdf"];
export const ACCEPT = [...TYPES, ".heic"].join(",");

export type Refusal = "type" | "size" | "empty";

/** The file's type; some phones give an iPhone photo (HEIC) none. */
function typeOf(file: File): string {
  return file.type.toLowerCase() || (/\.heic$/i.test(file.name) ? "image/heic" : "");
}

/** Why the API would refuse the file, told before anything is sent (the API and the storage policy still check). */
export function refusal(file: File): Refusal | undefined {
  if (!TYPES.includes(typeOf(file))) return "type";
  if (file.size === 0) return "empty";
  if (file.size > MAX_BYTES) return "size";
  return undefined;
}

export interface Sending {
  id: number;
  file: File;
  type: string;
  preview?: string;
  percent: number;
  state: "uploading" | "done" | "failed";
  /** Why it failed: the API's message, or an i18n key with its values. */
  problem?: { key: string; values?: Record<string, unknown> } | { text: string };
  key?: string;
  request?: XMLHttpRequest;
  discarded?: boolean;
}

let serial = 0;

export function send(file: File): Sending {
  const sending = reactive<Sending>({
    id: ++serial,
    file,
    type: typeOf(file),
    preview: typeOf(file).startsWith("image/") && typeOf(file) !== "image/heic" ? URL.createObjectURL(file) : undefined,
    percent: 0,
    state: "uploading",
  });
  void upload(sending);
  return sending;
}

async function upload(sending: Sending): Promise<void> {
  const { file } = sending;
  let slot: Upload;
  try {
    slot = await api<Upload>("/v1/uploads", {
      method: "POST",
      body: { filename: file.name, content_type: sending.type, size: file.size },
    });
  } catch (error) {
    sending.state = "failed";
    sending.problem = { text: error instanceof Error ? error.message : String(error) };
    return;
  }
  if (sending.discarded) return;
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append("file", file); // last: the storage reads the fields before the file
  // XMLHttpRequest, not fetch: only it reports how much of the body has gone.
  const request = new XMLHttpRequest();
  sending.request = request;
  request.upload.onprogress = (event) => {
    if (event.lengthComputable) sending.percent = Math.round((event.loaded / event.total) * 100);
  };
  request.onload = () => {
    if (request.status >= 200 && request.status < 300) {
      sending.state = "done";
      sending.percent = 100;
      sending.key = slot.key;
    } else {
      sending.state = "failed";
      sending.problem = { key: "upload.storage", values: { status: request.status } };
    }
  };
  request.onerror = () => {
    sending.state = "failed";
    sending.problem = { key: "upload.network" };
  };
  request.open("POST", slot.url);
  request.send(form);
}

export function discard(sending: Sending): void {
  sending.discarded = true;
  if (sending.state === "uploading") sending.request?.abort();
  if (sending.preview) URL.revokeObjectURL(sending.preview);
}
