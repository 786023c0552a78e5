/**
 * Dates and times as shop exports write them: ISO 8601 with or without an offset, `m/d/y` and `d/m/y` with
 * two- or four-digit years, `yyyy/m/d`, German `d.m.yyyy`, Chinese `2011年12月9日`, 12- or 24-hour times, and
 * Excel serial numbers. Whether `9/12/2011` is the 9th of December or the 12th of September is decided once
 * per column, from all its values, and shown to the user.
 *
 * `parseDate` runs on every row, so it reads the common ISO shape at fixed positions and anything else with one
 * reused scanner, and allocates only its result.
 */

export type DateOrder = 'ymd' | 'dmy' | 'mdy';

export interface DateFormatGuess {
  /** How to read values with the year last; values with the year first are read as such whatever this says. */
  order: DateOrder;
  /** No value settles the day/month order (all days ≤ 12), or the values contradict each other. */
  ambiguous: boolean;
  /** The last day of 2011 as the column writes dates (`31.12.2011`), for naming the format in any language. */
  example: string;
  /** The format in English, e.g. "day/month/year (31/12/2011)". */
  label: string;
}

export interface ParsedDate {
  /** The instant, in ms since 1970-01-01 UTC; a wall time without an offset is taken as UTC. */
  epochMs: number;
  /** The offset the text gave (+08:00 → 480), or null when it gave none. */
  utcOffsetMin: number | null;
}

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const POINT = 0x2e;
const COMMA = 0x2c;
const SLASH = 0x2f;
const HYPHEN = 0x2d;
const PLUS = 0x2b;
const LETTER_T = 0x54;
const LETTER_Z = 0x5a;
const YEAR_MARK = 0x5e74; // 年
const MONTH_MARK = 0x6708; // 月
const DAY_MARK = 0x65e5; // 日

/** A cursor over one value's text. Reads past either end give -1, never NaN, so the code stays integer-only. */
class Scanner {
  private text = '';
  private length = 0;
  position = 0;
  /** How many digits the last `number` call read. */
  digits = 0;

  reset(text: string): void {
    this.text = text;
    this.length = text.length;
    this.position = 0;
  }

  get atEnd(): boolean {
    return this.position >= this.length;
  }

  peek(): number {
    return this.codeAt(this.position);
  }

  previousIs(code: number): boolean {
    return this.codeAt(this.position - 1) === code;
  }

  accept(code: number): boolean {
    if (this.codeAt(this.position) !== code) return false;
    this.position++;
    return true;
  }

  /** Accepts one ASCII letter in either case, given in upper case. */
  acceptLetter(upperCode: number): boolean {
    if (this.letterAt(this.position) !== upperCode) return false;
    this.position++;
    return true;
  }

  /** Accepts a word of ASCII letters in any case, given in upper case. */
  acceptWord(upperWord: string): boolean {
    for (let offset = 0; offset < upperWord.length; offset++) {
      if (this.letterAt(this.position + offset) !== upperWord.charCodeAt(offset)) return false;
    }
    this.position += upperWord.length;
    return true;
  }

  /** Returns how many spaces it skipped. */
  skipSpaces(): number {
    const start = this.position;
    for (let code = this.peek(); code === SPACE || code === TAB; code = this.peek()) this.position++;
    return this.position - start;
  }

  /** Reads up to `maxDigits` digits as a number; -1 when none are there. */
  number(maxDigits: number): number {
    let value = 0;
    let digits = 0;
    while (digits < maxDigits) {
      const code = this.peek();
      if (code < DIGIT_0 || code > DIGIT_9) break;
      value = value * 10 + (code - DIGIT_0);
      digits++;
      this.position++;
    }
    this.digits = digits;
    return digits === 0 ? -1 : value;
  }

  private codeAt(position: number): number {
    return position >= 0 && position < this.length ? this.text.charCodeAt(position) : -1;
  }

  /** The ASCII letter at `position` in upper case, else -1. */
  private letterAt(position: number): number {
    const upper = this.codeAt(position) & ~0x20;
    return upper >= 0x41 && upper <= 0x5a ? upper : -1;
  }
}

/** The fields of the value being parsed. */
class DateFields {
  year = 0;
  month = 0;
  day = 0;
  hour = 0;
  minute = 0;
  second = 0;
  millisecond = 0;
  utcOffsetMin: number | null = null;

  clearTime(): void {
    this.hour = 0;
    this.minute = 0;
    this.second = 0;
    this.millisecond = 0;
    this.utcOffsetMin = null;
  }
}

// One of each, reused: parsing is synchronous, so no two calls ever share them.
const scanner = new Scanner();
const fields = new DateFields();

/**
 * Reads a date with an optional time and UTC offset; null when the text is not one or names a day that does not
 * exist (31/02/2011, 29/02/2011). `order` says how to read the day, month and year when the year is not first;
 * a two-digit year is 20yy below 70 and 19yy from 70 on.
 */
export function parseDate(raw: string, order: DateOrder): ParsedDate | null {
  return parseIsoDate(raw) ?? parseAnyDate(raw, order);
}

/**
 * The fast path, for the shape most exports use, read at fixed positions: `yyyy-mm-dd`, optionally with
 * ` hh:mm` or ` hh:mm:ss` (or a `T`), optionally with `Z` or an offset (`+08:00`, ` +0800`). Null for anything
 * else, which the general path then reads or rejects.
 */
function parseIsoDate(raw: string): ParsedDate | null {
  const length = raw.length;
  if (length < 10 || raw.charCodeAt(4) !== HYPHEN || raw.charCodeAt(7) !== HYPHEN) return null;
  const wallLength = length >= 19 && raw.charCodeAt(16) === COLON ? 19 : length >= 16 ? 16 : 10;
  const wallMs = isoWallTime(raw, wallLength);
  if (Number.isNaN(wallMs)) return null;
  if (wallLength === length) return { epochMs: wallMs, utcOffsetMin: null };
  const offset = isoUtcOffset(raw, wallLength);
  return Number.isNaN(offset) ? null : { epochMs: wallMs - offset * MS_PER_MINUTE, utcOffsetMin: offset };
}

/** `yyyy-mm-dd[( |T)hh:mm[:ss]]` as the first `wallLength` (10, 16 or 19) characters; NaN if they are not. */
function isoWallTime(raw: string, wallLength: number): number {
  const year = digitsAt(raw, 0, 4);
  const month = digitsAt(raw, 5, 2);
  const day = digitsAt(raw, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  const dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (wallLength === 10) return dayMs;
  const separator = raw.charCodeAt(10);
  if ((separator !== SPACE && separator !== LETTER_T) || raw.charCodeAt(13) !== COLON) return NaN;
  const hour = digitsAt(raw, 11, 2);
  const minute = digitsAt(raw, 14, 2);
  const second = wallLength === 19 ? digitsAt(raw, 17, 2) : 0;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  return dayMs + ((hour * 60 + minute) * 60 + second) * MS_PER_SECOND;
}

/** `Z`, or an optional space, a sign and `hh:mm` or `hhmm`, running from `start` to the end; NaN otherwise. */
function isoUtcOffset(raw: string, start: number): number {
  if (start === raw.length - 1 && raw.charCodeAt(start) === LETTER_Z) return 0;
  const signAt = raw.charCodeAt(start) === SPACE ? start + 1 : start;
  const signCode = raw.charCodeAt(signAt);
  const sign = signCode === PLUS ? 1 : signCode === HYPHEN ? -1 : 0;
  const minutesAt = raw.charCodeAt(signAt + 3) === COLON ? signAt + 4 : signAt + 3;
  const hours = digitsAt(raw, signAt + 1, 2);
  const minutes = digitsAt(raw, minutesAt, 2);
  if (sign === 0 || minutesAt + 2 !== raw.length || hours < 0 || hours > 14 || minutes < 0 || minutes > 59) {
    return NaN;
  }
  return sign * (hours * 60 + minutes);
}

/** The number written by `count` digits at `start`, or -1 if any of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let position = start; position < start + count; position++) {
    const digit = text.charCodeAt(position) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) return -1; // also past the end, where charCodeAt gives NaN
    value = value * 10 + digit;
  }
  return value;
}

function parseAnyDate(raw: string, order: DateOrder): ParsedDate | null {
  scanner.reset(raw);
  scanner.skipSpaces();
  fields.clearTime();
  if (!readCalendarDate(order) || !readRestOfValue() || !fieldsAreValid()) return null;
  const wallMs =
    daysFromCivil(fields.year, fields.month, fields.day) * MS_PER_DAY +
    ((fields.hour * 60 + fields.minute) * 60 + fields.second) * MS_PER_SECOND +
    fields.millisecond;
  const offset = fields.utcOffsetMin;
  return { epochMs: offset === null ? wallMs : wallMs - offset * MS_PER_MINUTE, utcOffsetMin: offset };
}

function readCalendarDate(order: DateOrder): boolean {
  const first = scanner.number(4);
  const firstDigits = scanner.digits;
  const separator = scanner.peek();
  if (first < 0 || !isDateSeparator(separator)) return false;
  scanner.position++;
  const second = scanner.number(2);
  if (second < 0 || !scanner.accept(separator === YEAR_MARK ? MONTH_MARK : separator)) return false;
  const third = scanner.number(4);
  const thirdDigits = scanner.digits;
  if (third < 0) return false;
  if (separator === YEAR_MARK) {
    scanner.accept(DAY_MARK);
    return assignParts(first, firstDigits, second, third);
  }
  if (firstDigits === 4) return thirdDigits <= 2 && assignParts(first, firstDigits, second, third);
  if (thirdDigits === 4) {
    return order === 'mdy' ? assignParts(third, 4, first, second) : assignParts(third, 4, second, first);
  }
  return firstDigits <= 2 && thirdDigits <= 2 && assignTwoDigitYearParts(first, second, third, order);
}

/** What may follow the date: a time, an offset, spaces; most values end right after the date or the time. */
function readRestOfValue(): boolean {
  if (scanner.atEnd) return true;
  if (!readTimeOfDay()) return false;
  if (scanner.atEnd) return true;
  if (!readUtcOffset()) return false;
  scanner.skipSpaces();
  return scanner.atEnd;
}

function isDateSeparator(code: number): boolean {
  return code === HYPHEN || code === SLASH || code === POINT || code === YEAR_MARK;
}

/** With a two-digit year the order alone says where the year is: `11/12/09` is 2009-11-12 in m/d/y. */
function assignTwoDigitYearParts(first: number, second: number, third: number, order: DateOrder): true {
  switch (order) {
    case 'ymd':
      return assignParts(first, 2, second, third);
    case 'dmy':
      return assignParts(third, 2, second, first);
    case 'mdy':
      return assignParts(third, 2, first, second);
  }
}

function assignParts(year: number, yearDigits: number, month: number, day: number): true {
  fields.year = yearDigits <= 2 ? expandTwoDigitYear(year) : year;
  fields.month = month;
  fields.day = day;
  return true;
}

function expandTwoDigitYear(year: number): number {
  return year < 70 ? 2000 + year : 1900 + year;
}

/** `[T| ]H:MM[:SS[.fff]] [AM|PM]`, or nothing. A time must be set off from the date, except after 日. */
function readTimeOfDay(): boolean {
  const afterDayMark = scanner.previousIs(DAY_MARK);
  const spaces = scanner.skipSpaces();
  const isoT = spaces === 0 && scanner.acceptLetter(LETTER_T);
  const hour = scanner.number(2);
  if (hour < 0) return !isoT;
  if (!(spaces > 0 || isoT || afterDayMark) || !scanner.accept(COLON)) return false;
  fields.hour = hour;
  fields.minute = scanner.number(2);
  if (scanner.digits !== 2) return false;
  if (scanner.accept(COLON)) {
    fields.second = scanner.number(2);
    if (scanner.digits !== 2) return false;
    if (scanner.accept(POINT) || scanner.accept(COMMA)) fields.millisecond = readMilliseconds();
  }
  return scanner.atEnd || readMeridiem();
}

/** Fractions of a second beyond milliseconds are dropped. */
function readMilliseconds(): number {
  const start = scanner.position;
  const value = scanner.number(3);
  const digits = scanner.digits;
  scanner.number(Infinity);
  if (digits === 0) scanner.position = start;
  return digits === 0 ? 0 : value * 10 ** (3 - digits);
}

/** An optional AM or PM after the time; with it the hour must be 1–12. */
function readMeridiem(): boolean {
  const start = scanner.position;
  scanner.skipSpaces();
  const isAm = scanner.acceptWord('AM');
  const isPm = !isAm && scanner.acceptWord('PM');
  if (!isAm && !isPm) {
    scanner.position = start;
    return true;
  }
  if (fields.hour < 1 || fields.hour > 12) return false;
  fields.hour = (fields.hour % 12) + (isPm ? 12 : 0);
  return true;
}

/** `+08:00`, `+0800`, `+08`, `-05:00`, `Z`, `UTC`, `GMT`, `GMT+01:00`, each optionally after spaces. */
function readUtcOffset(): boolean {
  scanner.skipSpaces();
  if (scanner.acceptLetter(LETTER_Z)) {
    fields.utcOffsetMin = 0;
    return true;
  }
  if (scanner.acceptWord('UTC') || scanner.acceptWord('GMT')) fields.utcOffsetMin = 0;
  const sign = scanner.accept(PLUS) ? 1 : scanner.accept(HYPHEN) ? -1 : 0;
  if (sign === 0) return true;
  const hours = scanner.number(2);
  if (scanner.digits !== 2) return false;
  const colon = scanner.accept(COLON);
  const minutes = scanner.number(2);
  const minutesAreWellFormed = minutes < 0 ? !colon : scanner.digits === 2;
  if (!minutesAreWellFormed || hours > 14 || minutes > 59) return false;
  fields.utcOffsetMin = sign * (hours * 60 + Math.max(minutes, 0));
  return true;
}

function fieldsAreValid(): boolean {
  const { year, month, day } = fields;
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    fields.hour <= 23 &&
    fields.minute <= 59 &&
    fields.second <= 59
  );
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, by Howard Hinnant's `days_from_civil`: plain integer
 * arithmetic, so no time zone or daylight saving time can creep in.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

type Reading = 'yearFirst' | 'dmy' | 'mdy' | 'either';

/**
 * Decides how a column's dates are written from all its values. A value that only reads as day/month/year
 * (`31/12/2011`) proves d/m/y, one that only reads as month/day/year (`12/31/2011`) proves m/d/y; when none
 * decides, the order is `hint` (a preset's or the user's locale), else d/m/y, and the result says it is
 * ambiguous. Values with the year first (ISO, `2011/12/9`, `2011年12月9日`) do not vote. Null when no value is a date.
 */
export function detectDateFormat(samples: readonly string[], hint?: 'mdy' | 'dmy'): DateFormatGuess | null {
  const tally: Record<Reading, number> = { yearFirst: 0, dmy: 0, mdy: 0, either: 0 };
  const separators: Partial<Record<Reading, string>> = {};
  for (const sample of samples) {
    const reading = readingOf(sample);
    if (reading === null) continue;
    tally[reading]++;
    separators[reading] ??= separatorOf(sample);
  }
  const yearLast = tally.dmy + tally.mdy + tally.either;
  if (yearLast === 0) {
    return tally.yearFirst === 0 ? null : guess('ymd', false, separators.yearFirst);
  }
  const separator = separators.dmy ?? separators.mdy ?? separators.either;
  if (tally.dmy > tally.mdy) return guess('dmy', tally.mdy > 0, separator);
  if (tally.mdy > tally.dmy) return guess('mdy', tally.dmy > 0, separator);
  return guess(hint ?? 'dmy', true, separator);
}

function readingOf(sample: string): Reading | null {
  const asDmy = parseDate(sample, 'dmy');
  const asMdy = parseDate(sample, 'mdy');
  if (asDmy === null && asMdy === null) return null;
  if (startsWithYear(sample)) return 'yearFirst';
  if (asDmy !== null && asMdy !== null) return 'either';
  return asDmy !== null ? 'dmy' : 'mdy';
}

function startsWithYear(sample: string): boolean {
  const text = sample.trimStart();
  let digits = 0;
  while (digits < text.length && isDigit(text.charCodeAt(digits))) digits++;
  return digits === 4 || text.charCodeAt(digits) === YEAR_MARK;
}

/** The character after the leading number: `/` in `9/12/2011`. */
function separatorOf(sample: string): string {
  const text = sample.trimStart();
  let position = 0;
  while (position < text.length && isDigit(text.charCodeAt(position))) position++;
  return text.charAt(position);
}

function isDigit(code: number): boolean {
  return code >= DIGIT_0 && code <= DIGIT_9;
}

const ORDER_NAMES: Record<DateOrder, string> = {
  ymd: 'year/month/day',
  dmy: 'day/month/year',
  mdy: 'month/day/year',
};

function guess(order: DateOrder, ambiguous: boolean, separator = order === 'ymd' ? '-' : '/'): DateFormatGuess {
  const example = exampleDate(order, separator);
  return { order, ambiguous, example, label: `${ORDER_NAMES[order]} (${example})` };
}

/** The last day of 2011 written in `order`, so that the day cannot be mistaken for the month. */
function exampleDate(order: DateOrder, separator: string): string {
  if (separator === '年') return '2011年12月31日';
  const parts = order === 'ymd' ? ['2011', '12', '31'] : order === 'dmy' ? ['31', '12', '2011'] : ['12', '31', '2011'];
  return parts.join(separator);
}

/** Excel's serial for 1970-01-01 in the 1900 date system, counted from 1899-12-30 as from serial 61 on. */
const EXCEL_UNIX_EPOCH = 25_569;
/** The serial of the 29th of February 1900, a day that never was. */
const EXCEL_PHANTOM_LEAP_DAY = 60;

/**
 * An Excel date serial (1900 date system, the default) as epoch ms, the time of day being the fractional part.
 * Excel counts 1900 as a leap year, as Lotus 1-2-3 did, so serials before its phantom 29 February (60) are one
 * day off: 1 is 1900-01-01 and 59 is 1900-02-28. Serial 60 itself is read as 1900-02-28, as openpyxl does.
 * The result is rounded to the millisecond, which undoes the binary fraction error of times like 8:26.
 */
export function excelSerialToEpochMs(serial: number): number {
  const days = serial < EXCEL_PHANTOM_LEAP_DAY ? serial + 1 : serial;
  return Math.round((days - EXCEL_UNIX_EPOCH) * MS_PER_DAY);
}
