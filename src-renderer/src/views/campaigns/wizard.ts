import type { AudienceOptions, CampaignInfo, CampaignPreview, CampaignSpecInput } from '@shared/campaigns';
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { call, toApiError, type ApiError } from '@/api';

export const WIZARD_STEPS = ['audience', 'narrow', 'personal', 'holdout', 'export'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** Waits this long after the last change before asking for new counts, so typing a number asks once. */
const PREVIEW_DELAY_MS = 300;

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

/** The campaign being built: its spec, the live funnel counts, and the campaign once saved. */
export const useCampaignWizard = defineStore('campaignWizard', () => {
  const step = ref<WizardStep>('audience');
  const spec = ref(emptySpec());
  const options = ref<AudienceOptions | null>(null);
  const preview = ref<CampaignPreview | null>(null);
  const previewing = ref(false);
  const previewError = ref<ApiError | null>(null);
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

  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  async function refreshPreview(): Promise<void> {
    const ticket = ++asked;
    if (!hasAudience.value) {
      preview.value = null;
      return;
    }
    previewing.value = true;
    try {
      // The name is checked when saving; counts do not depend on it.
      const result = await call('campaigns.preview', { spec: { ...spec.value, name: spec.value.name || 'draft' } });
      if (ticket === asked) {
        preview.value = result;
        previewError.value = null;
      }
    } catch (error) {
      if (ticket === asked) previewError.value = toApiError(error);
    } finally {
      if (ticket === asked) previewing.value = false;
    }
  }

  watch(
    spec,
    () => {
      saved.value = null;
      clearTimeout(timer);
      timer = setTimeout(() => void refreshPreview(), PREVIEW_DELAY_MS);
    },
    { deep: true },
  );

  function reset(): void {
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
    saved,
    hasAudience,
    chosenSegmentNames,
    loadOptions,
    refreshPreview,
    reset,
  };
});
