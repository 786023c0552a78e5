import type { AudienceOptions, CampaignInfo, CampaignPreview, CampaignSpecInput } from '@shared/campaigns';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { call, toApiError, type ApiError } from '@/api';
import { jobError, useQuickJob } from '@/composables/useQuickJob';

export const WIZARD_STEPS = ['audience', 'narrow', 'personal', 'holdout', 'export'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** Waits this long after the last change before counting again, so typing a number starts one job. */
const PREVIEW_DELAY_MS = 250;

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
  const step = ref<WizardStep>('audience');
  const spec = ref(emptySpec());
  const options = ref<AudienceOptions | null>(null);
  const preview = ref<CampaignPreview | null>(null);
  const previewError = ref<ApiError | null>(null);
  /** The counting was stopped before it ended, so there are no counts for the spec as it is. */
  const previewCancelled = ref(false);
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

  const counting = useQuickJob('campaign-preview');
  const previewing = counting.busy;
  const previewProgress = counting.progress;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Whatever count is waiting, starting or running is no longer wanted. */
  function forgetPreview(): void {
    clearTimeout(timer);
    counting.drop();
  }

  /** Counts of an earlier spec would mislead, so none are shown until the next change or refreshPreview(). */
  function stopped(): void {
    preview.value = null;
    previewCancelled.value = true;
  }

  async function refreshPreview(): Promise<void> {
    forgetPreview();
    previewCancelled.value = false;
    if (!hasAudience.value) {
      preview.value = null;
      return;
    }
    try {
      // The name is checked when saving; counts do not depend on it.
      const job = await counting.run({
        kind: 'campaign-preview',
        spec: { ...spec.value, name: spec.value.name || 'draft' },
      });
      if (job?.state === 'succeeded') {
        preview.value = job.result;
        previewError.value = null;
      } else if (job?.state === 'failed') {
        previewError.value = jobError(job);
      } else if (job?.state === 'cancelled') {
        stopped();
      }
    } catch (error) {
      previewError.value = toApiError(error);
    }
  }

  function cancelPreview(): void {
    forgetPreview();
    stopped();
  }

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
