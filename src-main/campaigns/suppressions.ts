/**
 * The do-not-contact list: unsubscribes, bounces and complaints exported from email tools, and names the shop
 * adds by hand. Kept as SHA-256 of the normalised email, E.164 phone or customer id, so the list itself names
 * nobody; a campaign leaves out every customer whose email, phone or id hashes to an entry.
 */
import { basename } from 'node:path';
import {
  CONTACT_PROBLEM_MESSAGES,
  normaliseCountry,
  normaliseEmail,
  normalisePhone,
  sha256Hex,
} from '../io/contact-normalise';
import {
  SUPPRESSION_REASONS,
  type SuppressionReason,
  type SuppressionSummary,
  type SuppressReport,
} from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import type { Progress } from './campaign-store';
import { identifierColumns, readTableFile } from './table-file';

const INVALID_EXAMPLES = 20;
/** Rows added between two looks at the cancel flag. */
const ADD_CHUNK = 10_000;

export function suppressionSummary(db: Db): SuppressionSummary {
  const byReason = Object.fromEntries(SUPPRESSION_REASONS.map((reason) => [reason, 0])) as Record<
    SuppressionReason,
    number
  >;
  const rows = db.prepare('SELECT reason, count(*) AS n FROM suppressions GROUP BY reason').all() as {
    reason: SuppressionReason;
    n: number;
  }[];
  for (const row of rows) byReason[row.reason] = row.n;
  return { total: rows.reduce((sum, row) => sum + row.n, 0), byReason };
}

export function clearSuppressions(db: Db): SuppressionSummary {
  db.exec('DELETE FROM suppressions');
  return suppressionSummary(db);
}

export interface SuppressOptions {
  reason: SuppressionReason;
  fileName?: string | undefined;
  /** Where phone numbers without a country code are from. */
  defaultCountry?: string | undefined;
  now?: number;
}

/**
 * `progress`, when given, hears the stage (reading, adding) and may cancel between them and every few thousand rows;
 * a cancelled file adds nothing, as the rows go in in one transaction.
 */
export async function importSuppressions(
  db: Db,
  path: string,
  options: SuppressOptions,
  progress?: Progress,
): Promise<SuppressReport> {
  const fileName = options.fileName ?? basename(path);
  const country = options.defaultCountry ? normaliseCountry(options.defaultCountry) : null;
  if (options.defaultCountry && !country) {
    throw new CoreError(
      'VALIDATION',
      `"${options.defaultCountry}" is not a country we know; choose one from the list.`,
    );
  }
  progress?.progress(0, 'reading');
  const { header, rows } = await readTableFile(path, fileName);
  progress?.throwIfCancelled();
  const columns = identifierColumns(header);
  if (columns.email < 0 && columns.phone < 0 && columns.customer < 0) {
    throw new CoreError(
      'VALIDATION',
      `${fileName} has no email, phone or customer id column (its columns: ${header.join(', ')}); name one "Email", "Phone" or "Customer ID".`,
    );
  }
  const insert = db.prepare(
    'INSERT OR IGNORE INTO suppressions (hash, kind, reason, source, added_at) VALUES (?, ?, ?, ?, ?)',
  );
  const now = options.now ?? Date.now();
  let added = 0;
  let duplicates = 0;
  const invalidExamples: SuppressReport['invalidExamples'] = [];
  let invalid = 0;
  const addRow = (row: string[], index: number): void => {
    const keys: [kind: string, value: string][] = [];
    let problem: string | null = null;
    let shown = '';
    const email = columns.email >= 0 ? (row[columns.email] ?? '').trim() : '';
    const phone = columns.phone >= 0 ? (row[columns.phone] ?? '').trim() : '';
    const customer = columns.customer >= 0 ? (row[columns.customer] ?? '').trim() : '';
    if (email) {
      const checked = normaliseEmail(email);
      if (checked.ok) keys.push(['email', checked.value]);
      else [problem, shown] = [CONTACT_PROBLEM_MESSAGES[checked.problem], email];
    }
    if (phone) {
      const checked = normalisePhone(phone, country);
      if (checked.ok) keys.push(['phone', checked.value]);
      else [problem, shown] = [CONTACT_PROBLEM_MESSAGES[checked.problem], phone];
    }
    if (customer) keys.push(['customer', customer]);
    if (keys.length === 0) {
      invalid++;
      if (invalidExamples.length < INVALID_EXAMPLES) {
        invalidExamples.push({ row: index + 2, value: shown, problem: problem ?? 'The row has no value to match.' });
      }
      return;
    }
    for (const [kind, value] of keys) {
      if (insert.run(sha256Hex(value), kind, options.reason, fileName, now).changes > 0) added++;
      else duplicates++;
    }
  };
  db.transaction(() => {
    for (let start = 0; start < rows.length; start += ADD_CHUNK) {
      progress?.throwIfCancelled();
      progress?.progress(0.3 + (0.7 * start) / rows.length, 'adding');
      const end = Math.min(rows.length, start + ADD_CHUNK);
      for (let index = start; index < end; index++) addRow(rows[index] as string[], index);
    }
  })();
  return { fileName, rows: rows.length, added, duplicates, invalid, invalidExamples, summary: suppressionSummary(db) };
}

/** A customer's details as the matcher reads them; the caller may leave out (null) those of kinds the list lacks. */
export interface ContactDetails {
  externalId: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
}

export interface SuppressionMatcher {
  /** The kinds of value the list holds: the only details `matches` reads. */
  kinds: ReadonlySet<SuppressionKind>;
  matches(customer: ContactDetails): boolean;
}

export type SuppressionKind = 'email' | 'phone' | 'customer';

/**
 * A test for "is this customer on the list", or null when the list is empty. Only the kinds of value the list holds
 * are normalised and hashed: a million customers cost a second per kind.
 */
export function suppressionMatcher(db: Db): SuppressionMatcher | null {
  const rows = db.prepare('SELECT hash, kind FROM suppressions').raw().all() as [string, SuppressionKind][];
  if (rows.length === 0) return null;
  const hashes = new Set(rows.map(([hash]) => hash));
  const kinds = new Set(rows.map(([, kind]) => kind));
  const countries = new Map<string, string | null>();
  const countryOf = (raw: string | null) => {
    if (!raw) return null;
    let code = countries.get(raw);
    if (code === undefined) countries.set(raw, (code = normaliseCountry(raw)));
    return code;
  };
  const matches = (customer: ContactDetails) => {
    if (kinds.has('customer') && customer.externalId !== null && hashes.has(sha256Hex(customer.externalId))) {
      return true;
    }
    if (kinds.has('email') && customer.email) {
      const email = normaliseEmail(customer.email);
      if (email.ok && hashes.has(sha256Hex(email.value))) return true;
    }
    if (!kinds.has('phone') || !customer.phone) return false;
    const phone = normalisePhone(customer.phone, countryOf(customer.country));
    return phone.ok && hashes.has(sha256Hex(phone.value));
  };
  return { kinds, matches };
}
