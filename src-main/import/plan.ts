import { basename } from 'node:path';
import type { Db } from '../store/connection';
import { CoreError } from '../shared/errors';
import { KIND_FIELDS, type ImportKind } from '../shared/import-fields';
import type { ImportPreset } from '../shared/import-presets';
import type { DetectedSettings, ImportSettings, ImportWarning } from '../shared/import';
import {
  applyOverrides,
  autoMap,
  detectPreset,
  guessKind,
  missingGroups,
  presetById,
  shapeOf,
  type Mapping,
} from './mapping';
import { detectFormats, type Formats } from './rows';
import { sampleSource, type SourceLayout } from './source';

/** Everything decided before the rows are read: layout, kind, preset, mapping and value formats. */
export interface ImportPlan {
  layout: SourceLayout;
  headers: string[];
  /** Records after the header, as read for the preview. */
  sampleRows: string[][];
  kind: ImportKind;
  preset: ImportPreset | null;
  mapping: Mapping;
  formats: Formats;
  detected: DetectedSettings;
  shape: string;
  currency: string | null;
  maxRejectedShare: number;
  warnings: ImportWarning[];
}

export const DEFAULT_MAX_REJECTED_SHARE = 0.05;

function savedSettings(db: Db, shape: string): ImportSettings | null {
  const row = db.prepare('SELECT settings_json FROM import_mappings WHERE shape = ?').pluck().get(shape) as
    string | undefined;
  return row ? (JSON.parse(row) as ImportSettings) : null;
}

export function saveSettings(db: Db, shape: string, settings: ImportSettings, now = Date.now()): void {
  db.prepare(
    `INSERT INTO import_mappings (shape, settings_json, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (shape) DO UPDATE SET settings_json = excluded.settings_json, updated_at = excluded.updated_at`,
  ).run(shape, JSON.stringify(settings), now);
}

/** Reads the start of the file and decides how to import it, the user's settings overriding every guess. */
export async function planImport(db: Db, path: string, requested: ImportSettings): Promise<ImportPlan> {
  const sample = await sampleSource(path, requested);
  const { layout } = sample;
  const headers = (sample.records[layout.headerRow] ?? []).map((h) => h.trim());
  if (headers.filter(Boolean).length === 0) {
    throw new CoreError(
      'IMPORT_UNREADABLE',
      `${basename(path)}: no header row was found. The first row should name the columns.`,
    );
  }
  const sampleRows = sample.records.slice(layout.headerRow + 1);
  const shape = shapeOf(headers);
  const saved = savedSettings(db, shape);
  const settings: ImportSettings = { ...saved, ...requested, mapping: { ...saved?.mapping, ...requested.mapping } };

  const preset =
    settings.preset === null ? null : settings.preset ? presetById(settings.preset) : detectPreset(headers);
  const kind = settings.kind ?? preset?.kind ?? guessKind(headers);
  const mapping = applyOverrides(autoMap(headers, kind, preset), settings.mapping, headers);
  const found = detectFormats(headers, sampleRows, mapping, preset?.dateOrder);
  const formats: Formats = {
    number: {
      decimal: settings.decimal ?? found.numbers?.decimal ?? '.',
      thousands: settings.thousands ?? found.numbers?.thousands ?? '',
    },
    dateOrder: settings.dateOrder ?? found.dates?.order ?? preset?.dateOrder ?? 'dmy',
  };
  const detected: DetectedSettings = {
    encoding: layout.encoding
      ? {
          name: layout.encoding.encoding,
          confidence: layout.encoding.confidence,
          reason: layout.encoding.reason,
          evidence: layout.encoding.evidence ?? null,
        }
      : null,
    delimiter: layout.delimiter
      ? {
          value: layout.delimiter.delimiter,
          reason: layout.delimiter.reason,
          evidence: layout.delimiter.evidence ?? null,
        }
      : null,
    headerRow: layout.headerRow,
    numbers: found.numbers,
    dates: found.dates,
    kind,
    preset: preset ? { id: preset.id, label: preset.label } : null,
    mappingSource: saved ? 'saved' : preset ? 'preset' : 'aliases',
  };
  const warnings: ImportWarning[] = [];
  if (layout.encoding?.confidence === 'guess') {
    warnings.push({
      code: 'ENCODING_GUESSED',
      message: `The encoding was guessed (${layout.encoding.reason}). Check the preview; change it if the text looks wrong.`,
    });
  }
  if (found.dates?.ambiguous && !settings.dateOrder) {
    warnings.push({
      code: 'AMBIGUOUS_DATES',
      params: { order: found.dates.order },
      message: `No date in the sample settles day/month order; reading them as ${found.dates.label}. Change it if that is wrong.`,
    });
  }
  if (found.numbers?.ambiguous && !settings.decimal) {
    warnings.push({
      code: 'AMBIGUOUS_NUMBERS',
      message: 'Amounts like 1,234 could use a thousands separator or a decimal comma; check the number format.',
    });
  }
  if (kind === 'order_lines' && !mapping.order_id) {
    warnings.push({
      code: 'NO_ORDER_ID',
      message: "There is no order id column: each customer's purchases on one day become one order.",
    });
  }
  if (kind === 'order_lines' && !mapping.unit_price && !mapping.line_total) {
    warnings.push({
      code: 'NO_PRICES',
      message:
        'There is no price column: lines are imported at price 0, so revenue and value-based analyses will be empty.',
    });
  }
  const mappedHeaders = new Set(Object.values(mapping));
  const unmapped = headers.filter((h) => h && !mappedHeaders.has(h));
  if (unmapped.length > 0 && kind !== 'customer_table') {
    warnings.push({
      code: 'UNMAPPED_COLUMNS',
      params: { columns: unmapped.join(', ') },
      message: `Not imported: ${unmapped.join(', ')}.`,
    });
  }
  return {
    layout,
    headers,
    sampleRows,
    kind,
    preset,
    mapping,
    formats,
    detected,
    shape,
    currency: settings.currency ?? preset?.currency ?? null,
    maxRejectedShare: settings.maxRejectedShare ?? DEFAULT_MAX_REJECTED_SHARE,
    warnings,
  };
}

export function missingFields(plan: ImportPlan) {
  return missingGroups(plan.kind, plan.mapping);
}

export function fieldsOf(kind: ImportKind) {
  return KIND_FIELDS[kind];
}
