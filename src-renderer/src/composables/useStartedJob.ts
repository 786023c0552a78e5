import type { JobInfo, JobKind } from '@shared/dto';
import { computed, ref, type ComputedRef, type Ref } from 'vue';
import { isActive, useJobsStore } from '@/stores/jobs';

export interface StartedJob<K extends JobKind> {
  /** Set to the id of the job once started; null for none. */
  jobId: Ref<string | null>;
  /** That job as the jobs store sees it now, while it runs and after. */
  job: ComputedRef<Extract<JobInfo, { kind: K }> | null>;
  running: ComputedRef<boolean>;
}

/** The job of one kind that a card started and follows by its id. */
export function useStartedJob<K extends JobKind>(kind: K): StartedJob<K> {
  const jobs = useJobsStore();
  const jobId = ref<string | null>(null);
  const job = computed(() => {
    const found = jobs.jobs.find((candidate) => candidate.id === jobId.value);
    // Found by this kind, so it is a job of kind K.
    return found?.kind === kind ? (found as Extract<JobInfo, { kind: K }>) : null;
  });
  const running = computed(() => job.value !== null && isActive(job.value));
  return { jobId, job, running };
}
