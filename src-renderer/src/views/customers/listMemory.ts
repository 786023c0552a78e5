import type { CustomerSort } from '@shared/customers';
import { reactive } from 'vue';

export interface ListMemory {
  search: string;
  sort: CustomerSort;
  scrollTop: number;
  /** The row the keyboard is on, or -1. */
  active: number;
}

const fresh = (): ListMemory => ({ search: '', sort: 'revenue', scrollTop: 0, active: -1 });

let memory: { project: string; state: ListMemory } | null = null;

/**
 * Where the user was in the list, kept while the app runs, so that coming back from a customer's page finds
 * the same search, order and row. Another project starts afresh.
 */
export function listMemory(project: string): ListMemory {
  if (memory?.project !== project) memory = { project, state: reactive(fresh()) };
  return memory.state;
}
