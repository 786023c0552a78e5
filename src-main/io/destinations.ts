/**
 * What each campaign destination accepts (DESIGN.md §7), as data: header names and order, where each column's value
 * comes from and how it is normalised, which identifier a row cannot go without, hashing, file type, delimiter and
 * encoding choices, and the platform limits worth a warning. `planExport` checks a user's choices against a preset
 * once; `formatRow` then turns each customer into the cells of one row, or into the reason the row is skipped.
 *
 * Cells come back final: normalised, hashed where the destination wants hashes, cut to the destination's length limit
 * and neutralised against formula injection (DESIGN.md §5) by column kind, so that a name such as `=HYPERLINK(…)`
 * cannot run while `+447700900123` in a phone column stays a phone number. The CSV and XLSX writers guard again,
 * which changes nothing in an already guarded cell.
 */
import { CoreError } from '../shared/errors';
import {
  cleanText,
  googleEmail,
  googleName,
  metaLetters,
  metaRegion,
  metaZip,
  normaliseCountry,
  normaliseEmail,
  normalisePhone,
  normaliseZip,
  sha256Hex,
  type Checked,
  type ContactProblem,
} from './contact-normalise';
import { neutraliseFormula, type GuardedColumnKind } from './formula-guard';

export const DESTINATION_IDS = ['mailchimp', 'klaviyo', 'brevo', 'hubspot', 'meta', 'google', 'csv', 'xlsx'] as const;
export type DestinationId = (typeof DESTINATION_IDS)[number];

export const CUSTOMER_FIELDS = [
  'customerId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'city',
  'region',
  'country',
  'zip',
  'value',
  'emailConsent',
  'smsConsent',
  'tags',
  'segment',
  'clvBand',
  'recs',
  'offer',
  'coupon',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

/** One campaign member as the campaign service hands it over; values as stored, normalised here. */
export interface CustomerRecord {
  customerId?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  city?: string | null;
  region?: string | null;
  /** A code or a name in any language the country table knows (`GB`, `United Kingdom`, `英国`). */
  country?: string | null;
  zip?: string | null;
  /** Predicted customer lifetime value, for Meta's value-based audiences. */
  value?: number | null;
  /** true consented, false refused or unsubscribed, null unknown (the `customers` table's meaning). */
  emailConsent?: boolean | null;
  smsConsent?: boolean | null;
  tags?: readonly string[] | null;
  segment?: string | null;
  clvBand?: string | null;
  /** Names of the top recommended products, best first. */
  recs?: readonly string[] | null;
  offer?: string | null;
  coupon?: string | null;
}

/**
 * How a field's value becomes cell text. The `meta-…` and `google-…` formats are each platform's normal form
 * before hashing; whether a column is then hashed depends on `hashed` and the preset's `hashing`.
 */
export type CellFormat =
  | 'text'
  | 'email'
  | 'phone'
  | 'country'
  | 'zip'
  | 'number'
  | 'list'
  | 'yes-no'
  | 'klaviyo-consent'
  | 'meta-phone'
  | 'meta-letters'
  | 'meta-region'
  | 'meta-zip'
  | 'meta-country'
  | 'meta-value'
  | 'google-email'
  | 'google-name';

export interface ColumnSpec {
  header: string;
  field: CustomerField;
  format: CellFormat;
  /** 'phone' lets E.164 numbers keep their `+` through the formula guard. */
  kind: GuardedColumnKind;
  /** Hashed whenever the export is hashed (always for Meta, on request for Google). */
  hashed?: boolean;
}

export type FileType = 'csv' | 'xlsx';
export type Delimiter = ',' | ';' | '\t';
/**
 * Text encodings an export can be written in. GBK, not GB18030: Excel on Chinese Windows opens CSV as code page 936
 * (GBK), where GB18030's four-byte sequences show as garbage. The encoder belongs to the file writer.
 */
export type ExportEncoding = 'utf-8' | 'gbk' | 'windows-1252';
export type Identifier = 'email' | 'phone';

export interface DestinationPreset {
  id: DestinationId;
  label: string;
  fileTypes: readonly FileType[];
  columns: readonly ColumnSpec[];
  /**
   * A row needs a valid value in at least one of these, or it is skipped; empty when any row may go. Klaviyo's
   * is chosen by the user (`identifier`), which also decides its first column.
   */
  identifiers: readonly Identifier[];
  hashing: 'always' | 'optional' | 'never';
  delimiters: readonly Delimiter[];
  encodings: readonly ExportEncoding[];
  /** A UTF-8 byte order mark unless the user says otherwise: Excel needs it to read UTF-8 CSV as UTF-8. */
  bomByDefault: boolean;
  /** Whether the user may add columns: ad platforms take their identifier columns and nothing else. */
  extraColumns: boolean;
  /** Below this many rows the platform will not serve the audience (Meta and Google: about 100 matched people). */
  minAudience?: number;
  /** UTF-8 bytes the platform keeps in a text field; longer text is cut at a character boundary. */
  maxCellBytes?: number;
  /** The platform refuses larger files. */
  maxFileBytes?: number;
}

const text = (header: string, field: CustomerField): ColumnSpec => ({ header, field, format: 'text', kind: 'text' });
const email = (header: string): ColumnSpec => ({ header, field: 'email', format: 'email', kind: 'text' });
const phone = (header: string): ColumnSpec => ({ header, field: 'phone', format: 'phone', kind: 'phone' });
const country = (header: string): ColumnSpec => ({ header, field: 'country', format: 'country', kind: 'text' });
const zip = (header: string): ColumnSpec => ({ header, field: 'zip', format: 'zip', kind: 'text' });
const hashedColumn = (header: string, field: CustomerField, format: CellFormat): ColumnSpec => ({
  header,
  field,
  format,
  kind: 'text',
  hashed: true,
});

const UTF8_ONLY: readonly ExportEncoding[] = ['utf-8'];
const COMMA: readonly Delimiter[] = [','];

export const DESTINATIONS: Record<DestinationId, DestinationPreset> = {
  mailchimp: {
    id: 'mailchimp',
    label: 'Mailchimp',
    fileTypes: ['csv'],
    // Mailchimp's Address and Birthday fields are left out: the project holds no street address or birthday.
    columns: [
      email('Email Address'),
      text('First Name', 'firstName'),
      text('Last Name', 'lastName'),
      phone('Phone Number'),
      { header: 'Tags', field: 'tags', format: 'list', kind: 'text' },
    ],
    identifiers: ['email'],
    hashing: 'never',
    delimiters: COMMA,
    encodings: UTF8_ONLY,
    bomByDefault: false,
    extraColumns: true,
    maxCellBytes: 255,
  },
  klaviyo: {
    id: 'klaviyo',
    label: 'Klaviyo',
    fileTypes: ['csv'],
    columns: [
      email('Email Address'),
      text('First Name', 'firstName'),
      text('Last Name', 'lastName'),
      phone('Phone Number'),
      text('City', 'city'),
      text('Region', 'region'),
      country('Country'),
      zip('Zip Code'),
      { header: 'Email Marketing Consent', field: 'emailConsent', format: 'klaviyo-consent', kind: 'text' },
      { header: 'SMS Marketing Consent', field: 'smsConsent', format: 'klaviyo-consent', kind: 'text' },
    ],
    identifiers: ['email'],
    hashing: 'never',
    delimiters: COMMA,
    encodings: UTF8_ONLY,
    bomByDefault: false,
    extraColumns: true,
    maxFileBytes: 50_000_000,
  },
  brevo: {
    id: 'brevo',
    label: 'Brevo',
    fileTypes: ['csv', 'xlsx'],
    columns: [email('EMAIL'), text('FIRSTNAME', 'firstName'), text('LASTNAME', 'lastName'), phone('SMS')],
    identifiers: ['email', 'phone'],
    hashing: 'never',
    delimiters: [';', ',', '\t'],
    encodings: ['utf-8', 'windows-1252'],
    bomByDefault: false,
    extraColumns: true,
  },
  hubspot: {
    id: 'hubspot',
    label: 'HubSpot',
    fileTypes: ['csv', 'xlsx'],
    columns: [
      email('Email'),
      text('First name', 'firstName'),
      text('Last name', 'lastName'),
      phone('Phone number'),
      text('City', 'city'),
      text('State/Region', 'region'),
      country('Country/Region'),
      zip('Zip code'),
    ],
    identifiers: ['email'],
    hashing: 'never',
    delimiters: COMMA,
    encodings: UTF8_ONLY,
    bomByDefault: false,
    extraColumns: true,
  },
  meta: {
    id: 'meta',
    label: 'Meta Custom Audience',
    fileTypes: ['csv'],
    columns: [
      hashedColumn('email', 'email', 'email'),
      hashedColumn('phone', 'phone', 'meta-phone'),
      hashedColumn('fn', 'firstName', 'meta-letters'),
      hashedColumn('ln', 'lastName', 'meta-letters'),
      hashedColumn('ct', 'city', 'meta-letters'),
      hashedColumn('st', 'region', 'meta-region'),
      hashedColumn('zip', 'zip', 'meta-zip'),
      hashedColumn('country', 'country', 'meta-country'),
      { header: 'value', field: 'value', format: 'meta-value', kind: 'text' },
    ],
    identifiers: ['email', 'phone'],
    hashing: 'always',
    delimiters: COMMA,
    encodings: UTF8_ONLY,
    bomByDefault: false,
    extraColumns: false,
    minAudience: 100,
  },
  google: {
    id: 'google',
    label: 'Google Customer Match',
    fileTypes: ['csv'],
    columns: [
      hashedColumn('Email', 'email', 'google-email'),
      { header: 'Phone', field: 'phone', format: 'phone', kind: 'phone', hashed: true },
      hashedColumn('First Name', 'firstName', 'google-name'),
      hashedColumn('Last Name', 'lastName', 'google-name'),
      country('Country'),
      zip('Zip'),
    ],
    identifiers: ['email', 'phone'],
    hashing: 'optional',
    delimiters: COMMA,
    encodings: UTF8_ONLY,
    bomByDefault: false,
    extraColumns: false,
    minAudience: 100,
  },
  csv: {
    id: 'csv',
    label: 'CSV',
    fileTypes: ['csv'],
    columns: genericColumns(),
    identifiers: [],
    hashing: 'never',
    delimiters: [',', ';', '\t'],
    encodings: ['utf-8', 'gbk'],
    bomByDefault: true,
    extraColumns: true,
  },
  xlsx: {
    id: 'xlsx',
    label: 'Excel',
    fileTypes: ['xlsx'],
    columns: genericColumns(),
    identifiers: [],
    hashing: 'never',
    delimiters: [],
    encodings: [],
    bomByDefault: false,
    extraColumns: true,
  },
};

/** The contact columns of a plain list; personalisation (segment, offer, coupon…) is added as extra columns. */
function genericColumns(): ColumnSpec[] {
  return [
    text('Customer ID', 'customerId'),
    email('Email'),
    phone('Phone'),
    text('First name', 'firstName'),
    text('Last name', 'lastName'),
    text('City', 'city'),
    text('Region', 'region'),
    country('Country'),
    zip('Zip'),
  ];
}

/** How each field is written when the user adds it as a column, and the header it gets unless one is given. */
const EXTRA_FIELDS: Record<CustomerField, { header: string; format: CellFormat; kind: GuardedColumnKind }> = {
  customerId: { header: 'Customer ID', format: 'text', kind: 'text' },
  email: { header: 'Email', format: 'email', kind: 'text' },
  phone: { header: 'Phone', format: 'phone', kind: 'phone' },
  firstName: { header: 'First name', format: 'text', kind: 'text' },
  lastName: { header: 'Last name', format: 'text', kind: 'text' },
  city: { header: 'City', format: 'text', kind: 'text' },
  region: { header: 'Region', format: 'text', kind: 'text' },
  country: { header: 'Country', format: 'country', kind: 'text' },
  zip: { header: 'Zip', format: 'zip', kind: 'text' },
  value: { header: 'Predicted value', format: 'number', kind: 'text' },
  emailConsent: { header: 'Email consent', format: 'yes-no', kind: 'text' },
  smsConsent: { header: 'SMS consent', format: 'yes-no', kind: 'text' },
  tags: { header: 'Tags', format: 'list', kind: 'text' },
  segment: { header: 'Segment', format: 'text', kind: 'text' },
  clvBand: { header: 'Value band', format: 'text', kind: 'text' },
  recs: { header: 'Recommended products', format: 'list', kind: 'text' },
  offer: { header: 'Offer', format: 'text', kind: 'text' },
  coupon: { header: 'Coupon', format: 'text', kind: 'text' },
};

export interface ExtraColumn {
  field: CustomerField;
  /** The field's usual header (`Segment`, `Coupon`…) unless given. */
  header?: string;
}

export interface ExportOptions {
  fileType?: FileType;
  /** ISO-2 or a country name: where customers without a country live, for their phone numbers, zips and country. */
  defaultCountry?: string | null;
  /** Google only: SHA-256 the identifiers here rather than let Google Ads hash them. Meta is always hashed. */
  hashed?: boolean;
  /** Google only: drop dots before `@gmail.com` (see contact-normalise.ts for why this is not the default). */
  removeGmailDots?: boolean;
  /** Klaviyo only: the identifier every row must have, and the first column (`Email Address` or `Phone Number`). */
  identifier?: Identifier;
  delimiter?: Delimiter;
  encoding?: ExportEncoding;
  bom?: boolean;
  /** Written after the destination's own columns, in this order. */
  extraColumns?: readonly ExtraColumn[];
}

type CellWriter = (record: CustomerRecord, row: RowContext) => string;

interface CellOptions {
  hashed: boolean;
  removeGmailDots: boolean;
  /** UTF-8 bytes a text cell may hold. */
  maxBytes: number | undefined;
}

/** What a row's cells share, worked out once per row. */
interface RowContext {
  email: Checked | null;
  phone: Checked | null;
  country: string | null;
  /** Cells cut to the destination's length limit so far. */
  truncated: number;
}

/** A preset with the user's choices applied and checked: everything `formatRow` needs. */
export interface ExportPlan {
  preset: DestinationPreset;
  fileType: FileType;
  /** Null for XLSX. */
  csv: { delimiter: Delimiter; encoding: ExportEncoding; bom: boolean } | null;
  hashed: boolean;
  identifiers: readonly Identifier[];
  headers: readonly string[];
  /** Per column, for the CSV and XLSX writers' formula guards. */
  kinds: readonly GuardedColumnKind[];
  /** The record fields the cells are made from; every row also reads `email`, `phone` and `country`. */
  fields: readonly CustomerField[];
  /** Internal: what `rowFormatter` builds its cell writers from. */
  readonly columns: readonly ColumnSpec[];
  readonly cellOptions: CellOptions;
  readonly defaultCountry: string | null;
}

export function planExport(destination: DestinationId, options: ExportOptions = {}): ExportPlan {
  const preset = DESTINATIONS[destination];
  const fileType = options.fileType ?? preset.fileTypes[0] ?? 'csv';
  if (!preset.fileTypes.includes(fileType)) {
    throw new CoreError(
      'VALIDATION',
      `${preset.label} takes ${preset.fileTypes.join(' or ')} files; choose one of those.`,
    );
  }
  const hashed = preset.hashing === 'always' || (preset.hashing === 'optional' && options.hashed === true);
  if (options.hashed && preset.hashing === 'never') {
    throw new CoreError('VALIDATION', `${preset.label} files are not hashed; turn hashing off for this export.`);
  }
  const defaultCountry = checkedDefaultCountry(options.defaultCountry);
  const identifier = options.identifier ?? 'email';
  const columns = destination === 'klaviyo' && identifier === 'phone' ? phoneFirst(preset.columns) : preset.columns;
  const all = [...columns, ...extraColumns(preset, options.extraColumns ?? [])];
  const duplicate = all.find((column, i) => all.findIndex((c) => sameHeader(c.header, column.header)) !== i);
  if (duplicate) {
    throw new CoreError('VALIDATION', `The column "${duplicate.header}" appears twice; give each column its own name.`);
  }
  const cellOptions = { hashed, removeGmailDots: options.removeGmailDots === true, maxBytes: preset.maxCellBytes };
  return {
    preset,
    fileType,
    csv: fileType === 'csv' ? csvChoices(preset, options) : null,
    hashed,
    identifiers: destination === 'klaviyo' ? [identifier] : preset.identifiers,
    // A header the user typed reaches the spreadsheet like any cell.
    headers: all.map((column) => neutraliseFormula(column.header)),
    kinds: all.map((column) => (hashed && column.hashed ? 'text' : column.kind)),
    fields: [...new Set(all.map((column) => column.field))],
    columns: all,
    cellOptions,
    defaultCountry,
  };
}

function checkedDefaultCountry(value: string | null | undefined): string | null {
  if (!value) return null;
  const code = normaliseCountry(value);
  if (!code) {
    throw new CoreError('VALIDATION', `"${value}" is not a country we know; choose the default country from the list.`);
  }
  return code;
}

/** Klaviyo reads the first column as the identifier: for an SMS list that is `Phone Number`. */
function phoneFirst(columns: readonly ColumnSpec[]): ColumnSpec[] {
  return [...columns.filter((column) => column.field === 'phone'), ...columns.filter((c) => c.field !== 'phone')];
}

function extraColumns(preset: DestinationPreset, extras: readonly ExtraColumn[]): ColumnSpec[] {
  if (extras.length > 0 && !preset.extraColumns) {
    throw new CoreError(
      'VALIDATION',
      `${preset.label} files take only their own identifier columns; remove the extra columns or export as CSV.`,
    );
  }
  return extras.map((extra) => {
    const spec = EXTRA_FIELDS[extra.field] as (typeof EXTRA_FIELDS)[CustomerField] | undefined;
    if (!spec) throw new CoreError('VALIDATION', `"${extra.field}" is not a customer field; pick one from the list.`);
    const header = extra.header?.trim() || spec.header;
    return { header, field: extra.field, format: spec.format, kind: spec.kind };
  });
}

const sameHeader = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function csvChoices(preset: DestinationPreset, options: ExportOptions): NonNullable<ExportPlan['csv']> {
  const delimiter = options.delimiter ?? preset.delimiters[0] ?? ',';
  if (!preset.delimiters.includes(delimiter)) {
    const names = preset.delimiters.map((d) => (d === '\t' ? 'tab' : `"${d}"`)).join(', ');
    throw new CoreError('VALIDATION', `${preset.label} CSV files are separated by ${names}; choose one of those.`);
  }
  const encoding = options.encoding ?? preset.encodings[0] ?? 'utf-8';
  if (!preset.encodings.includes(encoding)) {
    throw new CoreError(
      'VALIDATION',
      `${preset.label} reads ${preset.encodings.join(' or ')} files; choose one of those encodings.`,
    );
  }
  return { delimiter, encoding, bom: encoding === 'utf-8' && (options.bom ?? preset.bomByDefault) };
}

// ---------------------------------------------------------------------------------------------------------------
// Cells

/**
 * Fields whose values repeat across rows (first names, cities, countries, and a campaign's few segments, value
 * bands and offers): each distinct value is normalised, hashed and guarded once per column and export, which halves
 * the time of a Meta export. Emails, phones and coupon codes are nearly all distinct and skip the memo. Lists are
 * remembered by the array itself: a caller that hands the same array for the same products (the campaign export
 * does, for its frozen recommendations) gets the cell worked out once.
 */
const REPEATING_FIELDS: ReadonlySet<CustomerField> = new Set([
  'firstName',
  'lastName',
  'city',
  'region',
  'zip',
  'country',
  'segment',
  'clvBand',
  'offer',
  'recs',
]);
/** Distinct values remembered per column before the memo starts again, bounding its memory. */
const MEMO_LIMIT = 100_000;

function cellWriter(
  column: ColumnSpec,
  options: CellOptions,
  finish: ((cell: string) => string) | undefined,
): CellWriter {
  const normalise = normaliser(column, options);
  const made = finisher(column, options, normalise);
  const write: CellWriter = finish ? (record, row) => finish(made(record, row)) : made;
  return REPEATING_FIELDS.has(column.field) ? memoised(column.field, write) : write;
}

/** Hashes, or guards against formulas and cuts to length, whatever `normalise` gives. */
function finisher(column: ColumnSpec, context: CellOptions, normalise: CellWriter): CellWriter {
  if (context.hashed && column.hashed) {
    return (record, row) => {
      const value = normalise(record, row);
      return value === '' ? '' : sha256Hex(value);
    };
  }
  const guard = { kind: column.kind };
  const { maxBytes } = context;
  if (maxBytes === undefined) return (record, row) => neutraliseFormula(normalise(record, row), guard);
  return (record, row) => {
    const cell = neutraliseFormula(normalise(record, row), guard);
    const cut = truncateUtf8(cell, maxBytes);
    if (cut !== cell) row.truncated++;
    return cut;
  };
}

/** The cell for a raw value (and, for zips and regions, the row's country, which they depend on), worked out once. */
function memoised(field: CustomerField, write: CellWriter): CellWriter {
  const byCountry = new Map<string | null, Map<string | readonly string[], { cell: string; truncated: boolean }>>();
  const countryMatters = field === 'zip' || field === 'region';
  let remembered = 0;
  return (record, row) => {
    const raw = record[field];
    if (raw === '' || (typeof raw !== 'string' && !Array.isArray(raw))) return write(record, row);
    const country = countryMatters ? row.country : null;
    let entry = byCountry.get(country)?.get(raw);
    if (entry === undefined) {
      if (remembered >= MEMO_LIMIT) {
        byCountry.clear();
        remembered = 0;
      }
      const before = row.truncated;
      entry = { cell: write(record, row), truncated: row.truncated > before };
      let memo = byCountry.get(country);
      if (memo === undefined) {
        memo = new Map();
        byCountry.set(country, memo);
      }
      memo.set(raw, entry);
      remembered++;
    } else if (entry.truncated) {
      row.truncated++;
    }
    return entry.cell;
  };
}

const validValue = (checked: Checked | null): string => (checked?.ok ? checked.value : '');

function normaliser(column: ColumnSpec, context: CellOptions): CellWriter {
  const { field } = column;
  const { removeGmailDots } = context;
  switch (column.format) {
    case 'email':
      return (_, row) => validValue(row.email);
    case 'google-email':
      return (_, row) => (row.email?.ok ? googleEmail(row.email.value, { removeGmailDots }) : '');
    case 'phone':
      return (_, row) => validValue(row.phone);
    case 'meta-phone':
      return (_, row) => validValue(row.phone).slice(1);
    case 'country':
      return (_, row) => row.country ?? '';
    case 'meta-country':
      return (_, row) => (row.country ?? '').toLowerCase();
    case 'zip':
      return (record, row) => normaliseZip(record.zip, row.country) ?? '';
    case 'meta-zip':
      return (record, row) => metaZip(record.zip, row.country);
    case 'meta-letters':
      return (record) => metaLetters(textField(record, field));
    case 'meta-region':
      return (record, row) => metaRegion(record.region, row.country);
    case 'google-name':
      // Unhashed, Google normalises names itself, and a file people read keeps `Mary Ann` as written.
      if (!context.hashed) return (record) => cleanText(textField(record, field));
      return (record) => googleName(textField(record, field));
    case 'number':
      return (record) => formatNumber(record.value);
    case 'meta-value':
      // Meta refuses negative customer values.
      return (record) => ((record.value ?? -1) >= 0 ? formatNumber(record.value) : '');
    case 'list':
      return (record) => listField(record, field);
    case 'yes-no':
      return (record) => yesNo(consentField(record, field));
    case 'klaviyo-consent':
      return (record) => klaviyoConsent(consentField(record, field));
    case 'text':
      return (record) => cleanText(textField(record, field));
  }
}

function textField(record: CustomerRecord, field: CustomerField): string | null | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : null;
}

function consentField(record: CustomerRecord, field: CustomerField): boolean | null {
  const value = record[field];
  return typeof value === 'boolean' ? value : null;
}

/** Mailchimp reads tags separated by commas; recommendations read best as a short list. */
function listField(record: CustomerRecord, field: CustomerField): string {
  const value = record[field];
  if (!Array.isArray(value)) return cleanText(typeof value === 'string' ? value : null);
  return (value as readonly string[])
    .map((item) => cleanText(item))
    .filter((item) => item !== '')
    .join(field === 'tags' ? ',' : ', ');
}

/** Money-like values to the cent, without float noise such as 12.300000000000001. */
function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Math.round(value * 100) / 100);
}

const yesNo = (consent: boolean | null) => (consent === null ? '' : consent ? 'yes' : 'no');

/**
 * Klaviyo's consent values. Unknown consent is left blank, which Klaviyo reads as "Never subscribed" for a new
 * profile; writing "Never subscribed" would claim a refusal the shop never recorded. A refusal is written as
 * "Unsubscribed", the stricter of the two, since the project does not tell a refusal from an unsubscribe.
 */
function klaviyoConsent(consent: boolean | null): string {
  if (consent === null) return '';
  return consent ? 'Subscribe' : 'Unsubscribed';
}

/** Cuts text to `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isPair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : isPair ? 4 : 3;
    if (bytes + size > maxBytes) return text.slice(0, i);
    bytes += size;
    if (isPair) i++;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

export type SkipReason = 'no-email' | 'invalid-email' | 'no-phone' | 'invalid-phone' | 'no-email-or-phone';

export const SKIP_REASON_MESSAGES: Record<SkipReason, string> = {
  'no-email': 'No email address.',
  'invalid-email': 'The email address is not valid.',
  'no-phone': 'No phone number.',
  'invalid-phone': 'The phone number cannot be put in international form.',
  'no-email-or-phone': 'Neither a valid email address nor a valid phone number.',
};

export interface FormattedRow {
  ok: true;
  cells: string[];
  /** Cells cut to the destination's length limit. */
  truncated: number;
}

export interface SkippedRow {
  ok: false;
  reason: SkipReason;
  /** What was wrong with the identifier, when the row had one. */
  problem?: ContactProblem;
}

export type RowResult = FormattedRow | SkippedRow;

/**
 * Fills `cells` with one row's cells and returns how many were cut to the destination's length limit, or returns why
 * the row is skipped. Neither the record nor the cells are kept, so a caller may reuse both from row to row.
 */
export type RowFormatter = (record: CustomerRecord, cells: string[]) => number | SkippedRow;

/**
 * A formatter for a long run of rows. `finish`, when given, is applied to every cell after guarding and cutting, and
 * only once per distinct value of a repeating field: a file writer's quoting, for instance.
 */
export function rowFormatter(plan: ExportPlan, finish?: (cell: string) => string): RowFormatter {
  const writers = plan.columns.map((column) => cellWriter(column, plan.cellOptions, finish));
  const row: RowContext = { email: null, phone: null, country: null, truncated: 0 };
  return (record, cells) => {
    const country = normaliseCountryCached(record.country) ?? plan.defaultCountry;
    row.email = record.email ? normaliseEmail(record.email) : null;
    row.phone = record.phone ? normalisePhone(record.phone, country) : null;
    row.country = country;
    row.truncated = 0;
    const skip = missingIdentifier(plan.identifiers, row);
    if (skip) return skip;
    for (let i = 0; i < writers.length; i++) cells[i] = (writers[i] as CellWriter)(record, row);
    return row.truncated;
  };
}

/** Each plan's formatter for `formatRow`, so that its memo of repeating values lasts as long as the plan. */
const formatters = new WeakMap<ExportPlan, RowFormatter>();

export function formatRow(plan: ExportPlan, record: CustomerRecord): RowResult {
  let format = formatters.get(plan);
  if (!format) {
    format = rowFormatter(plan);
    formatters.set(plan, format);
  }
  const cells = new Array<string>(plan.columns.length);
  const result = format(record, cells);
  return typeof result === 'number' ? { ok: true, cells, truncated: result } : result;
}

function missingIdentifier(identifiers: readonly Identifier[], row: RowContext): SkippedRow | null {
  if (identifiers.length === 0 || identifiers.some((id) => row[id]?.ok)) return null;
  const invalid = identifiers.map((id) => row[id]).find((checked) => checked && !checked.ok);
  const problem = invalid && !invalid.ok ? { problem: invalid.problem } : {};
  if (identifiers.length > 1) return { ok: false, reason: 'no-email-or-phone', ...problem };
  const email = identifiers[0] === 'email';
  if (invalid) return { ok: false, reason: email ? 'invalid-email' : 'invalid-phone', ...problem };
  return { ok: false, reason: email ? 'no-email' : 'no-phone' };
}

/** Country is usually one of a few dozen strings repeated on every row; the name lookup runs once per string. */
const countryCache = new Map<string, string | null>();

function normaliseCountryCached(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let code = countryCache.get(raw);
  if (code === undefined) {
    if (countryCache.size >= MEMO_LIMIT) countryCache.clear();
    code = normaliseCountry(raw);
    countryCache.set(raw, code);
  }
  return code;
}

/** Skipped rows by reason, with the first few customers of each for the export summary. */
export class SkipTally {
  readonly counts: Partial<Record<SkipReason, number>> = {};
  readonly examples: { customerId: string; reason: SkipReason; problem?: ContactProblem }[] = [];
  total = 0;

  constructor(private readonly examplesPerReason = 20) {}

  add(customerId: string, result: SkippedRow): void {
    const count = (this.counts[result.reason] ?? 0) + 1;
    this.counts[result.reason] = count;
    this.total++;
    if (count <= this.examplesPerReason) {
      this.examples.push(
        result.problem
          ? { customerId, reason: result.reason, problem: result.problem }
          : { customerId, reason: result.reason },
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Warnings

export type ExportWarningCode = 'audience-too-small' | 'file-too-large' | 'text-truncated';

export interface ExportWarning {
  code: ExportWarningCode;
  message: string;
}

/**
 * What the user should hear about a finished export, given the rows written, the file's size in bytes and the sum
 * of the rows' `truncated` counts.
 */
export function exportWarnings(
  plan: ExportPlan,
  written: { rows: number; bytes?: number; truncatedCells?: number },
): ExportWarning[] {
  const { preset } = plan;
  const warnings: ExportWarning[] = [];
  if (preset.minAudience !== undefined && written.rows < preset.minAudience) {
    warnings.push({
      code: 'audience-too-small',
      message: `${preset.label} needs about ${preset.minAudience} matched people before it shows ads to an audience, and this list has ${written.rows} rows; widen the selection.`,
    });
  }
  if (preset.maxFileBytes !== undefined && (written.bytes ?? 0) > preset.maxFileBytes) {
    warnings.push({
      code: 'file-too-large',
      message: `${preset.label} accepts files up to ${preset.maxFileBytes / 1_000_000} MB; split the list into smaller exports.`,
    });
  }
  if ((written.truncatedCells ?? 0) > 0) {
    warnings.push({
      code: 'text-truncated',
      message: `${written.truncatedCells} values were longer than the ${preset.maxCellBytes} bytes ${preset.label} keeps and were shortened.`,
    });
  }
  return warnings;
}
