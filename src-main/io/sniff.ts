/**
 * The layout of a delimited text file guessed from its first lines: which delimiter separates the fields, and
 * which row holds the column names.
 */
import { CsvError, CsvParser } from './csv';
import type { DelimiterEvidence } from '../shared/import';
import type { Confidence } from './encoding';

export type Delimiter = ',' | ';' | '\t' | '|';

/** In order of preference when two read the sample equally well. */
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

export interface DelimiterGuess {
  delimiter: Delimiter;
  confidence: Confidence;
  /** The field count most records have with this delimiter. */
  fieldCount: number;
  /** What decided, in English, for the command line and the stored import. */
  reason: string;
  /** The same for the interface to word in the user's language; absent when the user chose the delimiter. */
  evidence?: DelimiterEvidence;
}

/** Enough records to see the file's shape past a few title lines, few enough to stay instant. */
const SAMPLE_RECORDS = 50;

interface Reading {
  delimiter: Delimiter;
  fieldCount: number;
  /** Share of the sampled records that have `fieldCount` fields. */
  consistency: number;
}

/**
 * Reads the start of a decoded file with each delimiter (quotes respected, so a comma inside a quoted field does
 * not count) and picks the one whose records most consistently have the same number of fields, more than one.
 * Pass whole lines where possible: a final line cut short is read as a record of its own.
 */
export function sniffDelimiter(text: string): DelimiterGuess {
  const readings = DELIMITERS.map((delimiter) => readWith(text, delimiter)).filter((reading) => reading.fieldCount > 1);
  const best = readings.reduce<Reading | null>(
    (winner, reading) => (winner === null || reading.consistency > winner.consistency ? reading : winner),
    null,
  );
  if (!best) {
    return {
      delimiter: ',',
      confidence: 'guess',
      fieldCount: 1,
      reason: 'No delimiter splits the lines into more than one field, so the file is read as one column.',
      evidence: { code: 'one_column', params: {} },
    };
  }
  const percent = Math.round(best.consistency * 100);
  return {
    delimiter: best.delimiter,
    confidence: confidenceOf(best, readings),
    fieldCount: best.fieldCount,
    reason: `${percent}% of the first lines have ${best.fieldCount} fields when split by ${describeDelimiter(best.delimiter)}.`,
    evidence: {
      code: 'fields',
      params: { share: best.consistency, fields: best.fieldCount, delimiter: best.delimiter },
    },
  };
}

/** Certain when only one delimiter reads every line alike; likely when it reads most lines alike. */
function confidenceOf(best: Reading, readings: readonly Reading[]): Confidence {
  const rivals = readings.filter((reading) => reading !== best && reading.consistency === 1);
  if (best.consistency === 1 && rivals.length === 0) return 'certain';
  return best.consistency >= 0.8 ? 'likely' : 'guess';
}

function readWith(text: string, delimiter: Delimiter): Reading {
  const counts = sampleRecords(text, delimiter).map((record) => record.length);
  const fieldCount = mostCommon(counts);
  const matching = counts.filter((count) => count === fieldCount).length;
  return { delimiter, fieldCount, consistency: counts.length === 0 ? 0 : matching / counts.length };
}

function sampleRecords(text: string, delimiter: Delimiter): string[][] {
  const parser = new CsvParser({ delimiter });
  const records = parser.push(text);
  if (records.length >= SAMPLE_RECORDS) return records.slice(0, SAMPLE_RECORDS);
  try {
    records.push(...parser.end());
  } catch (error) {
    // A sample cut inside a quoted field: the records before it are all there is to go on.
    if (!(error instanceof CsvError)) throw error;
  }
  return records;
}

/** The most frequent value; the larger one when two are equally frequent (a header line and a data line differ). */
function mostCommon(values: readonly number[]): number {
  const frequency = new Map<number, number>();
  for (const value of values) frequency.set(value, (frequency.get(value) ?? 0) + 1);
  let best = 0;
  let bestFrequency = 0;
  for (const [value, count] of frequency) {
    if (count > bestFrequency || (count === bestFrequency && value > best)) {
      best = value;
      bestFrequency = count;
    }
  }
  return best;
}

function describeDelimiter(delimiter: Delimiter): string {
  switch (delimiter) {
    case ',':
      return 'commas';
    case ';':
      return 'semicolons';
    case '\t':
      return 'tabs';
    case '|':
      return 'vertical bars';
  }
}

/** Enough rows to get past the title lines some reports put above the header. */
const HEADER_SEARCH_ROWS = 20;

/**
 * The index of the row that holds the column names: the first row that fills (nearly) the table's whole width with
 * distinct, non-empty cells that are mostly not numbers or dates. It is usually 0; report exports put a title,
 * a date range or a blank-padded line above it. When no row looks like a header (a file of bare data), the
 * first row of the table's usual width is taken, and the user can change it in the wizard.
 */
export function detectHeaderRow(rows: readonly (readonly string[])[]): number {
  const searched = rows.slice(0, HEADER_SEARCH_ROWS);
  const width = mostCommon(rows.slice(0, SAMPLE_RECORDS).map(countFilledCells));
  const header = searched.findIndex((row) => looksLikeHeader(row, width));
  if (header !== -1) return header;
  const firstFull = searched.findIndex((row) => countFilledCells(row) >= width);
  return Math.max(firstFull, 0);
}

function looksLikeHeader(row: readonly string[], tableWidth: number): boolean {
  const cells = row.map((cell) => cell.trim()).filter((cell) => cell !== '');
  // A header names (nearly) every column; a title line above it fills one or two cells.
  if (cells.length < Math.max(Math.min(2, tableWidth), Math.ceil(tableWidth * 0.8))) return false;
  const distinct = new Set(cells.map((cell) => cell.toLowerCase()));
  if (distinct.size !== cells.length) return false;
  const valueLike = cells.filter(looksLikeValue).length;
  return valueLike <= cells.length * 0.2;
}

function countFilledCells(row: readonly string[]): number {
  let filled = 0;
  for (const cell of row) if (cell.trim() !== '') filled++;
  return filled;
}

/** Numbers, amounts, dates and times: cells with no letters in them (CJK characters count as letters). */
const VALUE_LIKE = /^[^\p{L}]*$/u;

function looksLikeValue(cell: string): boolean {
  return VALUE_LIKE.test(cell);
}
