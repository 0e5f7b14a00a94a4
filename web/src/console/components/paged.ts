// A staff listing shown a page at a time, with a 更多 button while the API gives a `next` token.
import { ref, type Ref } from "vue";
import { staffApi } from "../staffApi";
import type { Page } from "./model";

export interface Paged<T> {
  /** The items read so far; null until the first page came. */
  items: Ref<T[] | null>;
  next: Ref<string | null>;
  /** Why the last page could not be read. */
  error: Ref<unknown>;
  /** The first page again (the query may have changed), or with `more` the page after the ones shown. */
  load: (more?: boolean) => Promise<void>;
}

export function paged<T>(path: string, query: () => Record<string, string | number | undefined>): Paged<T> {
  const items = ref(null) as Ref<T[] | null>;
  const next = ref<string | null>(null);
  const error = ref<unknown>(null);

  async function load(more = false): Promise<void> {
    error.value = null;
    try {
      const page = await staffApi<Page<T>>(path, {
        query: { ...query(), next: more ? (next.value ?? undefined) : undefined },
      });
      items.value = more ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.next;
    } catch (failure) {
      error.value = failure;
    }
  }

  return { items, next, error, load };
}
