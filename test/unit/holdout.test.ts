import { describe, expect, it } from 'vitest';
import { assignHoldout, holdoutBalance } from '../../src-main/ml/holdout';

const count = (flags: Uint8Array) => flags.reduce((sum, flag) => sum + flag, 0);

/** Flags held out among the customers of one segment. */
function heldOutIn(flags: Uint8Array, strata: readonly string[], segment: string): number {
  return strata.reduce((sum, s, i) => sum + (s === segment ? (flags[i] ?? 0) : 0), 0);
}

describe('assignHoldout', () => {
  it('holds out 10% of each segment by default', () => {
    const strata = [
      ...Array<string>(500).fill('Champions'),
      ...Array<string>(300).fill('At risk'),
      ...Array<string>(200).fill('New'),
    ];
    const flags = assignHoldout(strata, { seed: 1 });
    expect(flags).toBeInstanceOf(Uint8Array);
    expect(flags).toHaveLength(1000);
    expect(count(flags)).toBe(100);
    expect(heldOutIn(flags, strata, 'Champions')).toBe(50);
    expect(heldOutIn(flags, strata, 'At risk')).toBe(30);
    expect(heldOutIn(flags, strata, 'New')).toBe(20);
  });

  it('gives leftover members to the largest remainders so the total is round(share × n)', () => {
    // 0.1 × (14, 15, 16, 17) = 1.4, 1.5, 1.6, 1.7 → floors 1 each; total round(6.2) = 6 → two more, to 1.7 and 1.6.
    const strata = [
      ...Array<string>(14).fill('a'),
      ...Array<string>(15).fill('b'),
      ...Array<string>(16).fill('c'),
      ...Array<string>(17).fill('d'),
    ];
    const flags = assignHoldout(strata, { seed: 5 });
    expect(count(flags)).toBe(6);
    expect(['a', 'b', 'c', 'd'].map((s) => heldOutIn(flags, strata, s))).toEqual([1, 1, 2, 2]);
  });

  it('breaks a tie in remainders in favour of the larger segment, then the first seen', () => {
    // 0.25 × (2, 6, 2) = 0.5, 1.5, 0.5 → floors 0, 1, 0; total round(2.5) = 3 → two more: b (larger), then a.
    const strata = ['a', 'a', 'b', 'b', 'b', 'b', 'b', 'b', 'c', 'c'];
    const flags = assignHoldout(strata, { seed: 2, share: 0.25 });
    expect(['a', 'b', 'c'].map((s) => heldOutIn(flags, strata, s))).toEqual([1, 2, 0]);
  });

  it('is the same for the same seed and differs for another', () => {
    const strata = Array.from({ length: 400 }, (_, i) => i % 4);
    const first = assignHoldout(strata, { seed: 11, share: 0.2 });
    expect(assignHoldout(strata, { seed: 11, share: 0.2 })).toEqual(first);
    expect(assignHoldout(strata, { seed: 12, share: 0.2 })).not.toEqual(first);
    expect(count(first)).toBe(80);
  });

  it('spreads the holdout over the whole segment rather than its first members', () => {
    const strata = Array<string>(10_000).fill('all');
    const flags = assignHoldout(strata, { seed: 3 });
    const firstHalf = count(flags.subarray(0, 5000));
    expect(count(flags)).toBe(1000);
    // Binomial-like spread: 500 ± about 30 (3 standard deviations ≈ 64).
    expect(firstHalf).toBeGreaterThan(436);
    expect(firstHalf).toBeLessThan(564);
  });

  it('handles no customers, a zero share and a segment of one', () => {
    expect(assignHoldout([], { seed: 1 })).toEqual(new Uint8Array(0));
    expect(count(assignHoldout(['a', 'b'], { seed: 1, share: 0 }))).toBe(0);
    expect(count(assignHoldout(['only'], { seed: 1 }))).toBe(0);
  });

  it('refuses a share of 1 or more, or below 0', () => {
    expect(() => assignHoldout(['a'], { seed: 1, share: 1 })).toThrow(/at least 0 and below 1/);
    expect(() => assignHoldout(['a'], { seed: 1, share: -0.1 })).toThrow(/at least 0 and below 1/);
    expect(() => assignHoldout(['a'], { seed: 1, share: Number.NaN })).toThrow(/at least 0 and below 1/);
  });
});

describe('holdoutBalance', () => {
  const strata = ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'];
  const flags = Uint8Array.from([1, 0, 0, 0, 1, 1, 0, 0]);
  const monetary = [10, 20, 30, 40, 100, 200, NaN, 400];

  it('summarises sizes, shares and covariate means per segment and overall', () => {
    const balance = holdoutBalance(flags, strata, { monetary });
    expect(balance.strata).toEqual([
      {
        stratum: 'A',
        customers: 4,
        holdoutShare: 0.25,
        holdout: { customers: 1, means: { monetary: 10 } },
        treated: { customers: 3, means: { monetary: 30 } },
      },
      {
        stratum: 'B',
        customers: 4,
        holdoutShare: 0.5,
        holdout: { customers: 2, means: { monetary: 150 } },
        // The customer without a value is counted in the group but not in its mean.
        treated: { customers: 2, means: { monetary: 400 } },
      },
    ]);
    expect(balance.overall.customers).toBe(8);
    expect(balance.overall.holdoutShare).toBe(3 / 8);
    expect(balance.overall.holdout.means.monetary).toBeCloseTo(310 / 3, 12);
    expect(balance.overall.treated.means.monetary).toBeCloseTo(490 / 4, 12);
  });

  it('gives the standardised difference of each covariate overall', () => {
    // Holdout 10, 100, 200: mean 310/3, sample variance 9033.33; treated 20, 30, 40, 400: mean 122.5, 34291.67.
    const balance = holdoutBalance(flags, strata, { monetary });
    const pooled = Math.sqrt((27100 / 3 + 102875 / 3) / 2);
    expect(balance.overall.standardisedDifferences.monetary).toBeCloseTo((310 / 3 - 122.5) / pooled, 12);
  });

  it('gives null means and differences where a group has no values', () => {
    const balance = holdoutBalance(Uint8Array.from([1, 0]), ['A', 'A'], { monetary: [NaN, 5] });
    expect(balance.strata[0]?.holdout.means.monetary).toBeNull();
    expect(balance.overall.standardisedDifferences.monetary).toBeNull();
  });

  it('refuses arrays of different lengths', () => {
    expect(() => holdoutBalance(flags, ['A'])).toThrow(/one holdout flag and one segment/);
    expect(() => holdoutBalance(flags, strata, { monetary: [1] })).toThrow(/one "monetary" value/);
  });
});
