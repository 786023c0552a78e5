import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, CsvParser, parseCsv } from '../io/csv';
import { createDecoder, detectEncoding, type EncodingGuess, type EncodingName } from '../io/encoding';
import { detectHeaderRow, sniffDelimiter, type Delimiter, type DelimiterGuess } from '../io/sniff';
import { excelSerialToEpochMs } from '../io/dates';
import { openXlsx, XlsxError, type XlsxCell } from '../io/xlsx-read';
import { CoreError } from '../shared/errors';

/**
 * A file to import, read the same way whatever it is: records of text cells. XLSX values become the text a CSV
 * export of them would hold (numbers plainly, dates as ISO), so that one set of parsers serves both.
 */
export type SourceFormat = 'csv' | 'xlsx';

export interface SourceLayout {
  format: SourceFormat;
  encoding: EncodingGuess | null;
  delimiter: DelimiterGuess | null;
  headerRow: number;
  sheets: string[];
  sheet: string | null;
}

export interface LayoutOverrides {
  encoding?: EncodingName | undefined;
  delimiter?: Delimiter | undefined;
  headerRow?: number | undefined;
  sheet?: string | undefined;
}

export interface RecordBatch {
  /** Records in file order; `firstRecord` is the 1-based record number of the first, header included. */
  records: string[][];
  firstRecord: number;
  /** Share of the file read so far, 0..1. */
  progress: number;
}

const SAMPLE_BYTES = 256 * 1024;
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0];

function unreadable(name: string, why: string): CoreError {
  return new CoreError('IMPORT_UNREADABLE', `${name}: ${why}`);
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}

/** An XLSX workbook (a ZIP file), as opposed to a text table; from its first bytes. */
export function isWorkbook(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(ZIP_SIGNATURE.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && startsWith(head, ZIP_SIGNATURE);
  } finally {
    closeSync(fd);
  }
}

function readSample(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SAMPLE_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Cut at the last line end, so that a partial sample never ends in half a record. */
function wholeLines(text: string): string {
  const end = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return end > 0 ? text.slice(0, end) : text;
}

/** Text tables have no NUL bytes and few control characters; a binary file renamed .csv has many. */
function looksBinary(text: string): boolean {
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return true;
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) control++;
  }
  return control > text.length * 0.01;
}

export function xlsxCellText(cell: XlsxCell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return new Date(excelSerialToEpochMs(cell.excelSerial)).toISOString().slice(0, 19);
}

function asUnreadable(name: string, error: unknown): never {
  if (error instanceof XlsxError) throw unreadable(name, error.message);
  if (error instanceof CsvError) throw unreadable(name, `line ${error.line}: ${error.message}`);
  throw error;
}

export interface SourceSample {
  layout: SourceLayout;
  records: string[][];
}

/** Detects the layout from the start of the file and returns its first records, for the preview. */
export async function sampleSource(path: string, overrides: LayoutOverrides, maxRecords = 200): Promise<SourceSample> {
  const name = basename(path);
  const size = statSync(path).size;
  if (size === 0) throw unreadable(name, 'the file is empty. Export the data again and pick the new file.');
  const head = readSample(path);
  if (startsWith(head, OLE_SIGNATURE)) {
    throw unreadable(
      name,
      'this is an old Excel .xls file or a password-protected workbook. Open it in Excel and save it as .xlsx (without a password) or as CSV.',
    );
  }
  if (startsWith(head, ZIP_SIGNATURE)) return sampleXlsx(path, name, overrides, maxRecords);

  const encoding = overrides.encoding
    ? { encoding: overrides.encoding, bom: false, confidence: 'certain' as const, reason: 'Chosen by you.' }
    : detectEncoding(head);
  const decoder = createDecoder(encoding.encoding);
  const whole = head.length < SAMPLE_BYTES;
  const decoded = decoder.decode(head) + (whole ? decoder.end() : '');
  const text = whole ? decoded : wholeLines(decoded);
  if (looksBinary(text)) {
    throw unreadable(name, 'this does not look like a text table (CSV, TSV or TXT) or an Excel .xlsx file.');
  }
  const delimiter: DelimiterGuess = overrides.delimiter
    ? { delimiter: overrides.delimiter, confidence: 'certain', fieldCount: 0, reason: 'Chosen by you.' }
    : sniffDelimiter(text);
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter: delimiter.delimiter });
  } catch (error) {
    asUnreadable(name, error);
  }
  const headerRow = overrides.headerRow ?? detectHeaderRow(records);
  return {
    layout: { format: 'csv', encoding, delimiter, headerRow, sheets: [], sheet: null },
    records: records.slice(0, headerRow + 1 + maxRecords),
  };
}

async function sampleXlsx(path: string, name: string, overrides: LayoutOverrides, maxRecords: number) {
  try {
    const workbook = openXlsx(readFileSync(path));
    const sheet = overrides.sheet ?? workbook.sheetNames[0] ?? null;
    const records: string[][] = [];
    for await (const batch of workbook.rows(sheet ?? undefined)) {
      for (const row of batch) records.push(row.cells.map(xlsxCellText));
      if (records.length > maxRecords + 20) break;
    }
    const headerRow = overrides.headerRow ?? detectHeaderRow(records);
    return {
      layout: {
        format: 'xlsx' as const,
        encoding: null,
        delimiter: null,
        headerRow,
        sheets: [...workbook.sheetNames],
        sheet,
      },
      records: records.slice(0, headerRow + 1 + maxRecords),
    };
  } catch (error) {
    asUnreadable(name, error);
  }
}

/**
 * Streams every record of the file in batches, header rows included, with progress by bytes read. `onBytes` sees
 * every byte of the file once (the import hashes it on the way instead of reading the file twice).
 */
export async function* readRecords(
  path: string,
  layout: SourceLayout,
  onBytes: (bytes: Uint8Array) => void = () => undefined,
): AsyncGenerator<RecordBatch> {
  const name = basename(path);
  if (layout.format === 'xlsx') {
    try {
      const bytes = readFileSync(path);
      onBytes(bytes);
      const workbook = openXlsx(bytes);
      let next = 1;
      for await (const batch of workbook.rows(layout.sheet ?? undefined)) {
        const records = batch.map((row) => row.cells.map(xlsxCellText));
        yield { records, firstRecord: next, progress: 0.5 };
        next += records.length;
      }
    } catch (error) {
      asUnreadable(name, error);
    }
    return;
  }
  const size = statSync(path).size;
  const decoder = createDecoder(layout.encoding?.encoding ?? 'utf-8');
  const parser = new CsvParser({ delimiter: layout.delimiter?.delimiter ?? ',' });
  let read = 0;
  let next = 1;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      read += (chunk as Buffer).length;
      onBytes(chunk as Buffer);
      const records = parser.push(decoder.decode(chunk as Buffer));
      if (records.length === 0) continue;
      yield { records, firstRecord: next, progress: read / size };
      next += records.length;
    }
    const records = [...parser.push(decoder.end()), ...parser.end()];
    if (records.length > 0) yield { records, firstRecord: next, progress: 1 };
  } catch (error) {
    asUnreadable(name, error);
  }
}
