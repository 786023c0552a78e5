import type { Input } from '@shared/contract';
import { isQuickJob, type JobInfo, type JobKind, type JobState } from '@shared/dto';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call, toApiError, type ApiError } from '@/api';

const STAGE: Record<JobState, number> = { queued: 0, running: 1, succeeded: 2, failed: 2, cancelled: 2 };

export function isActive(job: JobInfo): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** The open project's jobs, newest first, kept live by 'job.updated' events. */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<JobInfo[]>([]);
  const loadError = ref<ApiError | null>(null);

  /** The project's job history: quick jobs (a form's live counts) are not part of it. */
  const history = computed(() => jobs.value.filter((job) => !isQuickJob(job.kind)));
  const active = computed(() => history.value.filter(isActive));
  const latest = <K extends JobKind>(kind: K): Extract<JobInfo, { kind: K }> | null =>
    jobs.value.find((job): job is Extract<JobInfo, { kind: K }> => job.kind === kind) ?? null;

  function upsert(job: JobInfo): void {
    const index = jobs.value.findIndex((known) => known.id === job.id);
    const known = jobs.value[index];
    if (!known) {
      // A form starts a quick job at every edit; only the newest of each kind matters once they have ended.
      const kept = isQuickJob(job.kind)
        ? jobs.value.filter((other) => other.kind !== job.kind || isActive(other))
        : jobs.value;
      jobs.value = [job, ...kept].sort((a, b) => b.createdAt - a.createdAt);
      return;
    }
    // An operation's answer and the events about the same job race each other: never move a job backwards.
    const stageDelta = STAGE[job.state] - STAGE[known.state];
    if (stageDelta < 0 || (stageDelta === 0 && job.progress < known.progress)) return;
    jobs.value.splice(index, 1, job);
  }

  async function load(): Promise<void> {
    loadError.value = null;
    try {
      const listed = await call('jobs.list');
      // Events that arrived while the list was on its way may be newer than it.
      const heardMeanwhile = jobs.value;
      jobs.value = listed;
      heardMeanwhile.forEach(upsert);
    } catch (error) {
      loadError.value = toApiError(error);
    }
  }

  function clear(): void {
    jobs.value = [];
    loadError.value = null;
  }

  async function start(request: Input<'jobs.start'>): Promise<JobInfo> {
    const job = await call('jobs.start', request);
    upsert(job);
    return job;
  }

  async function cancel(id: string): Promise<void> {
    upsert(await call('jobs.cancel', { id }));
  }

  return { jobs, loadError, history, active, latest, upsert, load, clear, start, cancel };
});
