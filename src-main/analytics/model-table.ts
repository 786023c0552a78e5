/**
 * Models on a customer-level table instead of orders: an imported customer table (customer_table_rows, one JSON
 * object of cells per customer, the mapped label column as the outcome) or, from the CLI, a CSV file. Every other
 * column is a candidate feature; design-matrix.ts decides numeric or categorical, imputes, one-hot encodes and
 * says what it did.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoreError } from '../shared/errors';
import type { ModelWarning, TableImportInfo, TableTrainOptions, TrainResult } from '../shared/models';
import type { Table } from '../ml/design-matrix';
import { parseCsv } from '../io/csv';
import type { Db } from '../store/connection';
import { trainFamilies, type LabelledTable, type TrainingProgress } from './model-training';
import { newModels, storeTraining } from './propensity-training';

const POSITIVE = new Set(['1', 'true', 'yes', 'y', 't']);
const NEGATIVE = new Set(['0', 'false', 'no', 'n', 'f']);

const invalid = (message: string) => new CoreError('VALIDATION', message);

/** 0/1 per cell, or null where the label is blank; two outcomes in other words are mapped with a warning. */
export function readLabels(
  cells: readonly (string | null)[],
  column: string,
): { labels: (0 | 1 | null)[]; warnings: ModelWarning[] } {
  const texts = cells.map((cell) => (cell ?? '').trim());
  const distinct = [...new Set(texts.filter((t) => t !== ''))];
  const known = distinct.every((t) => POSITIVE.has(t.toLowerCase()) || NEGATIVE.has(t.toLowerCase()));
  if (known)
    return {
      labels: texts.map((t) => (t === '' ? null : POSITIVE.has(t.toLowerCase()) ? 1 : 0)),
      warnings: [],
    };
  if (distinct.length !== 2)
    throw invalid(
      `The label column "${column}" has ${distinct.length} different values (${distinct.slice(0, 4).join(', ')}` +
        `${distinct.length > 4 ? ', …' : ''}); a model needs two outcomes such as 1/0 or yes/no.`,
    );
  const [negative = '', positive = ''] = distinct.sort((a, b) => a.localeCompare(b));
  return {
    labels: texts.map((t) => (t === '' ? null : t === positive ? 1 : 0)),
    warnings: [
      {
        code: 'LABEL_MAPPED',
        message: `The label column "${column}" reads "${positive}" as the outcome and "${negative}" as its absence.`,
        params: { column, positive, negative },
      },
    ],
  };
}

/** Rows with a label, as a labelled table; the test rows are those whose split column says "test". */
export function labelledRows(
  headers: readonly string[],
  records: readonly (readonly string[])[],
  options: { target: string; splitColumn?: string; exclude: readonly string[]; outcome: string },
): LabelledTable & { warnings: ModelWarning[]; features: string[] } {
  const column = (name: string, flag: string) => {
    const index = headers.indexOf(name);
    if (index < 0) throw invalid(`There is no column "${name}" (${flag}); the columns are ${headers.join(', ')}.`);
    return index;
  };
  const target = column(options.target, 'the target');
  const split = options.splitColumn === undefined ? null : column(options.splitColumn, 'the split column');
  for (const name of options.exclude) column(name, 'in the excluded columns');
  const { labels, warnings } = readLabels(
    records.map((r) => r[target] ?? null),
    options.target,
  );
  const kept = records.flatMap((record, i) => (labels[i] === null ? [] : [{ record, label: labels[i] ?? 0 }]));
  const leftOut = new Set([options.target, ...(options.splitColumn ? [options.splitColumn] : []), ...options.exclude]);
  const features = headers.filter((name) => !leftOut.has(name));
  if (features.length === 0) throw invalid('Every column is the target, the split or excluded: no feature is left.');
  return {
    table: features.map((name) => {
      const index = headers.indexOf(name);
      return { name, values: kept.map(({ record }) => record[index] ?? null) };
    }),
    labels: Uint8Array.from(kept, ({ label }) => label),
    ...(split !== null && {
      test: Uint8Array.from(kept, ({ record }) => ((record[split] ?? '').trim().toLowerCase() === 'test' ? 1 : 0)),
    }),
    what: 'rows',
    outcome: options.outcome,
    warnings,
    features,
  };
}

/** A CSV file with a header row, as headers and records. */
export function readCsvFile(path: string): { headers: string[]; records: string[][] } {
  const [headers, ...records] = parseCsv(readFileSync(path, 'utf8'));
  if (!headers || records.length === 0) throw invalid('The table file has no rows under its header.');
  return { headers: headers.map((h) => h.trim()), records };
}

interface TableImportRow {
  id: number;
  source_name: string;
  mapping_json: string;
  started_at: number;
  rows: number;
  labelled: number;
  sample: string | null;
}

/** The columns the import mapped to an id, email, phone or label: never features. */
function mappedColumns(mappingJson: string): { label: string | null; mapped: Set<string> } {
  const mapping = JSON.parse(mappingJson) as Record<string, string | null>;
  return {
    label: mapping.label ?? null,
    mapped: new Set(Object.values(mapping).filter((v): v is string => typeof v === 'string')),
  };
}

/** Customer tables that were imported, newest first. */
export function tableImports(db: Db): TableImportInfo[] {
  const rows = db
    .prepare(
      `SELECT i.id, i.source_name, i.mapping_json, i.started_at,
         (SELECT count(*) FROM customer_table_rows r WHERE r.import_id = i.id) AS rows,
         (SELECT count(*) FROM customer_table_rows r WHERE r.import_id = i.id AND trim(coalesce(r.label, '')) <> '') AS labelled,
         (SELECT values_json FROM customer_table_rows r WHERE r.import_id = i.id LIMIT 1) AS sample
       FROM imports i WHERE i.kind = 'customer_table' AND i.finished_at IS NOT NULL ORDER BY i.id DESC`,
    )
    .all() as TableImportRow[];
  return rows.map((row) => {
    const { label, mapped } = mappedColumns(row.mapping_json);
    const headers = row.sample ? Object.keys(JSON.parse(row.sample) as Record<string, string>) : [];
    return {
      importId: row.id,
      fileName: row.source_name,
      rows: row.rows,
      labelled: row.labelled,
      columns: headers.filter((h) => !mapped.has(h)),
      labelColumn: label ?? '',
      importedAt: row.started_at,
    };
  });
}

/** Every row of an imported customer table: customer ids, the label cells and the feature columns. */
export function importedTable(
  db: Db,
  importId: number,
): { customerIds: Int32Array; labels: (string | null)[]; labelColumn: string; headers: string[]; records: string[][] } {
  const info = tableImports(db).find((t) => t.importId === importId);
  if (!info) throw new CoreError('NOT_FOUND', 'That customer table is no longer in the project: import it again.');
  if (!info.labelColumn)
    throw invalid(`"${info.fileName}" was imported without a label column: import it again with the label mapped.`);
  const rows = db
    .prepare('SELECT customer_id, label, values_json FROM customer_table_rows WHERE import_id = ? ORDER BY customer_id')
    .all(importId) as { customer_id: number; label: string | null; values_json: string }[];
  const cells = rows.map((r) => JSON.parse(r.values_json) as Record<string, string>);
  return {
    customerIds: Int32Array.from(rows, (r) => r.customer_id),
    labels: rows.map((r) => r.label),
    labelColumn: info.labelColumn,
    headers: info.columns,
    records: cells.map((c) => info.columns.map((h) => c[h] ?? '')),
  };
}

/** The named columns of a table's records, as the design matrix reads them. */
export function columnsOf(
  headers: readonly string[],
  records: readonly (readonly string[])[],
  names: readonly string[],
): Table {
  return names.map((name) => {
    const index = headers.indexOf(name);
    if (index < 0) throw invalid(`The table has no column "${name}", which the model needs.`);
    return { name, values: records.map((r) => r[index] ?? null) };
  });
}

export function trainTable(db: Db, options: TableTrainOptions, ctx: TrainingProgress, now = Date.now()): TrainResult {
  const source = importedTable(db, options.importId);
  // The label column was mapped, so it is not among the feature headers: it rides along as one more column.
  const label = source.labelColumn;
  const data = labelledRows(
    [...source.headers, label],
    source.records.map((record, i) => [...record, source.labels[i] ?? '']),
    { target: label, exclude: options.exclude, outcome: `have the outcome "${source.labelColumn}"` },
  );
  const result = trainFamilies(data, options.families, options.seed, ctx);
  const models = newModels(
    {
      kind: 'table',
      name: options.name || `${source.labelColumn} (table ${options.importId})`,
      trainingId: randomUUID(),
      options: { ...options },
      window: {
        cutoff: null,
        days: null,
        importId: options.importId,
        customers: result.rows,
        trainCustomers: result.trainRows,
        testCustomers: result.testRows,
      },
    },
    result,
    data.warnings,
  );
  return storeTraining(db, models, now);
}
