import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyDesign,
  designToJSON,
  drivers,
  fitDesign,
  loadDesign,
  selectRows,
  type Cell,
  type Table,
} from '../../src-main/ml/design-matrix';
import { expectValidationError } from '../helpers/errors';

const REFERENCE = new URL('../../../shared/data/references/propensity_features.csv', import.meta.url);

function referenceTrain(): Table {
  const [header = '', ...lines] = readFileSync(REFERENCE, 'utf8').trim().split('\n');
  const rows = lines.map((line) => line.split(',')).filter((cells) => cells[10] === 'train');
  return header
    .split(',')
    .slice(1, 9)
    .map((name, j) => ({ name, values: rows.map((cells) => Number(cells[j + 1])) }));
}

/** Column j of a row-major matrix. */
const column = ({ data, cols }: { data: Float64Array; cols: number }, j: number) =>
  Array.from({ length: data.length / cols }, (_, i) => data[i * cols + j] ?? NaN);

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
function populationStd(values: number[]): number {
  const centre = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - centre) ** 2)));
}

describe('fitDesign on the propensity reference', () => {
  const table = referenceTrain();

  it('log1p-transforms exactly the non-negative columns with skewness above 1, not the 0/1 flag', () => {
    const { notes, transform } = fitDesign(table);
    const logged = notes.flatMap((note) => (note.code === 'log1p' ? [note.column] : []));
    expect(logged).toEqual(['frequency', 'monetary', 'avg_order_value', 'distinct_products', 'days_between_orders']);
    // days_between_orders is the closest call of the reference columns (recency is 0.82, tenure −0.48).
    const skew = notes.find((note) => note.code === 'log1p' && note.column === 'days_between_orders');
    expect(skew).toMatchObject({ skewness: expect.closeTo(1.0044, 4) });
    expect(notes.every((note) => note.code === 'log1p')).toBe(true);
    expect(transform.features.map((f) => f.name)).toEqual(table.map((c) => c.name));
  });

  it('standardises every feature on the training rows (mean 0, population std 1) and replays it', () => {
    const { matrix, transform } = fitDesign(table, { log1p: [] });
    expect(matrix.cols).toBe(8);
    for (let j = 0; j < 8; j++) {
      expect(mean(column(matrix, j))).toBeCloseTo(0, 10);
      expect(populationStd(column(matrix, j))).toBeCloseTo(1, 10);
    }
    const monetary = table[2]?.values as number[];
    expect(transform.means[2]).toBeCloseTo(mean(monetary), 8);
    expect(transform.stds[2]).toBeCloseTo(populationStd(monetary), 8);
    const replayed = applyDesign(transform, table);
    expect(replayed.data.every((v, i) => v === matrix.data[i])).toBe(true);
  });
});

describe('numeric columns', () => {
  it('imputes the training median, adds a missing indicator, and reports how many', () => {
    const x: Cell[] = [1, null, 3, '', 5, NaN, 7, 9];
    const { matrix, transform, notes } = fitDesign([{ name: 'x', values: x }], { log1p: [] });
    expect(notes).toEqual([{ code: 'imputed', column: 'x', count: 3, value: 5 }]);
    expect(transform.features.map((f) => f.name)).toEqual(['x', 'x (missing)']);
    // Imputed values [1, 5, 3, 5, 5, 5, 7, 9] have mean 5: the imputed rows standardise to exactly 0.
    expect(column(matrix, 0).filter((_, i) => [1, 3, 5].includes(i))).toEqual([0, 0, 0]);
    expect(transform.means).toEqual([5, 3 / 8]);
    expect(transform.stds[1]).toBeCloseTo(Math.sqrt(15) / 8, 14);
    expect(column(matrix, 1)[1]).toBeCloseTo((1 - 3 / 8) / (Math.sqrt(15) / 8), 12);
  });

  it('decides log1p from skewness and sign, and takes the median after the log', () => {
    const skewed = [0, 0, 0, 1, 1, 2, 3, 100];
    const table: Table = [
      { name: 'skewed', values: skewed },
      { name: 'negative', values: skewed.map((v, i) => (i === 0 ? -5 : v)) },
      { name: 'flag', values: [0, 0, 0, 0, 0, 0, 0, 1] },
      { name: 'even', values: [1, 2, 3, 4, 5, 6, 7, 8] },
    ];
    const { transform, notes } = fitDesign(table);
    expect(notes.map((note) => note.code === 'log1p' && note.column)).toEqual(['skewed']);
    const step = transform.steps[0];
    expect(step).toMatchObject({ kind: 'numeric', log1p: true, median: (Math.log1p(1) + Math.log1p(1)) / 2 });
    expect(transform.steps.slice(1).every((s) => s.kind === 'numeric' && !s.log1p)).toBe(true);
  });

  it('floors new values below 0 at 0 before log1p and imputes blanks at scoring time', () => {
    const values = [0, 0, 0, 1, 1, 2, 3, 100];
    const { transform } = fitDesign([{ name: 'orders', values }], { log1p: ['orders'] });
    const scored = applyDesign(transform, [{ name: 'orders', values: [-3, 0, null, 'lots'] }]);
    const zero = (0 - (transform.means[0] ?? 0)) / (transform.stds[0] ?? 1);
    const atMedian = (Math.log1p(1) - (transform.means[0] ?? 0)) / (transform.stds[0] ?? 1);
    expect(Array.from(scored.data)).toEqual([zero, zero, atMedian, atMedian]);
  });

  it('reads numbers written as text and booleans as 0/1', () => {
    const { transform } = fitDesign([
      { name: 'n', values: ['1', ' 2.5 ', '1e1', '-4'] },
      { name: 'b', values: [true, false, true, true] },
    ]);
    expect(transform.steps.map((s) => s.kind)).toEqual(['numeric', 'numeric']);
    expect(transform.means[0]).toBeCloseTo((1 + 2.5 + 10 - 4) / 4, 14);
    expect(transform.means[1]).toBe(0.75);
  });

  it('refuses log1p on a column with negative values', () => {
    expectValidationError(
      () => fitDesign([{ name: 'balance', values: [-2, 1, 5] }], { log1p: ['balance'] }),
      /"balance" has -2: take it out of the log1p list/,
    );
  });
});

describe('categorical columns', () => {
  const country: Cell[] = ['UK', 'UK', 'UK', 'UK', 'UK', 'UK', 'DE', 'DE', 'DE', 'FR', 'FR', 'ES', null, ' UK '];

  it('one-hot encodes the frequent levels, pools the rare ones as (other), keeps all levels by default', () => {
    const { transform, notes, matrix } = fitDesign([{ name: 'country', values: country }], { minLevelCount: 2 });
    expect(notes).toEqual([
      { code: 'one-hot', column: 'country', levels: ['UK', 'DE', 'FR'], droppedLevel: null, otherCount: 2 },
    ]);
    expect(transform.features.map((f) => f.name)).toEqual([
      'country = UK',
      'country = DE',
      'country = FR',
      'country = (other)',
    ]);
    // Before standardising each row has exactly one 1: the standardised row sums to Σ −mean/std + 1/std.
    const raw = (i: number) =>
      Array.from(
        matrix.data.subarray(i * 4, i * 4 + 4),
        (v, j) => v * (transform.stds[j] ?? 1) + (transform.means[j] ?? 0),
      );
    expect(raw(13).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 0, 0, 0]);
    expect(raw(12).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, 0, 0, 1]);
  });

  it('limits the levels, treats a frequent blank as a level, and sends unseen levels to (other)', () => {
    // UK 7, blank 4, DE 3, FR 2, ES 1.
    const values = [...country, null, null, null];
    const { transform } = fitDesign([{ name: 'country', values }], { minLevelCount: 2, maxLevels: 2 });
    expect(transform.steps[0]).toMatchObject({ levels: ['UK', '(missing)'], other: true });
    const byCount = fitDesign([{ name: 'country', values }], { minLevelCount: 3 });
    expect(byCount.transform.steps[0]).toMatchObject({ levels: ['UK', '(missing)', 'DE'], other: true });
    const scored = applyDesign(transform, [{ name: 'country', values: ['IT'] }]);
    const unstandardised = Array.from(scored.data, (v, j) => v * (transform.stds[j] ?? 1) + (transform.means[j] ?? 0));
    expect(unstandardised.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, 0, 1]);
  });

  it('drops the most frequent level on request, which then scores as all zeros', () => {
    const { transform, notes } = fitDesign([{ name: 'country', values: country }], {
      minLevelCount: 2,
      dropFirstLevel: true,
    });
    expect(notes[0]).toMatchObject({ code: 'one-hot', levels: ['DE', 'FR'], droppedLevel: 'UK' });
    const scored = applyDesign(transform, [{ name: 'country', values: ['UK'] }]);
    const unstandardised = Array.from(scored.data, (v, j) => v * (transform.stds[j] ?? 1) + (transform.means[j] ?? 0));
    expect(unstandardised.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([0, 0, 0]);
  });

  it('keeps codes as written, so that "01234" and "1234" stay different levels', () => {
    const values = ['01234', '01234', 'A1', 'A1', '1234', '1234'];
    const { transform } = fitDesign([{ name: 'zip', values }], { kinds: { zip: 'categorical' }, minLevelCount: 1 });
    expect(transform.steps[0]).toMatchObject({ levels: ['01234', '1234', 'A1'] });
  });
});

describe('columns that carry nothing, and mixed types', () => {
  const useful = { name: 'orders', values: [1, 2, 3, 4, 5, 6] };

  it('drops constant and blank columns with a note and keeps going', () => {
    const { notes, transform } = fitDesign([
      useful,
      { name: 'same', values: [7, 7, 7, 7, 7, 7] },
      { name: 'empty', values: [null, '', null, NaN, undefined, ' '] },
      { name: 'label', values: ['x', 'x', 'x', 'x', 'x', 'x'] },
      { name: 'sometimes', values: [3, null, 3, 3, null, 3] },
    ]);
    expect(notes).toEqual([
      { code: 'dropped-constant', column: 'same', value: 7, missingIndicator: false },
      { code: 'dropped-missing', column: 'empty' },
      { code: 'dropped-constant', column: 'label', value: 'x', missingIndicator: false },
      // A constant value that is sometimes missing still tells the customers with and without a value apart.
      { code: 'dropped-constant', column: 'sometimes', value: 3, missingIndicator: true },
    ]);
    expect(transform.features.map((f) => f.name)).toEqual(['orders', 'sometimes (missing)']);
  });

  it('drops a categorical column whose levels are all rare (an identifier, say)', () => {
    const { notes } = fitDesign([useful, { name: 'email', values: ['a', 'b', 'c', 'd', 'e', 'f'] }]);
    expect(notes).toEqual([{ code: 'dropped-rare-levels', column: 'email', distinct: 6, minLevelCount: 5 }]);
  });

  it('fails when no feature is left', () => {
    expectValidationError(
      () =>
        fitDesign([
          { name: 'same', values: [7, 7, 7] },
          { name: 'empty', values: [null, null, null] },
        ]),
      /No usable feature is left/,
    );
  });

  it('reads a mostly numeric column as numbers, the text as missing, and says how many', () => {
    const values: Cell[] = [...Array.from({ length: 18 }, (_, i) => i), 'n/a', 'unknown'];
    const { notes, transform } = fitDesign([{ name: 'spend', values }], { log1p: [] });
    expect(notes).toEqual([
      { code: 'mixed-type', column: 'spend', nonNumeric: 2, examples: ['n/a', 'unknown'] },
      { code: 'imputed', column: 'spend', count: 2, value: 8.5 },
    ]);
    expect(transform.features.map((f) => f.name)).toEqual(['spend', 'spend (missing)']);
  });

  it('refuses a column too mixed to tell, unless its kind is given', () => {
    const values: Cell[] = [1, 2, 3, 4, 5, 'a', 'b', 'c', 'a', 'b'];
    expectValidationError(() => fitDesign([{ name: 'code', values }]), /"code" mixes numbers \(5\) and text \(5\)/);
    const asCategory = fitDesign([{ name: 'code', values }], { kinds: { code: 'categorical' }, minLevelCount: 2 });
    expect(asCategory.notes[0]).toMatchObject({ code: 'one-hot', levels: ['a', 'b'], otherCount: 6 });
    const asNumber = fitDesign([{ name: 'code', values }], { kinds: { code: 'numeric' } });
    expect(asNumber.notes[0]).toMatchObject({ code: 'mixed-type', nonNumeric: 5 });
  });

  it('reads a text column with a stray number as categorical', () => {
    const values = ['UK', 'UK', 'UK', 'UK', 'UK', 'DE', 'DE', 'DE', 'DE', 'DE', '42'];
    expect(fitDesign([{ name: 'country', values }]).transform.steps[0]?.kind).toBe('categorical');
  });

  it('refuses malformed tables and options with a clear sentence', () => {
    expectValidationError(() => fitDesign([]), /at least one column/);
    expectValidationError(() => fitDesign([{ name: 'a', values: [] }]), /no training rows/);
    expectValidationError(
      () => fitDesign([useful, { name: 'b', values: [1, 2] }]),
      /Column "b" has 2 values; "orders" has 6/,
    );
    expectValidationError(() => fitDesign([useful, useful]), /"orders" appears twice/);
    expectValidationError(() => fitDesign([useful], { log1p: ['spend'] }), /no column "spend"/);
    expectValidationError(() => fitDesign([useful], { kinds: { spend: 'numeric' } }), /no column "spend"/);
    expectValidationError(
      () =>
        fitDesign([useful, { name: 'country', values: ['UK', 'DE', 'UK', 'DE', 'UK', 'DE'] }], { log1p: ['country'] }),
      /"country" is categorical: take it out of the log1p list/,
    );
  });

  it('works on 10 rows', () => {
    const { matrix } = fitDesign([
      { name: 'orders', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      { name: 'country', values: ['UK', 'UK', 'UK', 'UK', 'UK', 'DE', 'DE', 'DE', 'DE', 'DE'] },
    ]);
    expect(matrix.cols).toBe(3);
    expect(matrix.data.length).toBe(30);
  });
});

describe('saved transforms, drivers and row selection', () => {
  const table: Table = [
    { name: 'orders', values: [1, 2, null, 4, 5, 6, 7, 8] },
    { name: 'country', values: ['UK', 'UK', 'UK', 'DE', 'DE', 'DE', 'FR', 'UK'] },
  ];
  const fit = fitDesign(table, { minLevelCount: 2 });

  it('survives a JSON round trip and transforms new rows the same', () => {
    const loaded = loadDesign(JSON.parse(JSON.stringify(designToJSON(fit.transform))));
    expect(loaded).toEqual(fit.transform);
    expect(applyDesign(loaded, table)).toEqual(fit.matrix);
  });

  it('refuses a transform that is not ours, from a newer version, or damaged', () => {
    const json = designToJSON(fit.transform);
    expectValidationError(() => loadDesign({ ...json, name: 'LogisticRegression' }), /not a saved feature transform/);
    expectValidationError(() => loadDesign({ ...json, version: 2 }), /newer MarketLens \(format 2/);
    expectValidationError(() => loadDesign({ ...json, version: 'one' }), /no valid format version/);
    expectValidationError(() => loadDesign({ ...json, means: json.means.slice(1) }), /damaged/);
    expectValidationError(() => loadDesign({ ...json, steps: json.steps.slice(1) }), /damaged/);
    expectValidationError(() => loadDesign({ ...json, stds: json.stds.map(() => 0) }), /damaged/);
  });

  it('needs every column it was fitted on when applied', () => {
    expectValidationError(() => applyDesign(fit.transform, [table[0] ?? useless()]), /no column "country"/);
  });

  it('ranks the drivers by the size of their coefficient and says which way they push', () => {
    expect(fit.transform.features.map((f) => f.name)).toEqual([
      'orders',
      'orders (missing)',
      'country = UK',
      'country = DE',
      'country = (other)',
    ]);
    const ranked = drivers(fit.transform, [0.5, 0.1, -0.9, 0, 0.3]);
    expect(ranked.map((d) => [d.feature, d.direction])).toEqual([
      ['country = UK', 'lowers'],
      ['orders', 'raises'],
      ['country = (other)', 'raises'],
      ['orders (missing)', 'raises'],
      ['country = DE', 'raises'],
    ]);
    expect(ranked[0]).toMatchObject({ column: 'country', role: 'level', level: 'UK', oddsRatio: Math.exp(-0.9) });
    expectValidationError(() => drivers(fit.transform, [1, 2]), /2 coefficients for 5 features/);
  });

  it('selects the rows of a split', () => {
    const picked = selectRows(table, [1, 0, 0, 0, 0, 0, 1, 0]);
    expect(picked).toEqual([
      { name: 'orders', values: [1, 7] },
      { name: 'country', values: ['UK', 'FR'] },
    ]);
    expectValidationError(() => selectRows(table, [true]), /1 entries for 8 rows/);
  });
});

function useless(): never {
  throw new Error('the fixture has a first column');
}
