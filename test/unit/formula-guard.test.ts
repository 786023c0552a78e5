import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../src-main/io/formula-guard';

describe('neutraliseFormula', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['=1+1', `'=1+1`],
    ['+1+1', `'+1+1`],
    ['-1+1', `'-1+1`],
    ["-2+3+cmd|' /C calc'!A0", `'-2+3+cmd|' /C calc'!A0`],
    ['@SUM(A1:A9)', `'@SUM(A1:A9)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ['+447700900123', `'+447700900123`],
    ['-', `'-`],
    ['--5', `'--5`],
    ['-5 apples', `'-5 apples`],
  ])('prefixes %j with an apostrophe in a text column', (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
    expect(neutraliseFormula(input, { kind: 'text' })).toBe(expected);
  });

  it.each(['Alice', 'alice@example.com', '', ' =1+1', "'=already quoted", '1-2', 'a=b', '０=全角'])(
    'leaves %j alone',
    (input) => {
      expect(neutraliseFormula(input)).toBe(input);
    },
  );

  it.each(['-12', '-12.5', '-0.5', '-.5', '-12.', '-1e5', '-1.5E-3'])(
    'leaves the plain negative number %j alone',
    (n) => {
      expect(neutraliseFormula(n)).toBe(n);
    },
  );

  it('keeps E.164 phone numbers whole in a phone column, and only those', () => {
    expect(neutraliseFormula('+447700900123', { kind: 'phone' })).toBe('+447700900123');
    expect(neutraliseFormula('+8613800138000', { kind: 'phone' })).toBe('+8613800138000');
    expect(neutraliseFormula('+12345678', { kind: 'phone' })).toBe('+12345678');
    expect(neutraliseFormula('+1234567', { kind: 'phone' })).toBe(`'+1234567`); // 7 digits: too short
    expect(neutraliseFormula('+1234567890123456', { kind: 'phone' })).toBe(`'+1234567890123456`); // 16: too long
    expect(neutraliseFormula('+44 7700 900123', { kind: 'phone' })).toBe(`'+44 7700 900123`);
    expect(neutraliseFormula('+44770090012+1', { kind: 'phone' })).toBe(`'+44770090012+1`);
    expect(neutraliseFormula('=447700900123', { kind: 'phone' })).toBe(`'=447700900123`);
  });
});
