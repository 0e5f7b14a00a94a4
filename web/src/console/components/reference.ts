// Reference data the pages share, read once per page load: the catalogue, the cause catalogue, the units.
import { api } from "../../shared/api";
import { staffApi } from "../staffApi";
import type { Catalog, Cause, Page, Unit } from "./model";

const kept = new Map<string, Promise<unknown>>();

/** A coded tree (categories, causes). */
interface Coded {
  code: string;
  name_zh: string;
  children?: Coded[];
}

/** Every node of a coded tree as [code, "parent · name"], each under its branch. */
export function codeOptions(tree: Coded[], parent = ""): [string, string][] {
  return tree.flatMap((node) => {
    const name = parent ? `${parent} · ${node.name_zh}` : node.name_zh;
    return [[node.code, name] as [string, string], ...codeOptions(node.children ?? [], name)];
  });
}

/** Every item of a paged staff listing, all pages. */
export async function everyPage<T>(path: string): Promise<T[]> {
  const all: T[] = [];
  let next: string | undefined;
  do {
    const page = await staffApi<Page<T>>(path, { query: { limit: 200, next } });
    all.push(...page.items);
    next = page.next ?? undefined;
  } while (next);
  return all;
}

/** What `read` gives, read once per page load (again by the next caller when it failed). */
function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
  let reading = kept.get(key) as Promise<T> | undefined;
  if (!reading) {
    reading = read().catch((error: unknown) => {
      kept.delete(key);
      throw error;
    });
    kept.set(key, reading);
  }
  return reading;
}

export function loadCatalog(): Promise<Catalog> {
  return cached("catalog", () => api<Catalog>("/v1/catalog"));
}

export function loadCauses(): Promise<Cause[]> {
  return cached("causes", async () => (await staffApi<{ causes: Cause[] }>("/v1/staff/config/causes")).causes);
}

/** Every unit. */
export function loadUnits(): Promise<Unit[]> {
  return cached("units", () => everyPage<Unit>("/v1/staff/units"));
}
