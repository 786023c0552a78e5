import type { Input } from '@shared/contract';
import type { JobInfo, QUICK_JOB_KINDS } from '@shared/dto';
import { isErrorCode } from '@shared/errors';
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';
import { ApiError } from '@/api';
import { isActive, useJobsStore } from '@/stores/jobs';

type QuickKind = (typeof QUICK_JOB_KINDS)[number];

/** Answers that take longer than this get a progress bar; on a small project a bar would only flash. */
const PROGRESS_AFTER_MS = 500;

/** A failed job's error, as the interface words the same error from an operation. */
export function jobError(job: JobInfo): ApiError {
  const code = job.error?.code;
  return new ApiError(isErrorCode(code) ? code : 'INTERNAL', job.error?.message ?? '');
}

export interface QuickJob<K extends QuickKind> {
  /** A job is starting or at work. */
  busy: Ref<boolean>;
  /** How far the job has got, once it has taken long enough to deserve a progress bar; else null. */
  progress: ComputedRef<number | null>;
  run(request: Extract<Input<'jobs.start'>, { kind: K }>): Promise<Extract<JobInfo, { kind: K }> | null>;
  drop(): void;
}

/**
 * The latest quick job of one kind, for a form that asks again at every edit: starting one cancels the one before,
 * whose answer is then ignored, and a job still at work after PROGRESS_AFTER_MS shows its progress.
 */
export function useQuickJob<K extends QuickKind>(kind: K): QuickJob<K> {
  type Job = Extract<JobInfo, { kind: K }>;
  const jobs = useJobsStore();
  const jobId = ref<string | null>(null);
  const busy = ref(false);
  const slow = ref(false);
  const job = computed(() => jobs.jobs.find((known) => known.id === jobId.value && known.kind === kind));
  const progress = computed(() => (slow.value && job.value && isActive(job.value) ? job.value.progress : null));

  let ticket = 0;
  let slowTimer: ReturnType<typeof setTimeout> | undefined;
  let ended: ((job: Job | null) => void) | null = null;

  function settle(outcome: Job | null): void {
    clearTimeout(slowTimer);
    slow.value = false;
    busy.value = false;
    ended?.(outcome);
    ended = null;
  }

  /** Cancelling can race the job's own end, which leaves nothing to cancel and nothing to tell the user. */
  function cancelQuietly(id: string): void {
    jobs.cancel(id).catch(() => undefined);
  }

  /** Stops following the job in flight, cancelling it if it is still at work; its `run` resolves with null. */
  function drop(): void {
    ticket++;
    const running = job.value;
    jobId.value = null;
    if (running && isActive(running)) cancelQuietly(running.id);
    settle(null);
  }

  /**
   * Starts the job in place of any in flight. Resolves with the job once it has ended, whatever its state, or with
   * null if another run or a drop came first; a job that cannot start throws.
   */
  async function run(request: Extract<Input<'jobs.start'>, { kind: K }>): Promise<Job | null> {
    drop();
    const mine = ticket;
    busy.value = true;
    slowTimer = setTimeout(() => (slow.value = true), PROGRESS_AFTER_MS);
    const outcome = new Promise<Job | null>((resolve) => (ended = resolve));
    try {
      const started = await jobs.start(request);
      if (mine !== ticket) {
        cancelQuietly(started.id);
        return null;
      }
      jobId.value = started.id;
    } catch (error) {
      if (mine !== ticket) return null;
      settle(null);
      throw error;
    }
    return outcome;
  }

  watch(
    () => job.value?.state,
    () => {
      const current = job.value;
      // The job was found by this kind, so it is a Job.
      if (current && !isActive(current)) settle(current as Job);
    },
  );
  onScopeDispose(drop);

  return { busy, progress, run, drop };
}
