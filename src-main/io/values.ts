/**
 * Cell values as shop exports write them: Excel's text markers, decimal commas, thousands separators, currency
 * signs and accounting negatives. `parseNumber` runs on every amount of every row, so it reads digits and
 * separators in one pass without allocating, and looks for signs and currencies around them only when that fails.
 */
import type { NumberFormatEvidence } from '../shared/import';

export interface NumberFormat {
  decimal: '.' | ',';
  /** '' when the column has no thousands separators. */
  thousands: ',' | '.' | ' ' | "'" | '';
}

export interface NumberFormatGuess extends NumberFormat {
  /** No value in the column settles the reading (e.g. only `1,234`): the UI should ask. */
  ambiguous: boolean;
  /** What decided, in English, for the command line. */
  reason: string;
  /** The same for the interface to word in the user's language. */
  evidence: NumberFormatEvidence;
}

const NON_BREAKING_SPACES = /[\u00a0\u202f]/g;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

/**
 * Trims a cell and removes what spreadsheets add to keep a value as text: a leading apostrophe (`'00123`) and a
 * formula wrapper (`="00123"`). Non-breaking spaces, which French and Chinese exports use as thousands separators
 * and as padding, become ordinary spaces.
 */
export function cleanCell(raw: string): string {
  const spaced = raw.includes('\u00a0') || raw.includes('\u202f') ? raw.replace(NON_BREAKING_SPACES, ' ') : raw;
  const text = spaced.trim();
  if (isFormulaWrapped(text)) return text.slice(2, -1).replaceAll('""', '"').trim();
  if (text.charCodeAt(0) === APOSTROPHE) return text.slice(1).trim();
  return text;
}

function isFormulaWrapped(text: string): boolean {
  return (
    text.length >= 3 &&
    text.charCodeAt(0) === EQUALS &&
    text.charCodeAt(1) === QUOTE &&
    text.charCodeAt(text.length - 1) === QUOTE
  );
}

type Separator = '.' | ',' | ' ' | "'";

/** What one value says about the column's number format. */
interface Evidence {
  /** The decimal separator this value proves, or null when it proves none. */
  decimal: '.' | ',' | null;
  /** A lone `1,234` or `1.234`: a thousands separator or a decimal with three places. */
  ambiguousSeparator: '.' | ',' | null;
  /** Separators this value uses between groups of three digits. */
  thousands: Separator[];
}

/**
 * Decides the decimal and thousands separators from a whole column, because one value rarely settles it:
 * `1.234,56` proves a decimal comma, `12,5` too, `1,234.56` a decimal point, while `1,234` alone could be
 * either and is read as one thousand two hundred and thirty-four unless another value shows a decimal comma.
 */
export function detectNumberFormat(samples: readonly string[]): NumberFormatGuess {
  const evidence = samples.map((sample) => readEvidence(cleanCell(sample))).filter((item) => item !== null);
  const commaProofs = evidence.filter((item) => item.decimal === ',').length;
  const pointProofs = evidence.filter((item) => item.decimal === '.').length;
  const conflicting = commaProofs > 0 && pointProofs > 0;
  if (commaProofs > 0 || pointProofs > 0) {
    const decimal = commaProofs > pointProofs ? ',' : '.';
    const [winning, losing] = decimal === ',' ? [commaProofs, pointProofs] : [pointProofs, commaProofs];
    const [reason, why]: [string, NumberFormatEvidence] = conflicting
      ? [
          `${winning} values use a decimal ${separatorName(decimal)} but ${losing} the other separator.`,
          { code: 'decimal_conflict', params: { decimal, count: winning, others: losing } },
        ]
      : [
          `${winning} values show a decimal ${separatorName(decimal)}.`,
          { code: 'decimal_shown', params: { decimal, count: winning } },
        ];
    return { decimal, thousands: thousandsFor(decimal, evidence), ambiguous: conflicting, reason, evidence: why };
  }
  const lone = evidence.filter((item) => item.ambiguousSeparator !== null);
  if (lone.length > 0) {
    const hasLoneComma = lone.some((item) => item.ambiguousSeparator === ',');
    const example = hasLoneComma ? '1,234' : '1.234';
    return {
      decimal: '.',
      thousands: hasLoneComma ? ',' : thousandsFor('.', evidence),
      ambiguous: true,
      reason: `Values like ${example} could use either separator; read with a decimal point.`,
      evidence: { code: 'either_separator', params: { example } },
    };
  }
  return {
    decimal: '.',
    thousands: thousandsFor('.', evidence),
    ambiguous: false,
    reason: 'No value has a decimal part.',
    evidence: { code: 'no_decimals', params: {} },
  };
}

function separatorName(separator: '.' | ','): string {
  return separator === ',' ? 'comma' : 'point';
}

/** The thousands separator the column uses with this decimal separator, the punctuation one first. */
function thousandsFor(decimal: '.' | ',', evidence: readonly Evidence[]): NumberFormat['thousands'] {
  const other = decimal === ',' ? '.' : ',';
  const used = new Set<Separator>();
  for (const item of evidence) {
    for (const separator of item.thousands) used.add(separator);
    if (item.ambiguousSeparator === other) used.add(other);
  }
  const preference: Separator[] = [other, ' ', "'"];
  return preference.find((separator) => used.has(separator)) ?? '';
}

/** Separators that can only be thousands separators. */
const GROUP_SPACERS: readonly Separator[] = [' ', "'"];

/** The stretch of a value from its first digit to its last, with the separators between. */
const NUMBER_CORE = /\d(?:[\d.,' ]*\d)?/;

function readEvidence(value: string): Evidence | null {
  const core = NUMBER_CORE.exec(value)?.[0];
  if (core === undefined) return null;
  const groupSpacers = GROUP_SPACERS.filter((spacer) => core.includes(spacer));
  const commas = countOf(core, ',');
  const points = countOf(core, '.');
  if (commas > 0 && points > 0) {
    const decimal = core.lastIndexOf(',') > core.lastIndexOf('.') ? ',' : '.';
    return { decimal, ambiguousSeparator: null, thousands: [decimal === ',' ? '.' : ',', ...groupSpacers] };
  }
  if (commas === 0 && points === 0) return { decimal: null, ambiguousSeparator: null, thousands: groupSpacers };
  const separator = commas > 0 ? ',' : '.';
  const other = separator === ',' ? '.' : ',';
  if (Math.max(commas, points) > 1) return { decimal: other, ambiguousSeparator: null, thousands: [separator] };
  return readSingleSeparator(core, separator, groupSpacers);
}

/** One `,` or one `.`: a decimal unless it is followed by exactly three digits of a short integer part. */
function readSingleSeparator(core: string, separator: '.' | ',', groupSpacers: Separator[]): Evidence {
  const at = core.indexOf(separator);
  const integerPart = core.slice(0, at);
  const decimalPlaces = core.length - at - 1;
  const provesDecimal = groupSpacers.length > 0 || decimalPlaces !== 3 || integerPart === '0' || integerPart.length > 3;
  return provesDecimal
    ? { decimal: separator, ambiguousSeparator: null, thousands: groupSpacers }
    : { decimal: null, ambiguousSeparator: separator, thousands: groupSpacers };
}

function countOf(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const POINT = 0x2e;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const UNICODE_MINUS = 0x2212;
const OPEN_PARENTHESIS = 0x28;
const CLOSE_PARENTHESIS = 0x29;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** Digits a double holds exactly, so that digits / 10^places is the correctly rounded value. */
const MAX_EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_DIGITS + 1 }, (_, exponent) => 10 ** exponent);

/**
 * Reads an amount or quantity written in `format`: `1.234,56`, `-12`, `12-`, `(12.50)`, `£12.50`, `12,50 €`,
 * `RMB 1,234`, `1.5E+3`. Returns null for text that is not a number (never NaN), including a value that breaks
 * the format, such as `12,5` when the format has a decimal point, so a wrong format shows up as rejected rows.
 * Nothing is allocated unless the value has more than 15 digits or an exponent.
 */
export function parseNumber(raw: string, format: NumberFormat): number | null {
  const negative = raw.charCodeAt(0) === MINUS;
  const plain = readDecimal(raw, negative ? 1 : 0, raw.length, format);
  if (Number.isFinite(plain)) return withSign(plain, negative);
  if (!findNumberBetweenAffixes(raw)) return null;
  const value = readDecimal(raw, span.start, span.end, format);
  return Number.isFinite(value) ? withSign(value, span.negative) : null;
}

function withSign(value: number, negative: boolean): number {
  return negative && value !== 0 ? -value : value;
}

/**
 * Reads `text[start, end)` as digits with an optional decimal separator, thousands separators between groups of
 * three, and an exponent; NaN for anything else. Up to 15 digits it computes the value itself: dividing an exact
 * integer by an exact power of ten rounds once, so the result is what Number() would give.
 */
function readDecimal(text: string, start: number, end: number, format: NumberFormat): number {
  const decimalCode = format.decimal === ',' ? COMMA : POINT;
  let mantissa = 0;
  let digits = 0;
  let places = -1;
  let grouped = false;
  let groupDigits = 0;
  let exponentAt = -1;
  for (let position = start; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      mantissa = mantissa * 10 + (code - DIGIT_0);
      digits++;
      groupDigits++;
      if (places >= 0) places++;
    } else if (code === decimalCode && places < 0) {
      if (grouped && groupDigits !== 3) return NaN;
      places = 0;
    } else if (places < 0 && isThousandsSeparator(code, format)) {
      // The first group has one to three digits, every later one exactly three.
      if (grouped ? groupDigits !== 3 : groupDigits === 0 || groupDigits > 3) return NaN;
      grouped = true;
      groupDigits = 0;
    } else if ((code === LOWER_E || code === UPPER_E) && digits > 0 && isExponent(text, position + 1, end)) {
      exponentAt = position;
      break;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || (grouped && places < 0 && groupDigits !== 3)) return NaN;
  if (digits > MAX_EXACT_DIGITS || exponentAt >= 0) return Number(toNumberLiteral(text, start, end, format));
  return places > 0 ? mantissa / (POWERS_OF_TEN[places] ?? 10 ** places) : mantissa;
}

/** `+3`, `-2`, `12`: a signed exponent of one to three digits running to the end. */
function isExponent(text: string, start: number, end: number): boolean {
  const sign = text.charCodeAt(start);
  const first = sign === PLUS || sign === MINUS ? start + 1 : start;
  if (end - first < 1 || end - first > 3) return false;
  for (let position = first; position < end; position++) {
    const code = text.charCodeAt(position);
    if (!isDigit(code)) return false;
  }
  return true;
}

/** The text of a number `readDecimal` has validated, in the form Number() reads: `1.234,5e3` → `1234.5e3`. */
function toNumberLiteral(text: string, start: number, end: number, format: NumberFormat): string {
  const decimalCode = format.decimal === ',' ? COMMA : POINT;
  let literal = '';
  for (let position = start; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code === LOWER_E || code === UPPER_E) return literal + text.slice(position, end);
    if (code === decimalCode) literal += '.';
    else if (isDigit(code)) literal += text[position];
  }
  return literal;
}

function isThousandsSeparator(code: number, format: NumberFormat): boolean {
  switch (format.thousands) {
    case ',':
      return code === COMMA;
    case '.':
      return code === POINT;
    case ' ':
      return isSpace(code);
    case "'":
      return code === APOSTROPHE || code === 0x2019;
    case '':
      return false;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0xa0 || code === 0x202f || code === 0x2009;
}

/** Where the number is once `findNumberBetweenAffixes` has peeled its affixes; reused to avoid allocating. */
const span = { start: 0, end: 0, negative: false };

/**
 * Peels spaces, a sign (leading or trailing), accounting parentheses and one currency symbol or code off either
 * end, in any order (`-$12`, `$-12`, `($12.50)`, `12.50 USD-`), and leaves the rest in `span`. Two signs
 * (`-(12)`) or two currencies are refused rather than guessed.
 */
function findNumberBetweenAffixes(raw: string): boolean {
  let start = 0;
  let end = raw.length;
  let signs = 0;
  let negative = false;
  let currencies = 0;
  for (;;) {
    while (start < end && isSpace(raw.charCodeAt(start))) start++;
    while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
    if (start === end) break;
    const first = raw.charCodeAt(start);
    const last = raw.charCodeAt(end - 1);
    if (isDigit(first) && isDigit(last)) break;
    if (first === OPEN_PARENTHESIS && last === CLOSE_PARENTHESIS) {
      signs++;
      negative = true;
      start++;
      end--;
    } else if (isSign(first)) {
      signs++;
      negative = first !== PLUS;
      start++;
    } else if (last === MINUS || last === UNICODE_MINUS) {
      signs++;
      negative = true;
      end--;
    } else if (isCurrencySymbol(first)) {
      currencies++;
      start++;
    } else if (isCurrencySymbol(last)) {
      currencies++;
      end--;
    } else if (isCurrencyCode(raw, start, end)) {
      currencies++;
      start += 3;
    } else if (isCurrencyCode(raw, end - 3, end)) {
      currencies++;
      end -= 3;
    } else {
      break;
    }
  }
  span.start = start;
  span.end = end;
  span.negative = negative;
  return signs <= 1 && currencies <= 1;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

function isSign(code: number): boolean {
  return code === MINUS || code === UNICODE_MINUS || code === PLUS;
}

function isCurrencySymbol(code: number): boolean {
  return (
    code === 0x24 || // $
    code === 0xa3 || // £
    code === 0xa5 || // ¥
    code === 0x20ac || // €
    code === 0xffe5 || // ￥ (full width, from Chinese platforms)
    code === 0x5143 // 元
  );
}

const CURRENCY_CODES = ['RMB', 'CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'TWD', 'AUD', 'CAD', 'CHF'];

/** A currency code in any case at `text[at, at + 3)`, within `end`. */
function isCurrencyCode(text: string, at: number, end: number): boolean {
  if (at < 0 || at + 3 > end) return false;
  const first = text.charCodeAt(at) & ~0x20;
  const second = text.charCodeAt(at + 1) & ~0x20;
  const third = text.charCodeAt(at + 2) & ~0x20;
  for (const code of CURRENCY_CODES) {
    if (first === code.charCodeAt(0) && second === code.charCodeAt(1) && third === code.charCodeAt(2)) return true;
  }
  return false;
}
