import type { ProjectEntry, ProjectInfo, TableCount } from '@shared/dto';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call, toApiError, type ApiError } from '@/api';

/** The open project (one per core, shared by every window), its table counts and the recent list. */
export const useProjectStore = defineStore('project', () => {
  const current = ref<ProjectInfo | null>(null);
  const counts = ref<TableCount[] | null>(null);
  const countsError = ref<ApiError | null>(null);
  const recent = ref<ProjectEntry[]>([]);

  const rowsIn = (table: string): number => counts.value?.find((count) => count.table === table)?.rows ?? 0;
  const hasData = computed(() => rowsIn('customers') > 0 || rowsIn('orders') > 0);

  /** Also what the 'project.changed' event calls, so that every window follows the same project. */
  function show(info: ProjectInfo | null): void {
    current.value = info;
  }

  async function load(): Promise<void> {
    show(await call('project.current'));
  }

  async function refreshCounts(): Promise<void> {
    counts.value = null;
    countsError.value = null;
    try {
      counts.value = await call('project.counts');
    } catch (error) {
      countsError.value = toApiError(error);
    }
  }

  async function loadRecent(): Promise<void> {
    recent.value = await call('project.recent');
  }

  /** `create` and `openWithDialog` return null when the user cancelled the file dialog. */
  async function create(name: string): Promise<ProjectInfo | null> {
    const info = await call('project.create', { name });
    if (info) show(info);
    return info;
  }

  async function openWithDialog(): Promise<ProjectInfo | null> {
    const info = await call('project.openDialog');
    if (info) show(info);
    return info;
  }

  async function open(id: string): Promise<void> {
    show(await call('project.open', { id }));
  }

  async function openDemo(): Promise<void> {
    show(await call('project.openDemo'));
  }

  async function close(): Promise<void> {
    await call('project.close');
    show(null);
  }

  async function forget(id: string): Promise<void> {
    recent.value = await call('project.forget', { id });
  }

  return {
    current,
    counts,
    countsError,
    recent,
    hasData,
    rowsIn,
    show,
    load,
    refreshCounts,
    loadRecent,
    create,
    openWithDialog,
    open,
    openDemo,
    close,
    forget,
  };
});
