import type { AudienceOptions, CampaignInfo, CampaignPreview, CampaignSpecInput } from '@shared/campaigns';
import type { JobInfo } from '@shared/dto';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError, call, toApiError, type ClientErrorCode } from '@/api';
import { isActive, useJobsStore } from '@/stores/jobs';

export const WIZARD_STEPS = ['audience', 'narrow', 'personal', 'holdout', 'export'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** Waits this long after the last change before counting again, so typing a number starts one job. */
const PREVIEW_DELAY_MS = 250;
/** Counts that take longer than this get a progress bar; on a small project a bar would only flash. */
const PROGRESS_AFTER_MS = 500;

type PreviewJob = Extract<JobInfo, { kind: 'campaign-preview' }>;

function emptySpec(): CampaignSpecInput & Required<Pick<CampaignSpecInput, 'offers' | 'fields'>> {
  return {
    name: '',
    audience: { segments: [], rfmSegments: [] },
    channel: 'email',
    requireConsent: true,
    applySuppressions: true,
    excludeContactedDays: 0,
    holdoutPercent: 10,
    seed: 1,
    offers: {},
    defaultOffer: '',
    fields: ['firstName', 'segment', 'offer'],
  };
}

/**
 * The campaign being built: its spec, the live funnel counts, and the campaign once saved. The counts come from a
 * `campaign-preview` job, started again after each change; a job the next change has made stale is cancelled, and
 * whatever it still reports is ignored.
 */
export const useCampaignWizard = defineStore('campaignWizard', () => {
  const jobs = useJobsStore();
  const step = ref<WizardStep>('audience');
  const spec = ref(emptySpec());
  const options = ref<AudienceOptions | null>(null);
  const preview = ref<CampaignPreview | null>(null);
  const previewing = ref(false);
  const previewError = ref<ApiError | null>(null);
  /** The counting was stopped before it ended, so there are no counts for the spec as it is. */
  const previewCancelled = ref(false);
  const previewSlow = ref(false);
  const previewJobId = ref<string | null>(null);
  const saved = ref<CampaignInfo | null>(null);

  const hasAudience = computed(
    () => (spec.value.audience.segments?.length ?? 0) + (spec.value.audience.rfmSegments?.length ?? 0) > 0,
  );
  /** Segment names as the holdout and the offers see them, in the order chosen. */
  const chosenSegmentNames = computed(() => {
    const byId = new Map(options.value?.segments.map((segment) => [segment.id, segment.name]) ?? []);
    return [
      ...(spec.value.audience.segments ?? []).map((ref) => (typeof ref === 'number' ? (byId.get(ref) ?? '') : ref)),
      ...(spec.value.audience.rfmSegments ?? []),
    ].filter((name) => name !== '');
  });

  async function loadOptions(): Promise<void> {
    try {
      options.value = await call('campaigns.options');
    } catch (error) {
      previewError.value = toApiError(error);
    }
  }

  const previewJob = computed(
    () =>
      jobs.jobs.find((job): job is PreviewJob => job.id === previewJobId.value && job.kind === 'campaign-preview') ??
      null,
  );
  /** How far the running preview job has got, once it has taken long enough to deserve a progress bar; else null. */
  const previewProgress = computed(() =>
    previewSlow.value && previewJob.value && isActive(previewJob.value) ? previewJob.value.progress : null,
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  let slowTimer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  function settle(): void {
    clearTimeout(slowTimer);
    previewSlow.value = false;
    previewing.value = false;
  }

  /** Cancelling can race the job's own end, which leaves nothing to cancel and nothing to tell the user. */
  function cancelQuietly(id: string): void {
    jobs.cancel(id).catch(() => undefined);
  }

  /** Stops following the current job, cancelling it if it is still at work. */
  function dropPreviewJob(): void {
    const job = previewJob.value;
    previewJobId.value = null;
    if (job && isActive(job)) cancelQuietly(job.id);
  }

  /** Whatever preview is waiting, starting or running is no longer wanted. */
  function forgetPreview(): void {
    asked++;
    clearTimeout(timer);
    dropPreviewJob();
    settle();
  }

  async function refreshPreview(): Promise<void> {
    forgetPreview();
    const ticket = asked;
    previewCancelled.value = false;
    if (!hasAudience.value) {
      preview.value = null;
      return;
    }
    previewing.value = true;
    slowTimer = setTimeout(() => (previewSlow.value = true), PROGRESS_AFTER_MS);
    try {
      // The name is checked when saving; counts do not depend on it.
      const job = await jobs.start({
        kind: 'campaign-preview',
        spec: { ...spec.value, name: spec.value.name || 'draft' },
      });
      if (ticket === asked) previewJobId.value = job.id;
      else cancelQuietly(job.id);
    } catch (error) {
      if (ticket === asked) {
        previewError.value = toApiError(error);
        settle();
      }
    }
  }

  /** Counts of an earlier spec would mislead, so none are shown until the next change or refreshPreview(). */
  function stopped(): void {
    preview.value = null;
    previewCancelled.value = true;
  }

  function cancelPreview(): void {
    forgetPreview();
    stopped();
  }

  watch(
    () => [previewJob.value?.id, previewJob.value?.state],
    () => {
      const job = previewJob.value;
      if (!job || isActive(job)) return;
      if (job.state === 'succeeded' && job.result) {
        preview.value = job.result;
        previewError.value = null;
      } else if (job.state === 'failed') {
        previewError.value = new ApiError((job.error?.code ?? 'INTERNAL') as ClientErrorCode, job.error?.message ?? '');
      } else if (job.state === 'cancelled') {
        stopped();
      }
      settle();
    },
  );

  /** What the counts depend on: the spec without its name, so typing the name starts no job. */
  const countedSpec = computed(() => JSON.stringify({ ...spec.value, name: '' }));
  watch(countedSpec, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshPreview(), PREVIEW_DELAY_MS);
  });
  watch(
    spec,
    () => {
      saved.value = null;
    },
    { deep: true },
  );

  function reset(): void {
    forgetPreview();
    spec.value = emptySpec();
    step.value = 'audience';
    preview.value = null;
    saved.value = null;
  }

  return {
    step,
    spec,
    options,
    preview,
    previewing,
    previewError,
    previewCancelled,
    previewProgress,
    saved,
    hasAudience,
    chosenSegmentNames,
    loadOptions,
    refreshPreview,
    cancelPreview,
    reset,
  };
});
