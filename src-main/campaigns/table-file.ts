/**
 * Suppression lists and campaign results arrive as whatever the email tool exports: CSV in any encoding or
 * delimiter, or XLSX. They are read with the import's own layout detection, and their columns found by name.
 */
import { basename } from 'node:path';
import { readRecords, sampleSource } from '../import/source';
import { CoreError } from '../shared/errors';
import { FIELDS, normaliseHeader } from '../shared/import-fields';

export interface TableFile {
  header: string[];
  /** Data rows, each padded to the header's length. */
  rows: string[][];
}

export async function readTableFile(path: string, fileName = basename(path)): Promise<TableFile> {
  const { layout } = await sampleSource(path, {});
  let header: string[] | null = null;
  const rows: string[][] = [];
  let recordNo = 0;
  for await (const batch of readRecords(path, layout)) {
    for (const record of batch.records) {
      if (recordNo++ < layout.headerRow) continue;
      if (header === null) header = record.map((cell) => cell.trim());
      else if (record.some((cell) => cell.trim() !== '')) rows.push(record);
    }
  }
  if (header === null || rows.length === 0) {
    throw new CoreError(
      'IMPORT_UNREADABLE',
      `${fileName} has no rows under its header; check that it is the right file.`,
    );
  }
  return { header, rows };
}

/** Names a results or suppression file may give its identifier columns, beyond the import's own aliases. */
const ID_ALIASES = {
  email: [...FIELDS.email.aliases, 'emailaddress', 'email_address', 'recipient', 'subscriber'],
  phone: [...FIELDS.phone.aliases, 'sms', 'phonenumber', 'mobilenumber'],
  customer: [...FIELDS.customer_id.aliases, 'customer_id', 'externalid', 'id'],
} as const;

export type IdentifierColumn = keyof typeof ID_ALIASES;

/** The index of the first header matching one of `aliases` (compared as import headers are), or -1. */
export function findColumn(header: readonly string[], aliases: readonly string[]): number {
  const wanted = new Set(aliases.map(normaliseHeader));
  return header.findIndex((name) => wanted.has(normaliseHeader(name)));
}

export function identifierColumns(header: readonly string[]): Record<IdentifierColumn, number> {
  return {
    email: findColumn(header, ID_ALIASES.email),
    phone: findColumn(header, ID_ALIASES.phone),
    customer: findColumn(header, ID_ALIASES.customer),
  };
}
