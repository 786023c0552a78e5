import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { csvLine } from '../io/csv-write';
import { CoreError } from '../shared/errors';
import type { ImportFileRef, ImportSummary } from '../shared/import';
import type { ImportKind } from '../shared/import-fields';
import type { Db } from '../store/connection';

/** Files picked in a dialog or uploaded, known by id: the renderer never names a path. */
export class ImportFiles {
  private readonly files = new Map<string, { path: string; ref: ImportFileRef }>();

  register(path: string, name = basename(path)): ImportFileRef {
    const ref = { id: randomUUID(), name, sizeBytes: statSync(path).size };
    this.files.set(ref.id, { path, ref });
    return ref;
  }

  resolve(id: string): { path: string; ref: ImportFileRef } {
    const file = this.files.get(id);
    if (!file) throw new CoreError('NOT_FOUND', 'That file is no longer available. Pick it again.');
    return file;
  }
}

export function history(db: Db): ImportSummary[] {
  const rows = db
    .prepare(
      `SELECT id, source_name, kind, preset, rows_total, rows_imported, rows_rejected, finished_at
       FROM imports WHERE finished_at IS NOT NULL ORDER BY id DESC`,
    )
    .all() as {
    id: number;
    source_name: string;
    kind: ImportKind;
    preset: string | null;
    rows_total: number;
    rows_imported: number;
    rows_rejected: number;
    finished_at: number | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    file: r.source_name,
    kind: r.kind,
    preset: r.preset,
    rows: r.rows_total,
    imported: r.rows_imported,
    rejected: r.rows_rejected,
    finishedAt: r.finished_at,
  }));
}

/** Every rejected row of an import with its reason, as CSV (formula-like cells neutralised). */
export function rejectedCsv(db: Db, importId: number): { fileName: string; csv: string } {
  const source = db.prepare('SELECT source_name FROM imports WHERE id = ?').pluck().get(importId) as string | undefined;
  if (source === undefined) throw new CoreError('NOT_FOUND', 'That import does not exist in this project.');
  const rows = db
    .prepare('SELECT row_no, reason, values_json FROM import_rejects WHERE import_id = ? ORDER BY row_no')
    .all(importId) as { row_no: number; reason: string; values_json: string }[];
  const lines = [csvLine(['row', 'reason', 'values…'])];
  for (const row of rows) lines.push(csvLine([row.row_no, row.reason, ...(JSON.parse(row.values_json) as string[])]));
  return { fileName: `${basename(source).replace(/\.[^.]+$/, '')}-rejected-rows.csv`, csv: lines.join('') };
}
