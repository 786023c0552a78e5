/**
 * Writes a campaign's contacted members (never the holdout) to a destination file, streamed page by page so that a
 * million-row export holds one page in memory, hashing the bytes on their way to disk. `exportCampaign` also logs
 * the export with the members it skipped, which tells who was contacted; `writeExportFile` alone re-creates a logged
 * file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, openSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import { finished } from 'node:stream/promises';
import { CONTACT_PROBLEM_MESSAGES } from '../io/contact-normalise';
import { quoteCsvCell } from '../io/csv-write';
import {
  DESTINATIONS,
  exportWarnings,
  planExport,
  rowFormatter,
  SKIP_REASON_MESSAGES,
  SkipTally,
  type CustomerField,
  type CustomerRecord,
  type ExportPlan,
} from '../io/destinations';
import { createXlsxWriter } from '../io/xlsx-write';
import type { ByteSink } from '../io/zip';
import {
  type CampaignExportOptions,
  type CampaignSpec,
  type ExportSummary,
  type PersonalField,
} from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { campaignInfo, RECS_SEPARATOR, toExportInfo, type Progress } from './campaign-store';
import { encodeText } from './text-encoders';

/**
 * Members read per statement. Each row read makes a JavaScript array and its strings; pages of a few thousand rows
 * die young, where pages of tens of thousands outlive the young generation and cost a third more in collection.
 */
const PAGE = 4_000;
/** Distinct recommendation lists remembered per export before the memo starts again, bounding its memory. */
const RECS_MEMO_LIMIT = 100_000;
/** A UTF-8 page's first buffer: room for a page of typical lines, grown when longer lines need it. */
const PAGE_BYTES = PAGE * 256;
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024;
const quiet: Progress = { progress: () => undefined, throwIfCancelled: () => undefined };

const PERSONAL_COLUMNS: Record<PersonalField, CustomerField> = {
  firstName: 'firstName',
  segment: 'segment',
  clvBand: 'clvBand',
  recs: 'recs',
  offer: 'offer',
  coupon: 'coupon',
};

export const MIME_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The personal fields the destination does not already carry, when it takes extra columns at all. */
function extraColumns(options: CampaignExportOptions, spec: CampaignSpec) {
  const preset = DESTINATIONS[options.preset];
  if (!preset.extraColumns) return [];
  const own = new Set(preset.columns.map((column) => column.field));
  return (options.fields ?? spec.fields)
    .map((field) => PERSONAL_COLUMNS[field])
    .filter((field) => !own.has(field))
    .map((field) => ({ field }));
}

export function planCampaignExport(options: CampaignExportOptions, spec: CampaignSpec): ExportPlan {
  return planExport(options.preset, {
    fileType: options.preset === 'xlsx' ? 'xlsx' : 'csv',
    defaultCountry: options.defaultCountry ?? null,
    hashed: options.hashed,
    ...(options.identifier && { identifier: options.identifier }),
    ...(options.delimiter && { delimiter: options.delimiter }),
    ...(options.encoding && { encoding: options.encoding }),
    ...(options.bom !== undefined && { bom: options.bom }),
    extraColumns: extraColumns(options, spec),
  });
}

/** A file name from the campaign's name and the destination: `Spring sale` → `spring-sale-mailchimp.csv`. */
export function exportFileName(campaignName: string, options: CampaignExportOptions): string {
  const slug = campaignName
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'campaign'}-${options.preset}.${options.preset === 'xlsx' ? 'xlsx' : 'csv'}`;
}

/** Refuses, before any file is made, an export whose every row would be skipped for want of an identifier. */
function checkIdentifiers(db: Db, campaignId: number, plan: ExportPlan): void {
  if (plan.identifiers.length === 0) return;
  const counts = db
    .prepare(
      `SELECT count(*) AS treated, count(nullif(trim(c.email), '')) AS email, count(nullif(trim(c.phone), '')) AS phone
       FROM campaign_members m JOIN customers c ON c.id = m.customer_id WHERE m.campaign_id = ? AND m.holdout = 0`,
    )
    .get(campaignId) as { treated: number; email: number; phone: number };
  if (plan.identifiers.some((identifier) => counts[identifier] > 0)) return;
  const label = plan.preset.label;
  const wanted =
    plan.identifiers.length > 1
      ? 'an email address or a phone number'
      : plan.identifiers[0] === 'email'
        ? 'an email address'
        : 'a phone number';
  throw new CoreError(
    'VALIDATION',
    `None of the ${counts.treated} customers this campaign contacts has ${wanted}, so a ${label} file would be empty. ` +
      'Import a customers file with contact details, or export as CSV or Excel.',
  );
}

/** Columns of a member page, as raw arrays (cheaper than an object per row). */
const enum M {
  id,
  externalId,
  email,
  phone,
  firstName,
  lastName,
  city,
  region,
  country,
  zip,
  emailConsent,
  smsConsent,
  segment,
  value,
  valueBand,
  offer,
  coupon,
  recs,
}
type MemberRow = (string | number | null)[];

/** What each column of a member page reads, in `M` order, and the record field that needs it. */
const MEMBER_COLUMNS: readonly [sql: string, field: CustomerField | null][] = [
  ['m.customer_id', null],
  ['c.external_id', null],
  ['c.email', null],
  ['c.phone', null],
  ['c.first_name', 'firstName'],
  ['c.last_name', 'lastName'],
  ['c.city', 'city'],
  ['c.region', 'region'],
  ['c.country', null],
  ['c.zip', 'zip'],
  ['c.email_consent', 'emailConsent'],
  ['c.sms_consent', 'smsConsent'],
  ['m.segment', 'segment'],
  ['m.value', 'value'],
  ['m.value_band', 'clvBand'],
  ['m.offer', 'offer'],
  ['m.coupon', 'coupon'],
  ['m.recs', 'recs'],
];

/**
 * Contacted members in customer id order, a page after `after`: one range of the members' primary key. Columns the
 * plan does not use are read as NULL, which costs no string; the id, external id (named in the skip list), email,
 * phone and country are always read, as every row is checked for an identifier.
 */
function memberPageSql(plan: ExportPlan): string {
  const used = new Set(plan.fields);
  const columns = MEMBER_COLUMNS.map(([sql, field]) => (field === null || used.has(field) ? sql : 'NULL'));
  return `SELECT ${columns.join(', ')}
  FROM campaign_members m JOIN customers c ON c.id = m.customer_id
  WHERE m.campaign_id = :campaign AND m.customer_id > :after AND m.holdout = 0 ORDER BY m.customer_id LIMIT :limit`;
}

const consent = (flag: string | number | null | undefined) => (flag === null || flag === undefined ? null : flag === 1);

/**
 * Turns page rows into one record, refilled for every row (the formatter keeps neither). The tables are STRICT, so a
 * text column holds text or NULL. A recommendation list is split once per distinct value and handed over as the same
 * array each time, which lets the formatter work out its cell once.
 */
function memberReader(): (row: MemberRow) => CustomerRecord {
  const record: CustomerRecord = {};
  const lists = new Map<string, string[]>();
  return (row) => {
    const recs = row[M.recs] as string | null;
    let list: string[] | null = null;
    if (recs !== null) {
      list = lists.get(recs) ?? null;
      if (list === null) {
        if (lists.size >= RECS_MEMO_LIMIT) lists.clear();
        list = recs.split(RECS_SEPARATOR);
        lists.set(recs, list);
      }
    }
    record.customerId = row[M.externalId] as string | null;
    record.email = row[M.email] as string | null;
    record.phone = row[M.phone] as string | null;
    record.firstName = row[M.firstName] as string | null;
    record.lastName = row[M.lastName] as string | null;
    record.city = row[M.city] as string | null;
    record.region = row[M.region] as string | null;
    record.country = row[M.country] as string | null;
    record.zip = row[M.zip] as string | null;
    record.value = row[M.value] as number | null;
    record.emailConsent = consent(row[M.emailConsent]);
    record.smsConsent = consent(row[M.smsConsent]);
    record.segment = row[M.segment] as string | null;
    record.clvBand = row[M.valueBand] as string | null;
    record.recs = list;
    record.offer = row[M.offer] as string | null;
    record.coupon = row[M.coupon] as string | null;
    return record;
  };
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
  truncatedCells: number;
  skipped: SkipTally;
  /** Customer ids of the skipped members: they were not contacted. */
  skippedIds: number[];
  plan: ExportPlan;
}

/** Opens the file now, so that a folder that cannot be written is reported before any work is done. */
function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (error as Error).message;
    throw new CoreError(
      'VALIDATION',
      `Cannot write ${path} (${reason}). Choose a folder you can write to; the campaign is saved and can be exported again.`,
    );
  }
}

export async function writeExportFile(
  db: Db,
  campaignId: number,
  options: CampaignExportOptions,
  path: string,
  progress: Progress = quiet,
): Promise<WrittenFile> {
  const campaign = campaignInfo(db, campaignId);
  const plan = planCampaignExport(options, campaign.spec);
  checkIdentifiers(db, campaignId, plan);
  const fd = openOutput(path);
  // Room for a couple of pages, so that the disk writes one page while the next is formatted.
  const stream = createWriteStream(path, { fd, highWaterMark: WRITE_BUFFER_BYTES });
  const hash = createHash('sha256');
  let bytes = 0;
  const sink: ByteSink = (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
    if (!stream.write(chunk)) return once(stream, 'drain').then(() => undefined);
  };
  const written: WrittenFile = {
    rows: 0,
    bytes: 0,
    sha256: '',
    truncatedCells: 0,
    skipped: new SkipTally(),
    skippedIds: [],
    plan,
  };
  try {
    await writeRows(db, campaignId, campaign.funnel.treated, plan, sink, written, progress);
    stream.end();
    await finished(stream);
  } catch (error) {
    stream.destroy();
    rmSync(path, { force: true });
    if (error instanceof CoreError || (error as Error).name === 'JobCancelled') throw error;
    throw new CoreError(
      'VALIDATION',
      `Writing ${basename(path)} failed (${(error as Error).message}). Free some disk space or choose another folder; the campaign is saved.`,
    );
  }
  written.bytes = bytes;
  written.sha256 = hash.digest('hex');
  return written;
}

/** Where formatted rows go: the CSV text of a page, encoded and handed on when the page ends, or the XLSX writer. */
interface RowOutput {
  add(cells: readonly string[]): Promise<void> | void;
  endPage(): Promise<void> | void;
  finish(): Promise<void>;
}

/**
 * Each line is joined from cells that come quoted (`quoteCsvCell`, through the formatter, so that a value repeated on
 * many rows is quoted once) and written into the page's bytes at once: UTF-8 straight into a buffer, other encodings
 * through their encoder when the page ends. Either way no page-long string is built and flattened.
 */
function csvOutput(csv: NonNullable<ExportPlan['csv']>, headers: readonly string[], sink: ByteSink): RowOutput {
  const { delimiter, encoding, bom } = csv;
  const header = (bom ? '\ufeff' : '') + csvLine(headers.map(quoteCsvCell), delimiter);
  if (encoding !== 'utf-8') {
    let lines = [header];
    const endPage = async () => {
      if (lines.length === 0) return;
      const text = lines.join('');
      lines = [];
      await sink(encodeText(text, encoding));
    };
    return { add: (cells) => void lines.push(csvLine(cells, delimiter)), endPage, finish: endPage };
  }
  // Handed to the sink, which may still hold it: each page gets a buffer of its own.
  let page = Buffer.allocUnsafe(PAGE_BYTES);
  let used = page.write(header);
  const endPage = async () => {
    if (used === 0) return;
    const bytes = page.subarray(0, used);
    page = Buffer.allocUnsafe(PAGE_BYTES);
    used = 0;
    await sink(bytes);
  };
  return {
    add(cells) {
      const line = csvLine(cells, delimiter);
      // Three bytes per UTF-16 unit at most.
      if (used + line.length * 3 > page.length) {
        const larger = Buffer.allocUnsafe(Math.max(page.length * 2, used + line.length * 3));
        page.copy(larger, 0, 0, used);
        page = larger;
      }
      used += page.write(line, used);
    },
    endPage,
    finish: endPage,
  };
}

function csvLine(cells: readonly string[], delimiter: string): string {
  let line = cells[0] ?? '';
  for (let j = 1; j < cells.length; j++) line += delimiter + (cells[j] as string);
  return `${line}\r\n`;
}

function xlsxOutput(plan: ExportPlan, sink: ByteSink): RowOutput {
  const xlsx = createXlsxWriter(sink, {
    sheetName: 'Campaign',
    columns: plan.headers.map((header, j) => ({ header, kind: plan.kinds[j] ?? 'text' })),
  });
  return { add: (cells) => xlsx.addRow(cells), endPage: () => undefined, finish: () => xlsx.finish() };
}

async function writeRows(
  db: Db,
  campaignId: number,
  treated: number,
  plan: ExportPlan,
  sink: ByteSink,
  written: WrittenFile,
  progress: Progress,
): Promise<void> {
  const page = db.prepare(memberPageSql(plan)).raw();
  const output = plan.csv ? csvOutput(plan.csv, plan.headers, sink) : xlsxOutput(plan, sink);
  const format = rowFormatter(plan, plan.csv ? quoteCsvCell : undefined);
  const toRecord = memberReader();
  const cells = new Array<string>(plan.headers.length);
  let after = 0;
  let done = 0;
  for (;;) {
    progress.throwIfCancelled();
    const rows = page.all({ campaign: campaignId, after, limit: PAGE }) as MemberRow[];
    for (const row of rows) {
      const result = format(toRecord(row), cells);
      if (typeof result === 'number') {
        written.rows++;
        written.truncatedCells += result;
        const pending = output.add(cells);
        if (pending) await pending;
      } else {
        written.skipped.add(String(row[M.externalId]), result);
        written.skippedIds.push(row[M.id] as number);
      }
    }
    await output.endPage();
    done += rows.length;
    progress.progress(treated === 0 ? 1 : Math.min(0.99, done / treated), 'writing');
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as MemberRow)[M.id] as number;
  }
  await output.finish();
}

/** Writes the file and logs the export with the audience definition and the members it skipped (not contacted). */
export async function exportCampaign(
  db: Db,
  campaignId: number,
  options: CampaignExportOptions,
  path: string,
  progress: Progress = quiet,
  now = Date.now(),
): Promise<ExportSummary> {
  const campaign = campaignInfo(db, campaignId);
  const file = await writeExportFile(db, campaignId, options, path, progress);
  const exportId = db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO campaign_exports (campaign_id, exported_at, preset, options_json, file_name, file_path, sha256,
             bytes, rows, skipped, audience_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          campaignId,
          now,
          options.preset,
          JSON.stringify(options),
          basename(path),
          path,
          file.sha256,
          file.bytes,
          file.rows,
          file.skipped.total,
          JSON.stringify(campaign.spec),
        ).lastInsertRowid,
    );
    const skip = db.prepare('INSERT INTO campaign_export_skips (export_id, customer_id) VALUES (?, ?)');
    for (const customerId of file.skippedIds) skip.run(id, customerId);
    return id;
  })();
  progress.progress(1, null);
  const row = db.prepare('SELECT * FROM campaign_exports WHERE id = ?').get(exportId) as Parameters<
    typeof toExportInfo
  >[0];
  return {
    ...toExportInfo(row),
    skippedByReason: { ...file.skipped.counts },
    examples: file.skipped.examples.map((example) => ({
      customerId: example.customerId,
      reason: example.reason,
      message: example.problem ? CONTACT_PROBLEM_MESSAGES[example.problem] : SKIP_REASON_MESSAGES[example.reason],
    })),
    warnings: [
      ...exportWarnings(file.plan, { rows: file.rows, bytes: file.bytes, truncatedCells: file.truncatedCells }),
      ...(options.preset === 'meta' && campaign.funnel.treated > 0 && !hasValues(db, campaignId)
        ? [
            {
              code: 'no-value',
              message:
                'There are no lifetime value predictions for these customers, so the value column is empty; run Lifetime value in Models and create the campaign again.',
            },
          ]
        : []),
    ],
  };
}

function hasValues(db: Db, campaignId: number): boolean {
  return (
    db
      .prepare('SELECT 1 FROM campaign_members WHERE campaign_id = ? AND holdout = 0 AND value IS NOT NULL LIMIT 1')
      .get(campaignId) !== undefined
  );
}
