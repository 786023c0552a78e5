import type { ImportFileRef, ImportPreview, ImportSettings } from '../shared/import';
import type { Db } from '../store/connection';
import { fieldsOf, missingFields, planImport } from './plan';

const PREVIEW_ROWS = 20;

/** What the wizard shows before anything is written: the detected settings, the first rows and the mapping. */
export async function previewImport(
  db: Db,
  file: ImportFileRef,
  path: string,
  settings: ImportSettings,
): Promise<ImportPreview> {
  const plan = await planImport(db, path, settings);
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
