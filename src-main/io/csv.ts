/**
 * An RFC 4180 CSV reader that works on decoded text, whole or in chunks of any size.
 *
 * Beyond the RFC, it reads what real shop exports contain: LF, CRLF or lone CR line ends (even mixed), a UTF-8
 * byte order mark (dropped), any single-character delimiter, and stray quotes read the way Excel and Python's
 * csv module read them: a quote inside an unquoted field is a literal character, and text after a closing quote
 * is kept (`"a"b` reads as `ab`). Blank lines are skipped. Field counts are not checked: what to do with a
 * row that is too short or too long is the importer's decision, not the reader's.
 */

export interface CsvOptions {
  /** One character; ',' unless given. */
  delimiter?: string;
}

/** A CSV text that cannot be read; `line` is 1-based, counted in physical lines of the text. */
export class CsvError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.name = 'CsvError';
    this.line = line;
  }
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;
const BOM = 0xfeff;

type State =
  /** Nothing of the current field read yet: a quote here opens a quoted field. */
  | 'fieldStart'
  | 'unquoted'
  | 'quoted'
  /** A quote inside a quoted field: either the first of a doubled quote or the closing quote. */
  | 'quoteInQuoted';

/**
 * An incremental reader: feed it text with `push` as it arrives and call `end` once at the end. Each call
 * returns the records completed so far, so memory holds one record at a time, however large the file.
 */
export class CsvParser {
  private readonly delimiter: number;
  private state: State = 'fieldStart';
  private record: string[] = [];
  private field = '';
  /** Tells a quoted empty field (`""`), which is a record, from a blank line, which is skipped. */
  private fieldWasQuoted = false;
  private line = 1;
  private quoteOpenedOnLine = 1;
  private atStreamStart = true;
  /** The last character of the previous chunk was CR, so an LF that starts this chunk completes a CRLF. */
  private previousChunkEndedWithCR = false;
  private ended = false;

  constructor(options: CsvOptions = {}) {
    this.delimiter = delimiterCode(options.delimiter ?? ',');
  }

  push(chunk: string): string[][] {
    if (this.ended) throw new Error('CsvParser.push was called after end()');
    const records: string[][] = [];
    let position = this.skipByteOrderMark(chunk);
    while (position < chunk.length) {
      position = this.step(chunk, position, records);
    }
    if (chunk.length > 0) this.previousChunkEndedWithCR = chunk.charCodeAt(chunk.length - 1) === CR;
    return records;
  }

  /** Completes the last record (a file need not end with a line break); throws if a quoted field is still open. */
  end(): string[][] {
    if (this.ended) return [];
    this.ended = true;
    if (this.state === 'quoted') {
      throw new CsvError(
        `Unterminated quoted field: the quote opened on line ${this.quoteOpenedOnLine} is never closed.`,
        this.quoteOpenedOnLine,
      );
    }
    const records: string[][] = [];
    this.endRecord(records);
    return records;
  }

  private skipByteOrderMark(chunk: string): number {
    if (!this.atStreamStart || chunk.length === 0) return 0;
    this.atStreamStart = false;
    return chunk.charCodeAt(0) === BOM ? 1 : 0;
  }

  /** Consumes text from `position` according to the current state; returns where it stopped. */
  private step(chunk: string, position: number, records: string[][]): number {
    switch (this.state) {
      case 'fieldStart':
        return this.startField(chunk, position);
      case 'unquoted':
        return this.readUnquoted(chunk, position, records);
      case 'quoted':
        return this.readQuoted(chunk, position);
      case 'quoteInQuoted':
        return this.readAfterQuote(chunk, position, records);
    }
  }

  private startField(chunk: string, position: number): number {
    if (chunk.charCodeAt(position) !== QUOTE) {
      this.state = 'unquoted';
      return position;
    }
    this.state = 'quoted';
    this.fieldWasQuoted = true;
    this.quoteOpenedOnLine = this.line;
    return position + 1;
  }

  /** The hot path: scans to the next delimiter or line end and takes the text before it as one slice. */
  private readUnquoted(chunk: string, position: number, records: string[][]): number {
    const delimiter = this.delimiter;
    let end = position;
    while (end < chunk.length) {
      const code = chunk.charCodeAt(end);
      if (code === delimiter || code === LF || code === CR) break;
      end++;
    }
    this.field += chunk.slice(position, end);
    if (end === chunk.length) return end;
    return this.readSeparator(chunk, end, records);
  }

  private readQuoted(chunk: string, position: number): number {
    const quote = chunk.indexOf('"', position);
    const end = quote === -1 ? chunk.length : quote;
    this.field += chunk.slice(position, end);
    this.line += this.countLineBreaks(chunk, position, end);
    if (quote === -1) return end;
    this.state = 'quoteInQuoted';
    return quote + 1;
  }

  private readAfterQuote(chunk: string, position: number, records: string[][]): number {
    const code = chunk.charCodeAt(position);
    if (code === QUOTE) {
      this.field += '"';
      this.state = 'quoted';
      return position + 1;
    }
    if (code === this.delimiter || code === LF || code === CR) return this.readSeparator(chunk, position, records);
    this.state = 'unquoted';
    return position;
  }

  /** At a delimiter, CR or LF that ends the current field. */
  private readSeparator(chunk: string, position: number, records: string[][]): number {
    const code = chunk.charCodeAt(position);
    if (code === this.delimiter) {
      this.endField();
    } else if (code === CR || !this.isPrecededByCR(chunk, position)) {
      this.line++;
      this.endRecord(records);
    }
    // What is left is the LF of a CRLF pair: the CR already ended the record.
    this.state = 'fieldStart';
    return position + 1;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }

  private endRecord(records: string[][]): void {
    const isBlankLine = this.record.length === 0 && this.field === '' && !this.fieldWasQuoted;
    if (!isBlankLine) {
      this.endField();
      records.push(this.record);
    }
    this.record = [];
    this.field = '';
    this.fieldWasQuoted = false;
  }

  /** Counts CR, LF and CRLF each as one line break, looking back across the chunk boundary for CRLF. */
  private countLineBreaks(chunk: string, start: number, end: number): number {
    let breaks = 0;
    for (let index = start; index < end; index++) {
      const code = chunk.charCodeAt(index);
      if (code === CR || (code === LF && !this.isPrecededByCR(chunk, index))) breaks++;
    }
    return breaks;
  }

  private isPrecededByCR(chunk: string, index: number): boolean {
    return index === 0 ? this.previousChunkEndedWithCR : chunk.charCodeAt(index - 1) === CR;
  }
}

function delimiterCode(delimiter: string): number {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new Error(
      `A CSV delimiter must be one character other than a quote or a line break; got ${JSON.stringify(delimiter)}`,
    );
  }
  return delimiter.charCodeAt(0);
}

/** Reads a whole CSV text into records of fields; the header, if any, is the first record. */
export function parseCsv(text: string, options: CsvOptions = {}): string[][] {
  const parser = new CsvParser(options);
  const records = parser.push(text);
  records.push(...parser.end());
  return records;
}
