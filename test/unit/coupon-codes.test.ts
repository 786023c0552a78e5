import { describe, expect, it } from 'vitest';
import { COUPON_LETTERS, couponSpace, generateCouponCodes, MIN_SPACE_PER_CODE } from '../../src-main/io/coupon-codes';

describe('couponSpace', () => {
  it('multiplies 23 letters per X by 10 digits per 9', () => {
    expect(COUPON_LETTERS).toHaveLength(23);
    expect(couponSpace('SPRING-{XXXX}-{9999}')).toBe(23 ** 4 * 10 ** 4);
    expect(couponSpace('{X9X9}')).toBe(23 * 10 * 23 * 10);
  });

  it.each([
    ['SPRING', /needs at least one \{X\} or \{9\}/],
    ['SPRING-{XXYZ}', /"\{XXYZ\}" in the coupon pattern holds something other than X/],
    ['SPRING-{}', /"\{\}" in the coupon pattern/],
    ['SPRING {XXXX}', /only letters, digits, "-" and "_" outside the braces/],
    ['=SUM{XXXX}', /only letters, digits/],
    ['{XXXX', /only letters, digits/],
    ['-{XXXX}', /cannot start with "-"/],
    [`${'A'.repeat(60)}{XXXXX}`, /at most 64 characters/],
  ])('refuses %j', (pattern, message) => {
    expect(() => couponSpace(pattern)).toThrow(message);
  });
});

describe('generateCouponCodes', () => {
  it('fills the pattern with unambiguous letters and digits, keeping the literal text', () => {
    const codes = generateCouponCodes('SPRING-{XXXX}-{9999}', 500, { seed: 1 });
    expect(codes).toHaveLength(500);
    for (const code of codes) expect(code).toMatch(/^SPRING-[A-HJKMNP-Z]{4}-\d{4}$/);
    expect(codes.map((code) => code.slice(7, 11)).join('')).not.toMatch(/[ILO]/);
  });

  it('gives unique codes, the same ones for the same seed and others for another seed', () => {
    const codes = generateCouponCodes('VIP{X9X}', 500, { seed: 7 });
    expect(new Set(codes).size).toBe(500);
    expect(generateCouponCodes('VIP{X9X}', 500, { seed: 7 })).toEqual(codes);
    expect(generateCouponCodes('VIP{X9X}', 500, { seed: 8 })).not.toEqual(codes);
  });

  it('draws the same codes for a seed as it always has, whether codes are told apart by number or by text', () => {
    // Written down from the first implementation: a saved campaign's coupons must not change.
    expect(generateCouponCodes('BENCH-{XXXXX}-{999}', 4, { seed: 1 })).toEqual([
      'BENCH-RAPZZ-267',
      'BENCH-KZMND-421',
      'BENCH-NBKUG-104',
      'BENCH-QVGES-571',
    ]);
    // 23^10 * 10^10 codes: more than a double counts exactly.
    expect(generateCouponCodes('{XXXXXXXXXX}{9999999999}', 3, { seed: 2 })).toEqual([
      'THGPXRNJUC7248516390',
      'YBCEAYMRZF4305009809',
      'BZPESBUXWM9079865088',
    ]);
    const earlier = new Set(generateCouponCodes('{99}{X}', 100, { seed: 3 }));
    expect(generateCouponCodes('{99}{X}', 5, { seed: 3, exclude: earlier })).toEqual([
      '87M',
      '92J',
      '32U',
      '74P',
      '34B',
    ]);
  });

  it('stays unique when the audience fills a tenth of the space', () => {
    const space = couponSpace('{99}{X}');
    const count = space / MIN_SPACE_PER_CODE;
    expect(count).toBe(230);
    expect(new Set(generateCouponCodes('{99}{X}', count, { seed: 3 })).size).toBe(count);
  });

  it('never issues a code from an earlier campaign', () => {
    const earlier = new Set(generateCouponCodes('{99}{X}', 100, { seed: 3 }));
    const codes = generateCouponCodes('{99}{X}', 130, { seed: 3, exclude: earlier });
    expect(codes.filter((code) => earlier.has(code))).toEqual([]);
    expect(new Set(codes).size).toBe(130);
  });

  it('says how many codes the pattern allows when it is too small for the audience', () => {
    expect(() => generateCouponCodes('SALE-{99}', 11, { seed: 1 })).toThrow(
      'The pattern "SALE-{99}" allows 100 codes, too few for 11 customers (it needs at least 10 times as many, ' +
        'so that codes cannot be guessed); add more X or 9 characters between the braces.',
    );
    expect(generateCouponCodes('SALE-{99}', 10, { seed: 1 })).toHaveLength(10);
  });

  it('counts codes already issued against the space', () => {
    const earlier = new Set(generateCouponCodes('SALE-{99}', 5, { seed: 1 }));
    expect(() => generateCouponCodes('SALE-{99}', 6, { seed: 2, exclude: earlier })).toThrow(/too few for 6 customers/);
  });

  it('returns nothing for an empty audience and refuses a negative one', () => {
    expect(generateCouponCodes('{XXXX}', 0, { seed: 1 })).toEqual([]);
    expect(() => generateCouponCodes('{XXXX}', -1, { seed: 1 })).toThrow(/whole number/);
  });
});
