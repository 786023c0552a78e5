/**
 * Reads Excel workbooks (.xlsx, Office Open XML) for the importer: sheet names, then one sheet's rows as values.
 *
 * A sheet is read in one pass, never as a DOM: `XlsxWorkbook.rows` decompresses it in chunks and cuts each chunk
 * into rows and cells as it arrives, so a million-row sheet never sits in memory as text or as rows. Shared
 * strings and styles are read when the workbook is opened (shared strings are needed by every row).
 *
 * Cells come back as strings, numbers, booleans, `null` for gaps, or an `ExcelDate` for a number whose style is
 * a date or time format: what the cell holds, not what Excel displays. Formula cells give their cached result.
 * Errors are `XlsxError`s whose message tells the user what to do and whose `code` lets the UI translate it.
 */
import { TextDecoder } from 'node:util';
import { openZip, ZipError, type ZipArchive } from './zip';

/**
 * A number shown as a date or time, as a serial of Excel's 1900 date system whatever the workbook uses;
 * `excelSerialToEpochMs` (dates.ts) turns it into a time.
 */
export interface ExcelDate {
  excelSerial: number;
}

export type XlsxCell = string | number | boolean | ExcelDate | null;

export interface XlsxRow {
  /** 1-based, as Excel numbers the row: blank rows are not returned, so numbers can skip. */
  number: number;
  /** From column A; `null` where a cell is missing, and no trailing nulls. */
  cells: XlsxCell[];
}

export type XlsxErrorCode =
  'empty' | 'not-xlsx' | 'legacy-xls' | 'encrypted' | 'ods' | 'xlsb' | 'damaged' | 'unsupported' | 'no-sheet';

export class XlsxError extends Error {
  readonly code: XlsxErrorCode;

  constructor(code: XlsxErrorCode, message: string) {
    super(message);
    this.name = 'XlsxError';
    this.code = code;
  }
}

export interface XlsxWorkbook {
  /** Worksheets in workbook order (chart sheets are left out). */
  readonly sheetNames: readonly string[];
  readonly date1904: boolean;
  /** A sheet's rows in batches as the sheet is decompressed; the first worksheet unless `sheet` names one. */
  rows(sheet?: string | number): AsyncGenerator<XlsxRow[]>;
}

/** Opens a workbook: checks what the file is, then reads its sheet list, styles and shared strings. */
export function openXlsx(bytes: Uint8Array): XlsxWorkbook {
  refuseWhatIsNotZip(bytes);
  try {
    return new Workbook(openZip(bytes));
  } catch (error) {
    throw asXlsxError(error);
  }
}

/** Reads one sheet whole. Simple, for small files (previews, tests); the importer streams with `rows`. */
export function readXlsx(bytes: Uint8Array, options: { sheet?: string | number } = {}) {
  refuseWhatIsNotZip(bytes);
  try {
    const workbook = new Workbook(openZip(bytes));
    return { sheets: [...workbook.sheetNames], rows: workbook.readRows(options.sheet) };
  } catch (error) {
    throw asXlsxError(error);
  }
}

// ─── Excel dates ────────────────────────────────────────────────────────────────────────────────────────────

const MS_PER_DAY = 86_400_000;
/** The 1900 system's serial for 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
/** 1900-03-01: Excel counts a 29 February 1900 that never was, so serials below this are one day high. */
const FIRST_SERIAL_AFTER_FAKE_LEAP_DAY = 61;
/** Days from 1900-01-00 to 1904-01-01 as Excel counts them. */
const DATE_1904_OFFSET = 1462;

/**
 * Milliseconds since 1970 (UTC wall-clock time, Excel dates having no time zone) as a 1900-system serial, for
 * dates from 1900-01-01 on. The way back is `excelSerialToEpochMs` in dates.ts.
 */
export function epochMsToExcelSerial(epochMs: number): number {
  const serial = epochMs / MS_PER_DAY + UNIX_EPOCH_SERIAL;
  return serial < FIRST_SERIAL_AFTER_FAKE_LEAP_DAY ? serial - 1 : serial;
}

// ─── What the file is ───────────────────────────────────────────────────────────────────────────────────────

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_SIGNATURE = [0x50, 0x4b, 0x05, 0x06];
/** Compound File Binary: the container of .xls files and of password-protected .xlsx files. */
const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte);
}

function refuseWhatIsNotZip(bytes: Uint8Array): void {
  if (bytes.length === 0) {
    throw new XlsxError('empty', 'This file is empty (0 bytes). Export the data again, or pick another file.');
  }
  if (startsWith(bytes, ZIP_SIGNATURE) || startsWith(bytes, EMPTY_ZIP_SIGNATURE)) return;
  if (startsWith(bytes, CFB_SIGNATURE)) {
    // Stream names in a CFB directory are UTF-16LE; an encrypted OOXML package keeps its content in this one.
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(utf16('EncryptedPackage'))) {
      throw new XlsxError(
        'encrypted',
        'This workbook is password-protected, so it cannot be read. Open it in Excel, remove the password ' +
          '(File › Info › Protect Workbook › Encrypt with Password, then clear it), save it and import it again; ' +
          'or save it as CSV.',
      );
    }
    throw new XlsxError(
      'legacy-xls',
      'This is an old Excel 97–2003 workbook (.xls), which MarketLens does not read. Open it in Excel or ' +
        'LibreOffice, save it as .xlsx or CSV, and import that file.',
    );
  }
  throw notXlsx();
}

function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function notXlsx(): XlsxError {
  return new XlsxError(
    'not-xlsx',
    'This file is not an Excel workbook (.xlsx), whatever its name says. If it is a CSV or text file, ' +
      'import it as CSV.',
  );
}

function damaged(detail: string): XlsxError {
  return new XlsxError(
    'damaged',
    `This .xlsx file is damaged or incomplete (${detail}). Re-export it from Excel, or save it as CSV.`,
  );
}

function asXlsxError(error: unknown): unknown {
  if (!(error instanceof ZipError)) return error;
  if (error.code === 'damaged') return damaged(error.message);
  return new XlsxError(
    'unsupported',
    `This .xlsx file uses something MarketLens cannot read: ${error.message}. Save it as CSV and import that.`,
  );
}

// ─── The workbook ───────────────────────────────────────────────────────────────────────────────────────────

interface Relationship {
  type: string;
  target: string;
}

interface SheetEntry {
  name: string;
  path: string;
}

class Workbook implements XlsxWorkbook {
  readonly sheetNames: readonly string[];
  readonly date1904: boolean;
  private readonly archive: ZipArchive;
  /** OOXML part names are case-insensitive, and some writers' casing differs from their own references. */
  private readonly partNames: Map<string, string>;
  private readonly sheets: SheetEntry[];
  private readonly sharedStrings: string[];
  private readonly dateStyles: boolean[];

  constructor(archive: ZipArchive) {
    this.archive = archive;
    this.partNames = new Map([...archive.entries.keys()].map((name) => [name.toLowerCase(), name]));
    const workbookPath = this.findWorkbook();
    const workbook = readWorkbookPart(this.text(workbookPath));
    const relationships = this.relationshipsOf(workbookPath);
    this.date1904 = workbook.date1904;
    this.sheets = workbook.sheets.flatMap(({ name, relationshipId }) => {
      const relationship = relationships.get(relationshipId);
      return relationship && typeOf(relationship) === 'worksheet'
        ? [{ name, path: resolvePart(workbookPath, relationship.target) }]
        : [];
    });
    this.sheetNames = this.sheets.map((sheet) => sheet.name);
    const partOfType = (type: string) => {
      const relationship = [...relationships.values()].find((candidate) => typeOf(candidate) === type);
      return relationship && this.part(resolvePart(workbookPath, relationship.target));
    };
    const sharedStringsPath = partOfType('sharedStrings');
    this.sharedStrings = sharedStringsPath ? this.readSharedStrings(sharedStringsPath) : [];
    const stylesPath = partOfType('styles');
    this.dateStyles = stylesPath ? readDateStyles(this.text(stylesPath)) : [];
  }

  async *rows(sheet?: string | number): AsyncGenerator<XlsxRow[]> {
    const path = this.sheetPath(sheet);
    const parser = this.sheetParser(path);
    let decoder: TextDecoder | undefined;
    let rows: XlsxRow[];
    try {
      for await (const chunk of this.archive.chunks(path)) {
        decoder ??= decoderFor(chunk);
        rows = parser.push(decoder.decode(chunk, { stream: true }));
        if (rows.length > 0) yield rows;
      }
      rows = parser.push(decoder?.decode() ?? '');
      rows.push(...parser.end());
    } catch (error) {
      throw asXlsxError(error);
    }
    if (rows.length > 0) yield rows;
  }

  readRows(sheet?: string | number): XlsxRow[] {
    const path = this.sheetPath(sheet);
    const parser = this.sheetParser(path);
    const rows: XlsxRow[] = [];
    const keep = (batch: XlsxRow[]) => {
      for (const row of batch) rows.push(row);
    };
    this.decodeInSlices(path, (text) => keep(parser.push(text)));
    keep(parser.end());
    return rows;
  }

  private sheetParser(path: string): SheetRowParser {
    return new SheetRowParser(path, this.sharedStrings, this.dateStyles, this.date1904 ? DATE_1904_OFFSET : 0);
  }

  private sheetPath(sheet: string | number | undefined): string {
    const found =
      typeof sheet === 'number'
        ? this.sheets[sheet]
        : sheet === undefined
          ? this.sheets[0]
          : (this.sheets.find((entry) => entry.name === sheet) ??
            this.sheets.find((entry) => entry.name.toLowerCase() === sheet.toLowerCase()));
    if (!found) {
      if (this.sheets.length === 0) throw new XlsxError('no-sheet', 'This workbook has no worksheets to import.');
      const names = this.sheetNames.map((name) => `“${name}”`).join(', ');
      throw new XlsxError('no-sheet', `This workbook has no sheet ${describeSheet(sheet)}. Its sheets are ${names}.`);
    }
    const path = this.part(found.path);
    if (!path) throw damaged(`the sheet “${found.name}” is missing`);
    return path;
  }

  private findWorkbook(): string {
    const rootPath = this.part('_rels/.rels');
    const officeDocument =
      rootPath &&
      [...readRelationships(this.text(rootPath)).values()].find(
        (relationship) => typeOf(relationship) === 'officeDocument',
      );
    const workbookPath = this.part(officeDocument ? resolvePart('', officeDocument.target) : 'xl/workbook.xml');
    if (workbookPath && workbookPath.toLowerCase().endsWith('.xml')) return workbookPath;
    if (workbookPath || this.part('xl/workbook.bin')) {
      throw new XlsxError(
        'xlsb',
        'This is an Excel binary workbook (.xlsb), which MarketLens does not read. Save it as .xlsx or CSV ' +
          'in Excel, and import that file.',
      );
    }
    const mimetype = this.part('mimetype');
    if (mimetype && this.text(mimetype).includes('opendocument.spreadsheet')) {
      throw new XlsxError(
        'ods',
        'This is an OpenDocument spreadsheet (.ods), not an Excel workbook. Save it as .xlsx or CSV, and ' +
          'import that file.',
      );
    }
    throw notXlsx();
  }

  private relationshipsOf(partPath: string): Map<string, Relationship> {
    const slash = partPath.lastIndexOf('/');
    const path = this.part(`${partPath.slice(0, slash + 1)}_rels/${partPath.slice(slash + 1)}.rels`);
    if (!path) throw damaged(`the list of parts of ${partPath} is missing`);
    return readRelationships(this.text(path));
  }

  private readSharedStrings(path: string): string[] {
    const strings: string[] = [];
    const elements = new ElementStream('si', path);
    let vocabulary: RunVocabulary | undefined;
    const onElement = (_attributes: string, content: string | undefined) => {
      vocabulary ??= runVocabulary(elements.prefix);
      strings.push(content === undefined ? '' : textOfRuns(content, vocabulary));
    };
    this.decodeInSlices(path, (text) => elements.push(text, onElement));
    elements.end(onElement);
    return strings;
  }

  private part(path: string): string | undefined {
    return this.partNames.get(path.toLowerCase());
  }

  /** A small part (relationships, workbook, styles) as text. */
  private text(path: string): string {
    const bytes = this.archive.read(path);
    return decoderFor(bytes).decode(bytes);
  }

  /** A part that may be large, decoded a slice at a time so that no single string has to hold all of it. */
  private decodeInSlices(path: string, consume: (text: string) => void): void {
    const bytes = this.archive.read(path);
    const decoder = decoderFor(bytes);
    for (let at = 0; at < bytes.length; at += DECODE_SLICE) {
      consume(decoder.decode(bytes.subarray(at, at + DECODE_SLICE), { stream: true }));
    }
    consume(decoder.decode());
  }
}

const DECODE_SLICE = 1024 * 1024;

function decoderFor(firstBytes: Uint8Array): TextDecoder {
  // XML parts may be UTF-16 (with a byte order mark); UTF-8 is the rule.
  if (firstBytes[0] === 0xff && firstBytes[1] === 0xfe) return new TextDecoder('utf-16le');
  if (firstBytes[0] === 0xfe && firstBytes[1] === 0xff) return new TextDecoder('utf-16be');
  return new TextDecoder('utf-8');
}

function describeSheet(sheet: string | number | undefined): string {
  return typeof sheet === 'number' ? `number ${sheet + 1}` : `named “${sheet}”`;
}

/** The last segment of a relationship type, the same in transitional and strict OOXML. */
function typeOf(relationship: Relationship): string {
  return relationship.type.slice(relationship.type.lastIndexOf('/') + 1);
}

/** A relationship target, relative to the part that declares it (or absolute from the root), as a ZIP name. */
function resolvePart(fromPart: string, target: string): string {
  const segments = target.startsWith('/') ? [] : fromPart.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  }
  return segments.join('/');
}

// ─── XML as spreadsheets write it ───────────────────────────────────────────────────────────────────────────
//
// No DOM and no general tokenizer: in a million-row sheet a per-tag tokenizer in JavaScript costs several times
// what the regular-expression engine does when it matches whole rows and cells. No DTD is read and no entity
// beyond XML's five is expanded, so a hostile file cannot make this fetch or balloon anything. Comments and
// CDATA sections are handled where text is read; element names may carry a namespace prefix (`x:row`).

/** A start, end or empty-element tag of a small part, for reading attributes. */
interface Tag {
  /** Without namespace prefix. */
  name: string;
  attributes: string;
  closing: boolean;
  selfClosing: boolean;
}

/** Attribute values may hold `>` inside quotes, so the attribute text is read quote by quote. */
const TAG = /<(\/?)(?:[\w.-]+:)?([\w.-]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g;
const COMMENT = /<!--[\s\S]*?-->/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/g;

/** The tags of a small part in document order. */
function* tags(xml: string): Generator<Tag> {
  const source = xml.includes('<!--') ? xml.replace(COMMENT, '') : xml;
  for (const match of source.matchAll(TAG)) {
    yield {
      name: match[2] ?? '',
      attributes: match[3] ?? '',
      closing: match[1] === '/',
      selfClosing: match[4] === '/',
    };
  }
}

/** Calls `visit` with each attribute's name and raw value (entities not decoded: cell attributes never need it). */
function forEachAttribute(attributes: string, visit: (name: string, rawValue: string) => void): void {
  let at = 0;
  for (;;) {
    const equals = attributes.indexOf('=', at);
    if (equals === -1) return;
    let quoteAt = equals + 1;
    while (attributes.charCodeAt(quoteAt) <= 0x20) quoteAt++;
    const quote = attributes[quoteAt];
    if (quote !== '"' && quote !== "'") throw damaged('an attribute has no quotes around its value');
    const end = attributes.indexOf(quote, quoteAt + 1);
    if (end === -1) throw damaged('an attribute value never ends');
    visit(attributes.slice(at, equals).trim(), attributes.slice(quoteAt + 1, end));
    at = end + 1;
  }
}

function attributesOf(attributes: string): Map<string, string> {
  const map = new Map<string, string>();
  forEachAttribute(attributes, (name, rawValue) => map.set(name, decodeXmlText(rawValue)));
  return map;
}

/** An attribute by local name whatever its namespace prefix (`r:id`, `ns1:id`). */
function prefixedAttribute(attributes: Map<string, string>, localName: string): string | undefined {
  for (const [name, value] of attributes) if (name.endsWith(`:${localName}`)) return value;
  return undefined;
}

const elementPatterns = new Map<string, RegExp>();

/**
 * Matches complete `name` elements: group 1 is the attribute text, group 2 the content (undefined for an
 * empty-element tag). Shared, so every use resets `lastIndex` and runs to the end before anything else can.
 */
function elementPattern(prefix: string, name: string): RegExp {
  const key = `${prefix}${name}`;
  let pattern = elementPatterns.get(key);
  if (!pattern) {
    const qualified = key.replace(/\./g, '\\.');
    pattern = new RegExp(`<${qualified}(?=[\\s/>])([^>]*?)(?:/>|>([\\s\\S]*?)</${qualified}\\s*>)`, 'g');
    elementPatterns.set(key, pattern);
  }
  return pattern;
}

/** An element split by a chunk boundary is carried over; one this long is damage, not data. */
const MAX_UNFINISHED_ELEMENT = 64 * 1024 * 1024;
/** Far longer than any row of ordinary data, but short enough that rescanning it costs little. */
const LONG_ELEMENT = 1024 * 1024;

/**
 * Cuts the complete elements of one name (`row`, `si`) out of XML that arrives in chunks, with comments removed
 * and CDATA sections turned into escaped text. What lies between them is skipped; an element cut by the end of
 * a chunk waits for the next.
 */
class ElementStream {
  prefix = '';
  private readonly name: string;
  private readonly partName: string;
  /** Finds the first element of this name with whatever namespace prefix it has. */
  private readonly firstOpening: RegExp;
  private pattern: RegExp | undefined;
  private opening: RegExp | undefined;
  private closing = '';
  private carry = '';

  constructor(name: string, partName: string) {
    this.name = name;
    this.partName = partName;
    this.firstOpening = new RegExp(`<([\\w.-]+:)?${name}[\\s/>]`);
  }

  push(chunk: string, onElement: (attributes: string, content: string | undefined) => void): void {
    // While a long element is carried over, a chunk without an end tag can complete nothing but an empty-element
    // tag, which can wait; not searching again keeps the element from being rescanned for every chunk.
    if (this.pattern && this.carry.length > LONG_ELEMENT && !chunk.includes(this.closing)) {
      this.carry += chunk;
      this.checkCarry();
      return;
    }
    // Normalised per chunk rather than per element: a comment or CDATA section cut by the chunk's end belongs to
    // an element that is unfinished too, and is normalised with it when the rest arrives.
    const text = withoutCommentsOrCdata(this.carry + chunk);
    if (!this.pattern && !this.learnPrefix(text)) {
      // Nothing before the first element is needed, but its opening tag may be split.
      this.carry = text.slice(-(this.name.length + 40));
      return;
    }
    const consumed = this.consume(text, onElement);
    const rest = text.slice(consumed);
    const unfinished = this.opening ? rest.search(this.opening) : -1;
    // Without an unfinished element, only the tail that could be the start of a split tag is kept.
    this.carry = unfinished === -1 ? rest.slice(-(this.closing.length + 1)) : rest.slice(unfinished);
    this.checkCarry();
  }

  end(onElement: (attributes: string, content: string | undefined) => void): void {
    if (!this.pattern) return;
    const text = withoutCommentsOrCdata(this.carry);
    const rest = text.slice(this.consume(text, onElement));
    this.carry = '';
    if (this.opening && rest.search(this.opening) !== -1) {
      throw damaged(`${this.partName} stops in the middle of a <${this.name}> element`);
    }
  }

  /** Reports every complete element in `text`; the index after the last one. */
  private consume(text: string, onElement: (attributes: string, content: string | undefined) => void): number {
    const pattern = this.pattern;
    if (!pattern) return 0;
    let consumed = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      consumed = pattern.lastIndex;
      onElement(match[1] ?? '', match[2]);
    }
    return consumed;
  }

  private learnPrefix(text: string): boolean {
    const first = this.firstOpening.exec(text);
    if (!first) return false;
    this.prefix = first[1] ?? '';
    this.pattern = elementPattern(this.prefix, this.name);
    this.opening = new RegExp(`<${this.prefix.replace(/\./g, '\\.')}${this.name}[\\s/>]`);
    this.closing = `</${this.prefix}${this.name}>`;
    return true;
  }

  private checkCarry(): void {
    if (this.carry.length > MAX_UNFINISHED_ELEMENT) {
      throw damaged(`${this.partName} has a <${this.name}> element that never ends`);
    }
  }
}

const XML_ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Entities decoded and line ends normalised as an XML parser must (CR LF and lone CR become LF; `&#13;` stays). */
function decodeXmlText(raw: string): string {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  if (!text.includes('&')) return text;
  return text.replace(XML_ENTITY, (match, hex: string | undefined, decimal: string | undefined, named?: string) => {
    if (named) return NAMED_ENTITIES[named] ?? match;
    const codePoint = hex ? parseInt(hex, 16) : Number(decimal);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
}

/** Comments dropped and CDATA sections turned into ordinary escaped text, so that the rest need not know them. */
function withoutCommentsOrCdata(xml: string): string {
  if (!hasCommentOrCdata(xml)) return xml;
  return xml
    .replace(COMMENT, '')
    .replace(CDATA, (_match, text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
}

const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

// The two checks below search for one character and look at its neighbour: on two-byte strings (any text with
// Chinese in it) V8 finds one character about ten times faster than two, and these run on every chunk or cell.

/** Whether the text has `<!` (a comment or CDATA section), found through the rarer `!`. */
function hasCommentOrCdata(text: string): boolean {
  for (let at = text.indexOf('!'); at !== -1; at = text.indexOf('!', at + 1)) {
    if (text.charCodeAt(at - 1) === 0x3c) return true;
  }
  return false;
}

/** Whether the text has `_x`, the start of an OOXML escape, found through the rarer `_`. */
function hasOoxmlEscape(text: string): boolean {
  for (let at = text.indexOf('_'); at !== -1; at = text.indexOf('_', at + 1)) {
    if (text.charCodeAt(at + 1) === 0x78) return true;
  }
  return false;
}

/** Text in cells encodes characters XML cannot hold, CR among them, as `_xHHHH_` (`_x005F_` for the underscore). */
function decodeOoxmlEscapes(text: string): string {
  if (!hasOoxmlEscape(text)) return text;
  return text.replace(OOXML_ESCAPE, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const EDGE_WHITESPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const ONLY_WHITESPACE = /^[ \t\n\r]*$/;
const PRESERVE_SPACE = /xml:space\s*=\s*["']preserve["']/;

/**
 * The value of a `<t>` element as Excel shows it: leading and trailing whitespace dropped unless `xml:space`
 * keeps it, except in a run that is nothing but whitespace (the space between two rich-text runs).
 * (LibreOffice keeps all of it; files Excel writes say `preserve` wherever it matters, so both agree on them.)
 */
function textElementValue(raw: string, preserveSpace: boolean): string {
  const text = decodeOoxmlEscapes(decodeXmlText(raw));
  if (preserveSpace || (text.charCodeAt(0) > 0x20 && text.charCodeAt(text.length - 1) > 0x20)) return text;
  return ONLY_WHITESPACE.test(text) ? text : text.replace(EDGE_WHITESPACE, '');
}

interface ElementTags {
  open: string;
  close: string;
}

function elementTags(prefix: string, name: string): ElementTags {
  return { open: `<${prefix}${name}>`, close: `</${prefix}${name}>` };
}

/** What reading a string item needs to know of its namespace prefix. */
interface RunVocabulary {
  prefix: string;
  text: ElementTags;
}

function runVocabulary(prefix: string): RunVocabulary {
  return { prefix, text: elementTags(prefix, 't') };
}

/**
 * The text of a string item (`<si>`, `<is>`) without comments or CDATA: a plain `<t>`, or the `<t>` of each
 * rich-text run `<r>`. Phonetic guides (`<rPh>`, furigana over Japanese text) also hold `<t>` elements, which are
 * not part of the value.
 */
function textOfRuns(xml: string, vocabulary: RunVocabulary): string {
  const { prefix, text: tags } = vocabulary;
  // The usual item, one <t> and nothing else, is read without a regular expression.
  if (xml.startsWith(tags.open) && xml.indexOf('<', tags.open.length) === xml.length - tags.close.length) {
    return textElementValue(xml.slice(tags.open.length, -tags.close.length), false);
  }
  const source = xml.includes('rPh') ? xml.replace(elementPattern(prefix, 'rPh'), '') : xml;
  const run = elementPattern(prefix, 't');
  run.lastIndex = 0;
  let text = '';
  for (let match = run.exec(source); match !== null; match = run.exec(source)) {
    text += textElementValue(match[2] ?? '', PRESERVE_SPACE.test(match[1] ?? ''));
  }
  return text;
}

// ─── The parts of a workbook ────────────────────────────────────────────────────────────────────────────────

function readRelationships(xml: string): Map<string, Relationship> {
  const relationships = new Map<string, Relationship>();
  for (const tag of tags(xml)) {
    if (tag.name !== 'Relationship' || tag.closing) continue;
    const attributes = attributesOf(tag.attributes);
    const id = attributes.get('Id');
    const type = attributes.get('Type');
    const target = attributes.get('Target');
    if (id && type && target && attributes.get('TargetMode') !== 'External') relationships.set(id, { type, target });
  }
  return relationships;
}

function readWorkbookPart(xml: string) {
  const sheets: { name: string; relationshipId: string }[] = [];
  let date1904 = false;
  for (const tag of tags(xml)) {
    if (tag.closing) continue;
    if (tag.name === 'workbookPr') {
      const value = attributesOf(tag.attributes).get('date1904');
      date1904 = value === '1' || value === 'true';
    } else if (tag.name === 'sheet') {
      const attributes = attributesOf(tag.attributes);
      const name = attributes.get('name');
      const relationshipId = prefixedAttribute(attributes, 'id');
      if (name !== undefined && relationshipId) sheets.push({ name, relationshipId });
    }
  }
  return { date1904, sheets };
}

/**
 * Built-in number formats that show dates or times: 14–22 and 45–47 everywhere, 27–36 and 50–58 in the
 * Chinese, Japanese and Korean versions of Excel, which write them without defining them.
 */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/**
 * Whether a format code shows a date or time: a d, m, y, h or s token once quoted text, bracketed parts
 * ([Red], [$-409], [h]), backslash escapes and the character after `_` or `*` (padding) are set aside.
 */
export function isDateFormatCode(code: string): boolean {
  return /[dmyhs]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, ''));
}

/** For each cell style index, whether its number format shows a date or time. */
function readDateStyles(xml: string): boolean[] {
  const customFormats = new Map<number, string>();
  const cellFormatIds: number[] = [];
  // Differential formats (conditional formatting) and cell style formats hold numFmt and xf elements too.
  let inNumberFormats = false;
  let inCellFormats = false;
  for (const tag of tags(xml)) {
    if (tag.name === 'numFmts') inNumberFormats = !tag.closing && !tag.selfClosing;
    else if (tag.name === 'cellXfs') inCellFormats = !tag.closing && !tag.selfClosing;
    else if (tag.closing) continue;
    else if (tag.name === 'numFmt' && inNumberFormats) {
      const attributes = attributesOf(tag.attributes);
      customFormats.set(Number(attributes.get('numFmtId')), attributes.get('formatCode') ?? '');
    } else if (tag.name === 'xf' && inCellFormats) {
      cellFormatIds.push(Number(attributesOf(tag.attributes).get('numFmtId') ?? 0));
    }
  }
  return cellFormatIds.map((id) => {
    const custom = customFormats.get(id);
    return custom === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormatCode(custom);
  });
}

/** Excel's last column, XFD: a reference beyond it is damage, and filling the gap up to it would exhaust memory. */
const MAX_COLUMNS = 16_384;

/** Turns a worksheet's XML, pushed in chunks, into rows of values. */
class SheetRowParser {
  private readonly elements: ElementStream;
  private readonly sharedStrings: readonly string[];
  private readonly dateStyles: readonly boolean[];
  private readonly serialOffset: number;
  private rows: XlsxRow[] = [];
  private rowNumber = 0;
  private column = 0;
  private cellType = 'n';
  private cellStyle = 0;
  private vocabulary: SheetVocabulary | undefined;
  /** Made once, so that attribute and element callbacks cost no allocation per row or cell. */
  private readonly onRow = (attributes: string, content: string | undefined) => this.row(attributes, content);
  private readonly onRowAttribute = (name: string, rawValue: string) => {
    if (name === 'r') this.rowNumber = Number(rawValue) > 0 ? Number(rawValue) : this.rowNumber;
  };
  private readonly onCellAttribute = (name: string, rawValue: string) => {
    if (name === 'r') this.column = columnIndex(rawValue, this.column);
    else if (name === 's') this.cellStyle = Number(rawValue);
    else if (name === 't') this.cellType = rawValue;
  };

  constructor(
    partName: string,
    sharedStrings: readonly string[],
    dateStyles: readonly boolean[],
    serialOffset: number,
  ) {
    this.elements = new ElementStream('row', partName);
    this.sharedStrings = sharedStrings;
    this.dateStyles = dateStyles;
    this.serialOffset = serialOffset;
  }

  push(text: string): XlsxRow[] {
    this.elements.push(text, this.onRow);
    return this.take();
  }

  end(): XlsxRow[] {
    this.elements.end(this.onRow);
    return this.take();
  }

  private take(): XlsxRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  private row(attributes: string, content: string | undefined): void {
    this.vocabulary ??= sheetVocabulary(this.elements.prefix);
    const previous = this.rowNumber;
    this.rowNumber = 0;
    forEachAttribute(attributes, this.onRowAttribute);
    // Rows without a number follow the previous one.
    if (this.rowNumber === 0) this.rowNumber = previous + 1;
    if (content === undefined) return;
    const cells = this.cells(content, this.vocabulary);
    if (cells.length > 0) this.rows.push({ number: this.rowNumber, cells });
  }

  private cells(content: string, vocabulary: SheetVocabulary): XlsxCell[] {
    const cells: XlsxCell[] = [];
    const pattern = vocabulary.cell;
    pattern.lastIndex = 0;
    this.column = 0;
    for (let match = pattern.exec(content); match !== null; match = pattern.exec(content)) {
      this.cellType = 'n';
      this.cellStyle = 0;
      if (match[1]) forEachAttribute(match[1], this.onCellAttribute);
      const value = match[2] === undefined ? null : this.cellValue(match[2], vocabulary);
      if (value !== null) {
        while (cells.length < this.column) cells.push(null);
        cells[this.column] = value;
      }
      this.column++;
    }
    return cells;
  }

  private cellValue(content: string, vocabulary: SheetVocabulary): XlsxCell {
    if (this.cellType === 'inlineStr') {
      const inline = inlineStringContent(content, vocabulary);
      if (inline !== undefined) return textOfRuns(inline, vocabulary);
    }
    const value = valueContent(content, vocabulary);
    if (value === undefined) return null;
    switch (this.cellType) {
      case 's':
        return this.sharedString(value);
      case 'str':
      case 'inlineStr':
        return decodeOoxmlEscapes(decodeXmlText(value));
      case 'b':
        return ['1', 'true'].includes(value.trim());
      case 'e':
        return decodeXmlText(value).trim();
      case 'd':
        return isoDate(decodeXmlText(value).trim());
      default:
        return this.number(value.trim());
    }
  }

  private sharedString(value: string): string {
    const text = this.sharedStrings[Number(value)];
    if (text === undefined) {
      throw damaged(`a cell refers to shared text number ${value.trim()}, but there are ${this.sharedStrings.length}`);
    }
    return text;
  }

  private number(text: string): XlsxCell {
    if (text === '') return null;
    const number = Number(text);
    if (!Number.isFinite(number)) return decodeXmlText(text);
    return this.dateStyles[this.cellStyle] ? { excelSerial: number + this.serialOffset } : number;
  }
}

/** The tags and patterns of a sheet's elements, for its namespace prefix. */
interface SheetVocabulary extends RunVocabulary {
  cell: RegExp;
  value: ElementTags;
  inlineString: ElementTags;
}

function sheetVocabulary(prefix: string): SheetVocabulary {
  return {
    ...runVocabulary(prefix),
    cell: elementPattern(prefix, 'c'),
    value: elementTags(prefix, 'v'),
    inlineString: elementTags(prefix, 'is'),
  };
}

/** The raw text of a cell's `<v>`, if it has one. */
function valueContent(content: string, vocabulary: SheetVocabulary): string | undefined {
  const { open, close } = vocabulary.value;
  // Usually the whole content, or after a formula; text in it is escaped, so its end is the next '<'.
  const start = content.startsWith(open) ? 0 : content.indexOf(open);
  if (start !== -1) {
    const end = content.indexOf('<', start + open.length);
    if (end !== -1 && content.startsWith(close, end)) return content.slice(start + open.length, end);
  }
  return firstElementContent(content, vocabulary.prefix, 'v');
}

/** The content of a cell's `<is>`, if it has one; usually it is all the cell holds. */
function inlineStringContent(content: string, vocabulary: SheetVocabulary): string | undefined {
  const { open, close } = vocabulary.inlineString;
  if (content.startsWith(open) && content.endsWith(close)) return content.slice(open.length, -close.length);
  return firstElementContent(content, vocabulary.prefix, 'is');
}

/** The content of the first `name` element, whatever its form (attributes, empty-element tag). */
function firstElementContent(content: string, prefix: string, name: string): string | undefined {
  const pattern = elementPattern(prefix, name);
  pattern.lastIndex = 0;
  const match = pattern.exec(content);
  return match ? (match[2] ?? '') : undefined;
}

/** The 0-based column of a reference such as `AB12`; `fallback` if it has no column letters. */
function columnIndex(reference: string, fallback: number): number {
  let column = 0;
  let at = 0;
  for (; at < reference.length; at++) {
    const code = reference.charCodeAt(at) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + code - 0x60;
  }
  if (at === 0) return fallback;
  if (column > MAX_COLUMNS) throw damaged(`a cell is in column ${reference.slice(0, at)}, past Excel's last column`);
  return column - 1;
}

/** A `t="d"` cell (ISO 8601, written by some tools) as the same kind of value as an Excel date. */
function isoDate(text: string): XlsxCell {
  // Without a zone ISO date-times would be read as local time; the wall-clock value is what the cell means.
  const zoned = /T.*(?:Z|[+-]\d\d:?\d\d)$/.test(text) || !text.includes('T') ? text : `${text}Z`;
  const epochMs = Date.parse(zoned);
  return Number.isNaN(epochMs) ? text : { excelSerial: epochMsToExcelSerial(epochMs) };
}
