/**
 * Writes a one-sheet .xlsx file as a stream, for campaign exports of any size: rows go out as they are added,
 * compressed in blocks, with backpressure from the output, so memory stays flat however many rows there are.
 *
 * The sheet has a bold, frozen header row. Text is written as inline strings (no shared-strings table to hold in
 * memory), guarded against formula injection (formula-guard.ts) because users re-save exports as CSV; numbers as
 * numbers; booleans as booleans; dates as Excel dates (UTC wall-clock time, Excel having no time zones).
 * The bytes depend only on the rows and options, so re-creating an export gives the same file.
 */
import type { Writable } from 'node:stream';
import { finished as streamFinished } from 'node:stream/promises';
import { neutraliseFormula, type GuardedColumnKind } from './formula-guard';
import { epochMsToExcelSerial } from './xlsx-read';
import { streamSink, ZipWriter, type ByteSink, type ZipFileStream } from './zip';

export type XlsxValue = string | number | boolean | Date | null | undefined;

export interface XlsxColumn {
  header: string;
  /** 'phone' lets E.164 numbers keep their leading `+` (see formula-guard.ts). 'text' unless given. */
  kind?: GuardedColumnKind;
  /** In characters; from the header's length unless given. */
  width?: number;
}

export interface XlsxWriterOptions {
  /** Made valid for Excel if it is not (no `[]:*?/\`, at most 31 characters); 'Sheet1' unless given. */
  sheetName?: string;
  columns: readonly XlsxColumn[];
  /**
   * zlib level. 1 unless given: level 1 already shrinks sheet XML about 12-fold, and level 6 makes the file a third
   * smaller for a third more CPU time (bench/xlsx.ts), which a million-row export in under 10 s cannot spare.
   */
  compressionLevel?: number;
}

export interface XlsxWriter {
  /**
   * Adds a row: one value per column, in column order; `null`, `undefined` and `''` leave the cell empty. Await the
   * result: it is a promise when the output needs time to take what has been written, and nothing otherwise.
   */
  addRow(values: readonly XlsxValue[]): Promise<void> | undefined;
  /** Completes the file. A stream given as the output is ended, and this resolves once it has finished. */
  finish(): Promise<void>;
  /** Data rows added so far, the header not counted. */
  readonly rowCount: number;
}

/** Rows in an Excel sheet, the header included: Excel drops what lies beyond. */
export const XLSX_MAX_ROWS = 1_048_576;
/** Characters Excel keeps in a cell. */
export const XLSX_MAX_CELL_TEXT = 32_767;
const XLSX_MAX_COLUMNS = 16_384;

/**
 * Rows are written to the output on a stream, or to a function that receives the bytes (and may return a
 * promise for backpressure). If writing fails the output is left as it is: the caller removes the partial file.
 */
export function createXlsxWriter(output: Writable | ByteSink, options: XlsxWriterOptions): XlsxWriter {
  return new StreamingXlsxWriter(output, options);
}

const STYLE_HEADER = 1;
const STYLE_DATE = 2;
const STYLE_DATE_TIME = 3;
const MS_PER_DAY = 86_400_000;
/**
 * Sheet XML is encoded straight into buffers of this size, which go to the compressor whole: that is cheaper
 * than concatenating strings and encoding them afterwards, and it is what the ZIP writer compresses as a block.
 */
const BUFFER_SIZE = 1024 * 1024;
/** UTF-8 takes at most 3 bytes for each UTF-16 code unit, so a string of n units always fits in 3n bytes. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

class StreamingXlsxWriter implements XlsxWriter {
  private readonly output: Writable | ByteSink;
  private readonly zip: ZipWriter;
  private readonly columns: readonly XlsxColumn[];
  private readonly columnLetters: string[];
  /** One options object per column, made once rather than for every cell. */
  private readonly guardOptions: { kind?: GuardedColumnKind }[];
  private readonly sheet: Promise<ZipFileStream>;
  /** Every write to the sheet, in order; a failure anywhere rejects everything after it. */
  private queue: Promise<void>;
  private buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private rowNumber = 1;
  private finished = false;

  constructor(output: Writable | ByteSink, options: XlsxWriterOptions) {
    const { columns } = options;
    if (columns.length === 0 || columns.length > XLSX_MAX_COLUMNS) {
      throw new RangeError(`An .xlsx sheet needs 1 to ${XLSX_MAX_COLUMNS} columns, not ${columns.length}`);
    }
    this.output = output;
    this.columns = columns;
    this.columnLetters = columns.map((_column, index) => columnLetters(index));
    this.guardOptions = columns.map((column) => ({ kind: column.kind }));
    this.zip = new ZipWriter(typeof output === 'function' ? output : streamSink(output), {
      level: options.compressionLevel ?? 1,
    });
    this.sheet = this.writeWorkbookParts(validSheetName(options.sheetName ?? 'Sheet1'));
    this.queue = this.sheet.then(() => undefined);
    this.queue.catch(() => undefined);
    // Its failure, if any, surfaces through the queue on the next addRow or on finish.
    void this.append(sheetStart(columns) + this.headerRow());
  }

  get rowCount(): number {
    return this.rowNumber - 1;
  }

  addRow(values: readonly XlsxValue[]): Promise<void> | undefined {
    if (this.finished) throw new Error('XlsxWriter.addRow was called after finish()');
    if (values.length > this.columns.length) {
      throw new RangeError(`A row has ${values.length} values for ${this.columns.length} columns`);
    }
    if (this.rowNumber === XLSX_MAX_ROWS) {
      throw new RangeError(
        `An .xlsx sheet holds at most ${XLSX_MAX_ROWS.toLocaleString('en')} rows with its header; export as CSV instead`,
      );
    }
    // Built before the count moves on, so that a refused row leaves no gap.
    const xml = this.row(values, this.rowNumber + 1);
    this.rowNumber++;
    return this.append(xml);
  }

  async finish(): Promise<void> {
    if (this.finished) throw new Error('XlsxWriter.finish was called twice');
    this.finished = true;
    await this.append('</sheetData></worksheet>');
    await this.flush();
    await (await this.sheet).close();
    await this.zip.finish();
    if (typeof this.output !== 'function') {
      this.output.end();
      await streamFinished(this.output);
    }
  }

  /** Encodes XML into the current buffer; hands the buffer over first if the XML might not fit. */
  private append(xml: string): Promise<void> | undefined {
    const mostBytes = xml.length * MAX_UTF8_BYTES_PER_UNIT;
    if (this.used + mostBytes <= this.buffer.length) {
      this.used += this.buffer.write(xml, this.used);
      return undefined;
    }
    const flushed = this.flush();
    if (mostBytes > this.buffer.length) return this.enqueue(Buffer.from(xml, 'utf8'));
    this.used = this.buffer.write(xml, 0);
    return flushed;
  }

  private flush(): Promise<void> {
    if (this.used === 0) return this.queue;
    const full = this.buffer.subarray(0, this.used);
    // The compressor reads the buffer on another thread later, so the next rows go into a new one.
    this.buffer = Buffer.allocUnsafe(BUFFER_SIZE);
    this.used = 0;
    return this.enqueue(full);
  }

  private enqueue(bytes: Uint8Array): Promise<void> {
    this.queue = this.queue.then(async () => (await this.sheet).write(bytes));
    // The caller may not await every addRow; finish() reports the failure in any case.
    this.queue.catch(() => undefined);
    return this.queue;
  }

  private async writeWorkbookParts(sheetName: string): Promise<ZipFileStream> {
    await this.zip.addFile('[Content_Types].xml', CONTENT_TYPES);
    await this.zip.addFile('_rels/.rels', ROOT_RELATIONSHIPS);
    await this.zip.addFile('xl/workbook.xml', workbook(sheetName));
    await this.zip.addFile('xl/_rels/workbook.xml.rels', WORKBOOK_RELATIONSHIPS);
    await this.zip.addFile('xl/styles.xml', STYLES);
    return this.zip.startFile('xl/worksheets/sheet1.xml');
  }

  private headerRow(): string {
    let xml = '<row r="1">';
    this.columns.forEach((column, index) => {
      const text = neutraliseFormula(column.header);
      if (text !== '') xml += inlineStringCell(` r="${this.columnLetters[index]}1" s="${STYLE_HEADER}"`, text);
    });
    return `${xml}</row>`;
  }

  private row(values: readonly XlsxValue[], rowNumber: number): string {
    let xml = `<row r="${rowNumber}">`;
    // Cells carry no reference while they follow each other, which makes the XML a fifth smaller and the file
    // half the size; the first cell after an empty one says where it is.
    let afterGap = false;
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      if (value === null || value === undefined || value === '') {
        afterGap = true;
        continue;
      }
      const reference = afterGap ? ` r="${this.columnLetters[index]}${rowNumber}"` : '';
      afterGap = false;
      xml += this.cell(value, reference, index, rowNumber);
    }
    return `${xml}</row>`;
  }

  private cell(value: string | number | boolean | Date, reference: string, index: number, rowNumber: number): string {
    switch (typeof value) {
      case 'string': {
        const text = neutraliseFormula(value, this.guardOptions[index]);
        if (text.length > XLSX_MAX_CELL_TEXT) {
          throw new RangeError(
            `${this.where(index, rowNumber)} has ${text.length} characters; Excel keeps at most ${XLSX_MAX_CELL_TEXT} in a cell`,
          );
        }
        return inlineStringCell(reference, text);
      }
      case 'number':
        if (!Number.isFinite(value)) {
          throw new RangeError(`${this.where(index, rowNumber)} is ${value}, which Excel cannot hold`);
        }
        return `<c${reference}><v>${value}</v></c>`;
      case 'boolean':
        return `<c${reference} t="b"><v>${value ? 1 : 0}</v></c>`;
      default:
        return this.dateCell(value, reference, index, rowNumber);
    }
  }

  private dateCell(date: Date, reference: string, index: number, rowNumber: number): string {
    const epochMs = date.getTime();
    if (Number.isNaN(epochMs)) throw new RangeError(`${this.where(index, rowNumber)} is an invalid date`);
    const serial = epochMsToExcelSerial(epochMs);
    // Excel's calendar starts in 1900; an older date can only be shown as text.
    if (serial < 1) return inlineStringCell(reference, date.toISOString());
    const style = epochMs % MS_PER_DAY === 0 ? STYLE_DATE : STYLE_DATE_TIME;
    return `<c${reference} s="${style}"><v>${serial}</v></c>`;
  }

  private where(index: number, rowNumber: number): string {
    return `Row ${rowNumber}, column ${this.columnLetters[index]} (${this.columns[index]?.header})`;
  }
}

/** An inline-string cell; `attributes` are those before its type (reference, style), each with a leading space. */
function inlineStringCell(attributes: string, text: string): string {
  const escaped = needsEscaping(text) ? escapeCellText(text) : text;
  // Excel trims text at the edges of a <t> unless told to keep it.
  return escaped.charCodeAt(0) <= 0x20 || escaped.charCodeAt(escaped.length - 1) <= 0x20
    ? `<c${attributes} t="inlineStr"><is><t xml:space="preserve">${escaped}</t></is></c>`
    : `<c${attributes} t="inlineStr"><is><t>${escaped}</t></is></c>`;
}

/**
 * What needs escaping in cell text: XML's markup characters; CR, which XML parsers would turn into LF, so it is
 * written as OOXML's `_x000D_`; an underscore that would otherwise read as the start of such an escape; and
 * characters that XML 1.0 cannot hold at all (most C0 controls, U+FFFE, U+FFFF, unpaired surrogates), dropped.
 */
const CELL_TEXT_TO_ESCAPE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[&<>\r]|_(?=x[0-9A-Fa-f]{4}_)|[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CELL_TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '_x000D_',
  _: '_x005F_',
};

export function escapeCellText(text: string): string {
  return text.replace(CELL_TEXT_TO_ESCAPE, (match) => CELL_TEXT_ESCAPES[match] ?? '');
}

/** Whether `escapeCellText` could change the text: a quick scan that spares most cells the regular expression. */
function needsEscaping(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x20) {
      if (code !== 0x09 && code !== 0x0a) return true;
    } else if (code === 0x26 || code === 0x3c || code === 0x3e || code === 0x5f || code >= 0xd800) {
      // & < > _ and surrogates or U+FFFE/U+FFFF; the few other characters past U+D800 cost only the slow path.
      return true;
    }
  }
  return false;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Excel refuses a sheet name with `[]:*?/\`, an apostrophe at either end, over 31 characters, or 'History'. */
export function validSheetName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters cannot be in a sheet name either
    .replace(/[[\]:*?/\\\0-\x1F]/g, '_')
    .replace(/^'+|'+$/g, '')
    .slice(0, 31)
    .trim();
  if (cleaned === '') return 'Sheet1';
  return cleaned.toLowerCase() === 'history' ? `${cleaned}_` : cleaned;
}

function columnLetters(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  }
  return letters;
}

function sheetStart(columns: readonly XlsxColumn[]): string {
  const widths = columns
    .map((column, index) => {
      const width = column.width ?? Math.min(60, Math.max(10, column.header.length + 2));
      return `<col min="${index + 1}" max="${index + 1}" width="${width}" customWidth="1"/>`;
    })
    .join('');
  return (
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NAMESPACE}" xmlns:r="${RELATIONSHIPS_NAMESPACE}">` +
    '<sheetViews><sheetView workbookViewId="0">' +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
    `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${widths}</cols><sheetData>`
  );
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NAMESPACE = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS_NAMESPACE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS_NAMESPACE = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

const CONTENT_TYPES =
  `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPE}.sheet.main+xml"/>` +
  `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${CONTENT_TYPE}.worksheet+xml"/>` +
  `<Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE}.styles+xml"/>` +
  '</Types>';

const ROOT_RELATIONSHIPS =
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NAMESPACE}">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS_NAMESPACE}/officeDocument" Target="xl/workbook.xml"/>` +
  '</Relationships>';

const WORKBOOK_RELATIONSHIPS =
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NAMESPACE}">` +
  `<Relationship Id="rId1" Type="${RELATIONSHIPS_NAMESPACE}/worksheet" Target="worksheets/sheet1.xml"/>` +
  `<Relationship Id="rId2" Type="${RELATIONSHIPS_NAMESPACE}/styles" Target="styles.xml"/>` +
  '</Relationships>';

function workbook(sheetName: string): string {
  return (
    `${XML_DECLARATION}<workbook xmlns="${MAIN_NAMESPACE}" xmlns:r="${RELATIONSHIPS_NAMESPACE}">` +
    '<bookViews><workbookView/></bookViews>' +
    `<sheets><sheet name="${escapeAttribute(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`
  );
}

/** Cell styles by index: 0 plain, 1 header (bold), 2 date, 3 date and time (STYLE_* above). */
const STYLES =
  `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NAMESPACE}">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>' +
  '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';
