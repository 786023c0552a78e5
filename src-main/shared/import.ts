import { z } from 'zod';
import { FIELD_KEYS, IMPORT_KINDS, type FieldKey, type ImportKind } from './import-fields';

export const ENCODING_NAMES = ['utf-8', 'utf-16le', 'utf-16be', 'gb18030', 'big5', 'windows-1252'] as const;
export const DELIMITER_CHOICES = [',', ';', '\t', '|'] as const;

/** A file the user picked (dialog) or uploaded (browser); operations refer to it by id, never by path. */
export interface ImportFileRef {
  id: string;
  name: string;
  sizeBytes: number;
}

/** What the user may override in the wizard or on the command line; anything left out is detected. */
export const importSettingsSchema = z
  .object({
    encoding: z.enum(ENCODING_NAMES),
    delimiter: z.enum(DELIMITER_CHOICES),
    headerRow: z.number().int().min(0).max(100),
    sheet: z.string().max(200),
    decimal: z.enum(['.', ',']),
    thousands: z.enum([',', '.', ' ', "'", '']),
    dateOrder: z.enum(['ymd', 'dmy', 'mdy']),
    kind: z.enum(IMPORT_KINDS),
    preset: z.string().max(60).nullable(),
    /** Field → header name; null unmaps a field the auto-mapping chose. */
    mapping: z.partialRecord(z.enum(FIELD_KEYS), z.string().max(300).nullable()),
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** Stop before writing when more than this share of rows would be rejected. */
    maxRejectedShare: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export type ImportSettings = z.infer<typeof importSettingsSchema>;

export interface ImportWarning {
  code:
    | 'ANONYMOUS_ORDERS'
    | 'AMBIGUOUS_DATES'
    | 'AMBIGUOUS_NUMBERS'
    | 'ENCODING_GUESSED'
    | 'UNMAPPED_COLUMNS'
    | 'NO_ORDER_ID'
    | 'NO_PRICES'
    | 'CANCELLATIONS'
    | 'REJECTED_ROWS';
  /** English, with the numbers filled in; the renderer words it in the user's language from `code` and `params`. */
  message: string;
  /** Share of rows concerned, 0..1, where it applies. */
  share?: number;
  params?: Record<string, string | number>;
}

type EncodingName = (typeof ENCODING_NAMES)[number];
type Delimiter = (typeof DELIMITER_CHOICES)[number];
type NoParams = Record<string, never>;

/**
 * What decided the encoding, for the renderer to word in the user's language (the core words it in English as
 * `reason`). Shares and scores are fractions, 0..1.
 */
export type EncodingEvidence =
  | { code: 'bom'; params: { encoding: EncodingName } }
  | { code: 'utf16_nuls'; params: { encoding: EncodingName; share: number } }
  | { code: 'ascii'; params: NoParams }
  | { code: 'utf8'; params: { multibyte: number } }
  | { code: 'utf8_damaged'; params: { multibyte: number; damaged: number } }
  | { code: 'legacy_scores'; params: { scores: { encoding: EncodingName; score: number }[] } };

/** What decided the delimiter: the share of the first lines that have `fields` fields when split by it. */
export type DelimiterEvidence =
  | { code: 'one_column'; params: NoParams }
  | { code: 'fields'; params: { share: number; fields: number; delimiter: Delimiter } };

/** What decided the number format: how many values prove the decimal mark, and how many prove the other one. */
export type NumberFormatEvidence =
  | { code: 'decimal_shown'; params: { decimal: '.' | ','; count: number } }
  | { code: 'decimal_conflict'; params: { decimal: '.' | ','; count: number; others: number } }
  | { code: 'either_separator'; params: { example: '1,234' | '1.234' } }
  | { code: 'no_decimals'; params: NoParams };

export interface DetectedSettings {
  /** `evidence` is null when the user chose the encoding. */
  encoding: {
    name: EncodingName;
    confidence: 'certain' | 'likely' | 'guess';
    reason: string;
    evidence: EncodingEvidence | null;
  } | null;
  /** `evidence` is null when the user chose the delimiter. */
  delimiter: { value: Delimiter; reason: string; evidence: DelimiterEvidence | null } | null;
  headerRow: number;
  numbers: {
    decimal: '.' | ',';
    thousands: ',' | '.' | ' ' | "'" | '';
    ambiguous: boolean;
    evidence: NumberFormatEvidence;
  } | null;
  /** `example` is the last day of 2011 as the column writes dates (`31.12.2011`), `label` the English for both. */
  dates: { order: 'ymd' | 'dmy' | 'mdy'; ambiguous: boolean; label: string; example: string } | null;
  kind: ImportKind;
  preset: { id: string; label: string } | null;
  /** Where the mapping came from: a recognised layout, a mapping saved from an earlier file of this shape, or header names. */
  mappingSource: 'preset' | 'saved' | 'aliases';
}

export interface ImportPreview {
  file: ImportFileRef;
  format: 'csv' | 'xlsx';
  sheets: string[];
  detected: DetectedSettings;
  headers: string[];
  /** The first rows as text, for the preview table. */
  rows: string[][];
  mapping: Partial<Record<FieldKey, string>>;
  /** Fields this kind of file can fill, and the groups of which at least one must be mapped. */
  fields: FieldKey[];
  required: FieldKey[][];
  missing: FieldKey[][];
  warnings: ImportWarning[];
}

/** Why a row cannot be imported; the renderer words each in the user's language. */
export const REJECT_CODES = [
  'not_a_number',
  'not_a_date',
  'too_many_fields',
  'too_few_fields',
  'no_order_date',
  'no_product',
  'no_order_total',
  'no_customer',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface RejectReason {
  code: RejectCode;
  /** The column and its value (not_a_number, not_a_date); the row's and the header's field counts (too_…_fields). */
  params: { column?: string; value?: string; fields?: number; expected?: number };
}

export interface RejectedRow extends RejectReason {
  /** 1-based line (CSV) or row (XLSX) number in the file, header included, as a spreadsheet shows it. */
  row: number;
  /** The reason in English, as stored with the import and written to the rejected rows' CSV. */
  reason: string;
  values: string[];
}

export interface CreatedUpdated {
  created: number;
  updated: number;
}

export interface ImportReport {
  /** The `imports` row, when the import was committed. */
  importId: number | null;
  dryRun: boolean;
  committed: boolean;
  /** Why nothing was written, when it was not (too many rejected rows), in English. */
  stoppedBecause: string | null;
  /** The same, for the renderer to word: the share rejected, the limit, and the commonest reason. */
  stopped: { share: number; limit: number; commonest: RejectReason } | null;
  file: string;
  kind: ImportKind;
  preset: string | null;
  encoding: string;
  delimiter: string | null;
  rows: number;
  imported: number;
  rejected: number;
  orders: CreatedUpdated;
  customers: CreatedUpdated;
  products: CreatedUpdated;
  lines: number;
  anonymousOrders: number;
  cancelledOrders: number;
  warnings: ImportWarning[];
  /** Rejected rows counted by the kind of problem (the code and column, not the value), commonest first. */
  rejectedReasons: (RejectReason & { reason: string; count: number })[];
  /** The first rejected rows; all of them are kept with a committed import for download. */
  rejectedSample: RejectedRow[];
  seconds: number;
}

export interface ImportSummary {
  id: number;
  file: string;
  kind: ImportKind;
  preset: string | null;
  rows: number;
  imported: number;
  rejected: number;
  finishedAt: number | null;
}

/** What a running import job is doing, as its progress detail says: reading rows, then its last steps. */
export const IMPORT_STAGES = ['rows', 'orders', 'indexes', 'customer_metrics', 'saving'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];
