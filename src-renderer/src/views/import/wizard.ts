import type { JobInfo } from '@shared/dto';
import type { FieldKey } from '@shared/import-fields';
import type { ImportFileRef, ImportPreview, ImportSettings } from '@shared/import';
import { PRESETS } from '@shared/import-presets';
import { computed, inject, onScopeDispose, provide, reactive, ref, type InjectionKey } from 'vue';
import { toApiError, type ApiError } from '@/api';
import { jobError, useQuickJob } from '@/composables/useQuickJob';
import { useStartedJob } from '@/composables/useStartedJob';
import { useJobsStore } from '@/stores/jobs';
import { useProjectStore } from '@/stores/project';

export type ImportJob = Extract<JobInfo, { kind: 'import' }>;

/** The wizard's steps, in order; NSteps counts from 1. */
export const STEPS = ['file', 'preview', 'mapping', 'check', 'import'] as const;
export type StepName = (typeof STEPS)[number];

const PREVIEW_DEBOUNCE_MS = 200;

/** What the wizard's steps share (refs unwrapped). */
export interface ImportWizard {
  step: StepName;
  file: ImportFileRef | null;
  /** The user's overrides only; anything left out is detected by the core. */
  settings: ImportSettings;
  preview: ImportPreview | null;
  previewError: ApiError | null;
  previewLoading: boolean;
  /** How far the preview job has got, once it has taken long enough to deserve a progress bar; else null. */
  previewProgress: number | null;
  checkJob: ImportJob | null;
  importJob: ImportJob | null;
  checkStale: boolean;
  checkPassed: boolean;
  /** Bumped after each import, for the history to reload. */
  historyVersion: number;
  chooseFile(chosen: ImportFileRef): Promise<void>;
  update(patch: ImportSettings): void;
  setKind(kind: NonNullable<ImportSettings['kind']>): void;
  setPreset(id: string | null): void;
  setColumn(field: FieldKey, header: string | null): void;
  /** Stops the running preview: back to the settings of the preview on screen, or to choosing a file if none. */
  cancelPreview(): void;
  startCheck(): Promise<void>;
  startImport(): Promise<void>;
  imported(): void;
  startOver(): void;
}

/**
 * The state of one pass through the import wizard: the chosen file, the user's overrides (anything left out is
 * detected by the core), the preview they lead to, and the check and import jobs. Created by ImportView and
 * shared with its steps. Each preview is an `import-preview` job (opening a large workbook takes seconds): a job
 * that a later change has made stale is cancelled, and whatever it still reports is ignored.
 */
export function createImportWizard(): ImportWizard {
  const jobs = useJobsStore();
  const project = useProjectStore();

  const step = ref<StepName>('file');
  const file = ref<ImportFileRef | null>(null);
  const settings = ref<ImportSettings>({});
  const preview = ref<ImportPreview | null>(null);
  /** The settings the preview on screen was made with, to go back to when the user cancels a newer one. */
  const previewedWith = ref<ImportSettings>({});
  const previewError = ref<ApiError | null>(null);
  const { jobId: checkJobId, job: checkJob } = useStartedJob('import');
  const checkedWith = ref<string | null>(null);
  const { jobId: importJobId, job: importJob } = useStartedJob('import');
  const historyVersion = ref(0);

  const previewing = useQuickJob('import-preview');
  const previewLoading = previewing.busy;
  const previewProgress = previewing.progress;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /** Asks for a preview of the current file and settings; resolves once it has ended or been superseded. */
  async function loadPreview(): Promise<void> {
    if (!file.value) return;
    const requested = settings.value;
    try {
      const job = await previewing.run({ kind: 'import-preview', fileId: file.value.id, settings: requested });
      if (job?.state === 'succeeded' && job.result) {
        preview.value = job.result;
        previewedWith.value = requested;
        previewError.value = null;
      } else if (job?.state === 'failed') {
        previewError.value = jobError(job);
      }
    } catch (error) {
      previewError.value = toApiError(error);
    }
  }

  function schedulePreview(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void loadPreview();
    }, PREVIEW_DEBOUNCE_MS);
  }
  onScopeDispose(() => {
    if (timer) clearTimeout(timer);
  });

  /** Forgets everything about the previous file. */
  function reset(chosen: ImportFileRef | null): void {
    if (timer) clearTimeout(timer);
    timer = null;
    previewing.drop();
    file.value = chosen;
    settings.value = {};
    preview.value = null;
    previewedWith.value = {};
    previewError.value = null;
    checkJobId.value = null;
    checkedWith.value = null;
    importJobId.value = null;
  }

  async function chooseFile(chosen: ImportFileRef): Promise<void> {
    reset(chosen);
    await loadPreview();
    if (preview.value) step.value = 'preview';
  }

  function update(patch: ImportSettings): void {
    settings.value = { ...settings.value, ...patch };
    // The rejection threshold matters to the check only: the preview would come back the same.
    if (Object.keys(patch).some((key) => key !== 'maxRejectedShare')) schedulePreview();
  }

  /** A new kind offers other fields: the user's column choices and a preset of another kind no longer apply. */
  function setKind(kind: NonNullable<ImportSettings['kind']>): void {
    const preset = PRESETS.find((known) => known.id === preview.value?.detected.preset?.id);
    update({ kind, mapping: {}, ...(preset && preset.kind !== kind ? { preset: null } : {}) });
  }

  function setPreset(id: string | null): void {
    const preset = PRESETS.find((known) => known.id === id);
    update({ preset: id, mapping: {}, ...(preset ? { kind: preset.kind } : {}) });
  }

  function setColumn(field: FieldKey, header: string | null): void {
    update({ mapping: { ...settings.value.mapping, [field]: header } });
  }

  function cancelPreview(): void {
    if (!preview.value) {
      reset(null);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    previewing.drop();
    // The threshold never asks for a preview, so the one on screen may predate the user's latest choice of it.
    const { maxRejectedShare } = settings.value;
    settings.value = { ...previewedWith.value, ...(maxRejectedShare === undefined ? {} : { maxRejectedShare }) };
    previewError.value = null;
  }

  /** The settings changed after the last check: its report no longer describes what Import would do. */
  const checkStale = computed(() => checkedWith.value !== null && checkedWith.value !== JSON.stringify(settings.value));
  const checkPassed = computed(
    () =>
      !checkStale.value &&
      checkJob.value?.state === 'succeeded' &&
      checkJob.value.result !== null &&
      checkJob.value.result.stoppedBecause === null,
  );

  async function startCheck(): Promise<void> {
    if (!file.value) return;
    if (timer) {
      clearTimeout(timer);
      timer = null;
      await loadPreview();
    }
    checkedWith.value = JSON.stringify(settings.value);
    const job = await jobs.start({ kind: 'import', fileId: file.value.id, settings: settings.value, dryRun: true });
    checkJobId.value = job.id;
  }

  async function startImport(): Promise<void> {
    if (!file.value) return;
    const job = await jobs.start({ kind: 'import', fileId: file.value.id, settings: settings.value, dryRun: false });
    importJobId.value = job.id;
  }

  /** Called once the import job has ended: the project's counts and the history have changed. */
  function imported(): void {
    historyVersion.value += 1;
    void project.refreshCounts();
  }

  function startOver(): void {
    reset(null);
    step.value = 'file';
  }

  return reactive({
    step,
    file,
    settings,
    preview,
    previewError,
    previewLoading,
    previewProgress,
    checkJob,
    importJob,
    checkStale,
    checkPassed,
    historyVersion,
    chooseFile,
    update,
    setKind,
    setPreset,
    setColumn,
    cancelPreview,
    startCheck,
    startImport,
    imported,
    startOver,
  });
}

const KEY: InjectionKey<ImportWizard> = Symbol('import-wizard');

export function provideImportWizard(): ImportWizard {
  const wizard = createImportWizard();
  provide(KEY, wizard);
  return wizard;
}

export function useImportWizard(): ImportWizard {
  const wizard = inject(KEY);
  if (!wizard) throw new Error('useImportWizard() needs ImportView as an ancestor.');
  return wizard;
}
