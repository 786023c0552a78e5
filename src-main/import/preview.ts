import type { JobContext } from '../jobs/context';
import type { ImportFileRef, ImportPreview, ImportSettings } from '../shared/import';
import type { Db } from '../store/connection';
import { fieldsOf, missingFields, planImport } from './plan';

const PREVIEW_ROWS = 20;

export type PreviewSteps = Pick<JobContext, 'progress' | 'throwIfCancelled'>;

const UNOBSERVED: PreviewSteps = { progress: () => undefined, throwIfCancelled: () => undefined };

/**
 * What the wizard shows before anything is written: the detected settings, the first rows and the mapping.
 * Nearly all its time goes into reading the start of the file (a whole workbook, for XLSX), which cannot report
 * progress from inside; the checks around it let a superseded preview stop before and after.
 */
export async function previewImport(
  db: Db,
  file: ImportFileRef,
  path: string,
  settings: ImportSettings,
  steps: PreviewSteps = UNOBSERVED,
): Promise<ImportPreview> {
  steps.throwIfCancelled();
  steps.progress(0, 'reading');
  const plan = await planImport(db, path, settings);
  steps.throwIfCancelled();
  const { fields, required } = fieldsOf(plan.kind);
  return {
    file,
    format: plan.layout.format,
    sheets: plan.layout.sheets,
    detected: plan.detected,
    headers: plan.headers,
    rows: plan.sampleRows.slice(0, PREVIEW_ROWS),
    mapping: plan.mapping,
    fields: [...fields],
    required: required.map((group) => [...group]),
    missing: missingFields(plan),
    warnings: plan.warnings,
  };
}
