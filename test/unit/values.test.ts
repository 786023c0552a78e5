import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/io/csv';
import { cleanCell, detectNumberFormat, parseNumber, type NumberFormat } from '../../src-main/io/values';

const POINT: NumberFormat = { decimal: '.', thousands: ',' };
const COMMA: NumberFormat = { decimal: ',', thousands: '.' };

describe('cleanCell', () => {
  it.each([
    ['  Ann  ', 'Ann'],
    ["'00123", '00123'],
    ['="00123"', '00123'],
    [' ="2024-01-02" ', '2024-01-02'],
    ['="say ""hi"""', 'say "hi"'],
    ['\u00a012\u00a0345,67\u00a0', '12 345,67'],
    ['1\u202f234', '1 234'],
    ['\t20240102001', '20240102001'],
    ['=SUM(A1:A2)', '=SUM(A1:A2)'],
    ['', ''],
  ])('%j → %j', (raw, clean) => {
    expect(cleanCell(raw)).toBe(clean);
  });
});

describe('detectNumberFormat', () => {
  it('sees a decimal comma from 1.234,56 and 12,5', () => {
    expect(detectNumberFormat(['1.234,56', '12,5', '7'])).toMatchObject({
      decimal: ',',
      thousands: '.',
      ambiguous: false,
      reason: '2 values show a decimal comma.',
      evidence: { code: 'decimal_shown', params: { decimal: ',', count: 2 } },
    });
  });

  it('sees a decimal point from 1,234.56', () => {
    expect(detectNumberFormat(['1,234.56', '3.20', '12'])).toMatchObject({
      decimal: '.',
      thousands: ',',
      ambiguous: false,
    });
  });

  it('reads a lone 1,234 as thousands, and says it is ambiguous', () => {
    expect(detectNumberFormat(['1,234', '5,678', '12'])).toMatchObject({
      decimal: '.',
      thousands: ',',
      ambiguous: true,
      evidence: { code: 'either_separator', params: { example: '1,234' } },
    });
    expect(detectNumberFormat(['1.234'])).toMatchObject({
      evidence: { code: 'either_separator', params: { example: '1.234' } },
    });
  });

  it('reads 1,234 as a decimal when another value shows a decimal comma', () => {
    expect(detectNumberFormat(['1,234', '2,5'])).toMatchObject({ decimal: ',', thousands: '', ambiguous: false });
    expect(detectNumberFormat(['1,234', '1.234.567'])).toMatchObject({ decimal: ',', thousands: '.' });
  });

  it('takes 0,125 and 1234,567 as decimals: a thousands separator would not leave them so', () => {
    expect(detectNumberFormat(['0,125'])).toMatchObject({ decimal: ',', ambiguous: false });
    expect(detectNumberFormat(['1234,567'])).toMatchObject({ decimal: ',', ambiguous: false });
    expect(detectNumberFormat(['1234.567'])).toMatchObject({ decimal: '.', ambiguous: false });
  });

  it('finds space and apostrophe thousands separators, non-breaking spaces included', () => {
    expect(detectNumberFormat(['1\u00a0234,50 €', '12,00 €'])).toMatchObject({ decimal: ',', thousands: ' ' });
    expect(detectNumberFormat(["CHF 1'234.50", '99.90'])).toMatchObject({ decimal: '.', thousands: "'" });
  });

  it('looks through currency signs and signs, and ignores cells with no digits', () => {
    expect(detectNumberFormat(['€ 1.234,00', '(12,50)', '-3,75', 'n/a', ''])).toMatchObject({
      decimal: ',',
      thousands: '.',
      ambiguous: false,
    });
  });

  it('goes with the majority when values contradict each other, and says so', () => {
    expect(detectNumberFormat(['1,5', '2,5', '3.25'])).toMatchObject({
      decimal: ',',
      ambiguous: true,
      reason: '2 values use a decimal comma but 1 the other separator.',
      evidence: { code: 'decimal_conflict', params: { decimal: ',', count: 2, others: 1 } },
    });
  });

  it('has nothing to decide for whole numbers', () => {
    expect(detectNumberFormat(['1', '23', '456'])).toEqual({
      decimal: '.',
      thousands: '',
      ambiguous: false,
      reason: 'No value has a decimal part.',
      evidence: { code: 'no_decimals', params: {} },
    });
  });
});

describe('parseNumber', () => {
  it.each([
    ['2.55', POINT, 2.55],
    ['17850.0', POINT, 17850],
    ['-3', POINT, -3],
    ['0.1', POINT, 0.1],
    ['.5', POINT, 0.5],
    ['1,234.56', POINT, 1234.56],
    ['1,234,567', POINT, 1234567],
    ['1.234,56', COMMA, 1234.56],
    ['12,5', COMMA, 12.5],
    ['  42  ', POINT, 42],
    ['£12.50', POINT, 12.5],
    ['$ 1,299.00', POINT, 1299],
    ['12,50 €', COMMA, 12.5],
    ['¥1,234', POINT, 1234],
    ['￥88.8', POINT, 88.8],
    ['88.8元', POINT, 88.8],
    ['RMB 1,234.5', POINT, 1234.5],
    ['cny88', POINT, 88],
    ['12.50 USD', POINT, 12.5],
    ['EUR 9,99', COMMA, 9.99],
    ['GBP-4.20', POINT, -4.2],
    ['(12.50)', POINT, -12.5],
    ['($12.50)', POINT, -12.5],
    ['$(12.50)', POINT, -12.5],
    ['-$12.50', POINT, -12.5],
    ['$-12.50', POINT, -12.5],
    ['12.50-', POINT, -12.5],
    ['\u221212.5', POINT, -12.5],
    ['+7', POINT, 7],
    ['(0.00)', POINT, 0],
    ['1 234 567,89', { decimal: ',', thousands: ' ' }, 1234567.89],
    ['1\u00a0234,5', { decimal: ',', thousands: ' ' }, 1234.5],
    ["1'234.50", { decimal: '.', thousands: "'" }, 1234.5],
    ['1.5E+3', POINT, 1500],
    ['2e-2', POINT, 0.02],
    ['123456789012345678', POINT, 123456789012345680],
    ['0.30000000000000004', POINT, 0.30000000000000004],
    ['1,234,567,890,123,456.78', POINT, 1234567890123456.8],
    ['-1.234.567,5e2', COMMA, -123456750],
  ] as const)('%j in %j → %d', (raw, format, value) => {
    expect(parseNumber(raw, format)).toBe(value);
  });

  it.each([
    ['', POINT],
    ['   ', POINT],
    ['-', POINT],
    ['abc', POINT],
    ['NaN', POINT],
    ['Infinity', POINT],
    ['1e999', POINT],
    ['12.5.3', POINT],
    ['12,5', POINT],
    ['1,23', POINT],
    ['1,2345', POINT],
    ['1234,567', POINT],
    [',123', POINT],
    ['1,234,56', POINT],
    ['1.5e', POINT],
    ['1e1234', POINT],
    ['e5', POINT],
    ['()', POINT],
    ['+-5', POINT],
    ['USD 5 EUR', POINT],
    ['1.234.56', COMMA],
    ['1,234', { decimal: '.', thousands: '' }],
    ['-(12.50)', POINT],
    ['--5', POINT],
    ['$€5', POINT],
    ['12 apples', POINT],
    ['2011-12-09', POINT],
    ['10%', POINT],
  ] as const)('%j in %j → null', (raw, format) => {
    expect(parseNumber(raw, format)).toBeNull();
  });

  it('never returns -0', () => {
    expect(Object.is(parseNumber('-0', POINT), 0)).toBe(true);
    expect(Object.is(parseNumber('-0.00', POINT), 0)).toBe(true);
  });

  it('reads plain decimals exactly as Number() does', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 20_000; trial++) {
      const digits = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 15))));
      const places = Math.floor(random() * digits.length);
      const sign = random() < 0.3 ? '-' : '';
      const integer = digits.slice(0, digits.length - places);
      const plain = places === 0 ? sign + integer : `${sign}${integer}.${digits.slice(-places)}`;
      expect(parseNumber(plain, POINT)).toBe(Number(plain) || 0);
      expect(parseNumber(plain.replace('.', ','), COMMA)).toBe(Number(plain) || 0);
    }
  });

  it('reads every UnitPrice of the first 20,000 UCI Online Retail lines as Number() does', () => {
    const text = readFileSync('/work/shared/data/online_retail_uci/online_retail.csv', 'utf8');
    const rows = parseCsv(text.slice(0, text.indexOf('\n', 2_000_000))).slice(1, 20_001);
    const prices = rows.map((row) => row[5] ?? '');
    expect(detectNumberFormat(prices)).toMatchObject({ decimal: '.', ambiguous: false });
    for (const price of prices) expect(parseNumber(price, POINT)).toBe(Number(price));
  });
});
