import type { CustomerListRow, CustomerSort } from '@shared/customers';
import { ref, shallowReactive } from 'vue';
import { call, toApiError, type ApiError } from '@/api';

export const PAGE_SIZE = 200;
/** Dragging the scroll bar across thousands of rows would otherwise queue a request for every page passed. */
const MAX_IN_FLIGHT = 2;

interface Query {
  search: string;
  sort: CustomerSort;
}

/**
 * The customer list, fetched a page at a time as the visible rows move and kept once fetched: scrolling back
 * costs nothing, and 100k customers fill only a few megabytes.
 */
export function useCustomerPages() {
  const pages = shallowReactive(new Map<number, CustomerListRow[]>());
  /** Null until the first answer; afterwards the last known total, also while a new search is on its way. */
  const total = ref<number | null>(null);
  const error = ref<ApiError | null>(null);

  let query: Query = { search: '', sort: 'revenue' };
  /** The search whose rows are on screen, which lags the one typed until it answers. */
  const shown = ref<Query>(query);
  let generation = 0;
  // The rows of the previous search stay on screen until the new one answers, rather than flashing empty.
  let pagesGeneration = 0;
  const pending = new Set<number>();
  let wanted = { first: 0, last: 0 };

  const has = (page: number) => pagesGeneration === generation && pages.has(page);

  function pump(): void {
    if (error.value) return;
    const lastPage =
      total.value === null || pagesGeneration !== generation ? 0 : Math.ceil(total.value / PAGE_SIZE) - 1;
    for (let page = wanted.first; page <= Math.min(wanted.last, lastPage); page++) {
      if (pending.size >= MAX_IN_FLIGHT) return;
      if (!has(page) && !pending.has(page)) void fetchPage(page);
    }
  }

  async function fetchPage(page: number): Promise<void> {
    const asked = generation;
    const askedQuery = query;
    pending.add(page);
    try {
      const answer = await call('customers.search', { ...askedQuery, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (asked !== generation) return;
      if (pagesGeneration !== generation) {
        pages.clear();
        pagesGeneration = generation;
        shown.value = askedQuery;
      }
      pages.set(page, answer.rows);
      total.value = answer.total;
    } catch (caught) {
      if (asked === generation) error.value = toApiError(caught);
    } finally {
      if (asked === generation) pending.delete(page);
    }
    if (asked === generation) pump();
  }

  function reset(next: Query): void {
    query = next;
    generation += 1;
    pending.clear();
    error.value = null;
    wanted = { first: 0, last: 0 };
    pump();
  }

  /** The rows on screen (and a few around them), by index. */
  function want(firstRow: number, lastRow: number): void {
    wanted = { first: Math.floor(firstRow / PAGE_SIZE), last: Math.floor(Math.max(firstRow, lastRow) / PAGE_SIZE) };
    pump();
  }

  function retry(): void {
    error.value = null;
    pump();
  }

  const rowAt = (index: number): CustomerListRow | undefined =>
    pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];

  return { total, error, shown, rowAt, reset, want, retry };
}
