import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src-main/io/csv';
import { detectDateFormat, excelSerialToEpochMs, parseDate, type DateOrder } from '../../src-main/io/dates';

const utc = Date.UTC;
const HOUR = 3_600_000;

describe('parseDate', () => {
  it.each([
    ['2011-12-09', 'dmy', utc(2011, 11, 9)],
    ['2011-12-09 12:50:00', 'dmy', utc(2011, 11, 9, 12, 50)],
    ['2011-12-09T12:50:00', 'mdy', utc(2011, 11, 9, 12, 50)],
    ['2011-12-09 12:50:00.250', 'dmy', utc(2011, 11, 9, 12, 50, 0, 250)],
    ['2011-12-09T12:50:00.1234567', 'dmy', utc(2011, 11, 9, 12, 50, 0, 123)],
    ['12/9/2011 8:26', 'mdy', utc(2011, 11, 9, 8, 26)],
    ['9/12/2011 08:26', 'dmy', utc(2011, 11, 9, 8, 26)],
    ['12/1/2010 8:26', 'mdy', utc(2010, 11, 1, 8, 26)],
    ['2011/12/9 8:26', 'mdy', utc(2011, 11, 9, 8, 26)],
    ['2011/12/09 08:26:00', 'dmy', utc(2011, 11, 9, 8, 26)],
    ['2016/8/1 11:05', 'dmy', utc(2016, 7, 1, 11, 5)],
    ['12/9/11', 'mdy', utc(2011, 11, 9)],
    ['9/12/69', 'dmy', utc(2069, 11, 9)],
    ['9/12/70', 'dmy', utc(1970, 11, 9)],
    ['11/12/09', 'ymd', utc(2011, 11, 9)],
    ['2011年12月9日 8:26', 'mdy', utc(2011, 11, 9, 8, 26)],
    ['2011年12月9日8:26:30', 'dmy', utc(2011, 11, 9, 8, 26, 30)],
    ['2011年12月9日', 'dmy', utc(2011, 11, 9)],
    ['9.12.2011', 'dmy', utc(2011, 11, 9)],
    ['09.12.2011 14:05:09', 'dmy', utc(2011, 11, 9, 14, 5, 9)],
    ['09-12-2011', 'dmy', utc(2011, 11, 9)],
    ['12/9/2011 8:26 AM', 'mdy', utc(2011, 11, 9, 8, 26)],
    ['12/9/2011 8:26:15 pm', 'mdy', utc(2011, 11, 9, 20, 26, 15)],
    ['12/9/2011 12:05 AM', 'mdy', utc(2011, 11, 9, 0, 5)],
    ['12/9/2011 12:05 PM', 'mdy', utc(2011, 11, 9, 12, 5)],
    ['12/9/2011 8:26PM', 'mdy', utc(2011, 11, 9, 20, 26)],
    ['  2011-12-09  ', 'dmy', utc(2011, 11, 9)],
    // 'ymd' has no say over a four-digit year at the end: the day comes first, as in most of the world.
    ['9/12/2011', 'ymd', utc(2011, 11, 9)],
  ] as const)('%j (%s) is a wall time, taken as UTC', (raw, order, epochMs) => {
    expect(parseDate(raw, order)).toEqual({ epochMs, utcOffsetMin: null });
  });

  it.each([
    ['2011-12-09T12:50:00Z', utc(2011, 11, 9, 12, 50), 0],
    ['2011-12-09 12:50:00 UTC', utc(2011, 11, 9, 12, 50), 0],
    ['2011-12-09T12:50:00+08:00', utc(2011, 11, 9, 4, 50), 480],
    ['2011-12-09 12:50:00 +0800', utc(2011, 11, 9, 4, 50), 480],
    ['2011-12-09 12:50:00 +08', utc(2011, 11, 9, 4, 50), 480],
    ['2011-12-09 12:50:00 -0500', utc(2011, 11, 9, 17, 50), -300],
    ['2011-12-09T12:50:00+05:45', utc(2011, 11, 9, 7, 5), 345],
    ['2011-12-09 02:00:00 +1400', utc(2011, 11, 8, 12), 840],
    ['2011-12-31 23:30:00 -02:00', utc(2012, 0, 1, 1, 30), -120],
    ['12/9/2011 8:26 PM GMT+01:00', utc(2011, 11, 9, 19, 26), 60],
    ['2011-12-09 12:50:00 +0000', utc(2011, 11, 9, 12, 50), 0],
    ['2011-12-09 12:50 +0800', utc(2011, 11, 9, 4, 50), 480],
    ['2011-12-09T12:50Z', utc(2011, 11, 9, 12, 50), 0],
    ['2011-12-09T12:50:00.5-03:30', utc(2011, 11, 9, 16, 20, 0, 500), -210],
  ])('%j is the instant %d with offset %d', (raw, epochMs, utcOffsetMin) => {
    expect(parseDate(raw, 'mdy')).toEqual({ epochMs, utcOffsetMin });
  });

  it('counts leap days by the Gregorian rules, with no time zone or DST in the arithmetic', () => {
    expect(parseDate('29/02/2012', 'dmy')?.epochMs).toBe(utc(2012, 1, 29));
    expect(parseDate('2000-02-29', 'dmy')?.epochMs).toBe(utc(2000, 1, 29));
    expect(parseDate('2400-02-29', 'dmy')?.epochMs).toBe(utc(2400, 1, 29));
    expect(parseDate('29/02/2011', 'dmy')).toBeNull();
    expect(parseDate('1900-02-29', 'dmy')).toBeNull();
    expect(parseDate('2100-02-29', 'dmy')).toBeNull();
    // Around European and US daylight saving changes, a day is still exactly 24 hours.
    const march26 = parseDate('2017-03-26', 'dmy')?.epochMs ?? 0;
    expect(parseDate('2017-03-27', 'dmy')?.epochMs).toBe(march26 + 24 * HOUR);
    expect(parseDate('1969-12-31 23:59:59', 'dmy')?.epochMs).toBe(-1000);
    expect(parseDate('0001-01-01', 'dmy')?.epochMs).toBe(-62_135_596_800_000);
  });

  it.each([
    ['31/02/2011', 'dmy'],
    ['02/31/2011', 'mdy'],
    ['31/04/2011', 'dmy'],
    ['13/12/2011', 'mdy'],
    ['0/12/2011', 'dmy'],
    ['2011-00-10', 'dmy'],
    ['2011-12-09 24:00', 'dmy'],
    ['2011-12-09 12:60', 'dmy'],
    ['2011-12-09 12:50:61', 'dmy'],
    ['12/9/2011 13:00 PM', 'mdy'],
    ['12/9/2011 0:30 AM', 'mdy'],
    ['2011-12-09T', 'dmy'],
    ['2011-12-09 12', 'dmy'],
    ['2011-12-09 12:5', 'dmy'],
    ['2011-12-09 12:50 +8', 'dmy'],
    ['2011-12-09 12:50 +15:00', 'dmy'],
    ['2011-12-09 12:50 +08:0', 'dmy'],
    ['2011-12-09 12:50:00 +08:00x', 'dmy'],
    ['2011-02-29 10:00:00 +0000', 'dmy'],
    ['2011-12-09 12:50:00Zulu', 'dmy'],
    ['2011-12-0912:50', 'dmy'],
    ['2011/12-09', 'dmy'],
    ['20111209', 'dmy'],
    ['123/1/1', 'ymd'],
    ['1/123/11', 'mdy'],
    ['2011-12', 'dmy'],
    ['12/9', 'mdy'],
    ['9 Dec 2011', 'dmy'],
    ['2011-12-09 garbage', 'dmy'],
    ['', 'dmy'],
    ['NA', 'dmy'],
  ] as const)('rejects %j (%s)', (raw, order: DateOrder) => {
    expect(parseDate(raw, order)).toBeNull();
  });

  it('returns each result as a fresh object, though it reuses its scanner', () => {
    const first = parseDate('2011-12-09', 'dmy');
    const second = parseDate('2011-12-10 +01:00', 'dmy');
    expect(first).toEqual({ epochMs: utc(2011, 11, 9), utcOffsetMin: null });
    expect(second).toEqual({ epochMs: utc(2011, 11, 9, 23), utcOffsetMin: 60 });
  });
});

describe('detectDateFormat', () => {
  it('decides d/m/y from one value whose first part is over 12, wherever it is in the column', () => {
    const column = ['1/2/2011 8:00', '5/6/2011 9:30', '11/12/2011 10:00', '25/12/2011 18:45'];
    expect(detectDateFormat(column)).toEqual({
      order: 'dmy',
      ambiguous: false,
      example: '31/12/2011',
      label: 'day/month/year (31/12/2011)',
    });
  });

  it('decides m/d/y from one value whose second part is over 12', () => {
    expect(detectDateFormat(['1/2/2011', '12/31/2011', '3/4/2011'])).toEqual({
      order: 'mdy',
      ambiguous: false,
      example: '12/31/2011',
      label: 'month/day/year (12/31/2011)',
    });
  });

  it('reads a column mixing ISO, yyyy/m/d and d/m/y by its year-last values, and parses all three', () => {
    const column = ['2011-12-09 12:50:00', '2011/12/9 8:26', '25/12/2011 18:45', '9/12/2011'];
    const guess = detectDateFormat(column);
    expect(guess).toMatchObject({ order: 'dmy', ambiguous: false });
    const parsed = column.map((value) => parseDate(value, guess?.order ?? 'dmy')?.epochMs);
    expect(parsed).toEqual([
      utc(2011, 11, 9, 12, 50),
      utc(2011, 11, 9, 8, 26),
      utc(2011, 11, 25, 18, 45),
      utc(2011, 11, 9),
    ]);
  });

  it('says when nothing decides, defaulting to d/m/y unless the hint says m/d/y', () => {
    const column = ['1/2/2011', '5/6/2011', '12/12/2011'];
    expect(detectDateFormat(column)).toMatchObject({ order: 'dmy', ambiguous: true });
    expect(detectDateFormat(column, 'mdy')).toEqual({
      order: 'mdy',
      ambiguous: true,
      example: '12/31/2011',
      label: 'month/day/year (12/31/2011)',
    });
  });

  it('goes with the majority when values contradict each other, and says so', () => {
    expect(detectDateFormat(['13/1/2011', '14/1/2011', '1/13/2011'])).toMatchObject({
      order: 'dmy',
      ambiguous: true,
    });
  });

  it('keeps the column separator in the example and the label', () => {
    expect(detectDateFormat(['24.12.2011', '9.1.2012'])).toMatchObject({
      example: '31.12.2011',
      label: 'day/month/year (31.12.2011)',
    });
    expect(detectDateFormat(['2011-12-09', '2011-12-10 08:00'])).toEqual({
      order: 'ymd',
      ambiguous: false,
      example: '2011-12-31',
      label: 'year/month/day (2011-12-31)',
    });
    expect(detectDateFormat(['2011年12月9日'])).toMatchObject({
      example: '2011年12月31日',
      label: 'year/month/day (2011年12月31日)',
    });
  });

  it('returns null for a column without dates, and ignores the odd non-date', () => {
    expect(detectDateFormat(['NA', '12.50', ''])).toBeNull();
    expect(detectDateFormat(['NA', '31/1/2011', ''])).toMatchObject({ order: 'dmy', ambiguous: false });
  });

  it('reads the real GBK restaurant times as year-first', () => {
    const text = new TextDecoder('gb18030').decode(
      readFileSync('/work/shared/data/chinese_orders/meal_order_info_GBK.csv'),
    );
    const [header, ...rows] = text.trim().split('\n');
    const column = (header ?? '').split(',').indexOf('use_start_time');
    const times = rows.map((row) => row.split(',')[column] ?? '');
    expect(detectDateFormat(times)).toMatchObject({ order: 'ymd', ambiguous: false });
    expect(parseDate(times[0] ?? '', 'ymd')).toEqual({ epochMs: utc(2016, 7, 1, 11, 5), utcOffsetMin: null });
    expect(times.every((time) => parseDate(time, 'ymd') !== null)).toBe(true);
  });

  it('finds the documented range of InvoiceDate in all of UCI Online Retail', () => {
    const parser = new CsvParser();
    const records = parser.push(readFileSync('/work/shared/data/online_retail_uci/online_retail.csv', 'utf8'));
    records.push(...parser.end());
    const dates = records.slice(1).map((record) => record[4] ?? '');
    expect(dates).toHaveLength(541_909);
    expect(detectDateFormat(dates.slice(0, 1000))).toMatchObject({ order: 'ymd', ambiguous: false });
    let min = Infinity;
    let max = -Infinity;
    for (const date of dates) {
      const epochMs = parseDate(date, 'ymd')?.epochMs ?? NaN;
      min = Math.min(min, epochMs);
      max = Math.max(max, epochMs);
    }
    expect(new Date(min).toISOString()).toBe('2010-12-01T08:26:00.000Z');
    expect(new Date(max).toISOString()).toBe('2011-12-09T12:50:00.000Z');
  });
});

describe('excelSerialToEpochMs', () => {
  it.each([
    [1, utc(1900, 0, 1)],
    [31, utc(1900, 0, 31)],
    [59, utc(1900, 1, 28)],
    // 60 is Excel's 29 February 1900, which never was; it is read as the 28th, as openpyxl reads it.
    [60, utc(1900, 1, 28)],
    [61, utc(1900, 2, 1)],
    [25_569, 0],
    [36_526, utc(2000, 0, 1)],
    [36_585, utc(2000, 1, 29)],
    [40_513.35138888889, utc(2010, 11, 1, 8, 26)],
    [40_886.534722222219, utc(2011, 11, 9, 12, 50)],
    [0.5, utc(1899, 11, 31, 12)],
  ])('serial %d is %d', (serial, epochMs) => {
    expect(excelSerialToEpochMs(serial)).toBe(epochMs);
  });
});
