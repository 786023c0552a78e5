/**
 * From a customer table (named columns of numbers, text and blanks, as imported) to the standardised numeric
 * matrix a linear model needs, with a transform that scores new customers exactly the same way and plain notes
 * of every decision, so that the report can say what was done to the data.
 *
 * Everything is learnt from the table given to `fitDesign` — the training customers only — and replayed by
 * `applyDesign` on any other rows:
 * - a column is numeric when its values are numbers (or numeric text); one that is mostly numbers keeps its
 *   numbers and treats the rest as missing (noted); a column too mixed to tell is an error unless its kind is given;
 * - numeric: log1p when the values are never negative, take more than two values and are right-skewed (auto), then
 *   missing values get the median, plus a "missing" 0/1 feature when any were missing: customers without a value
 *   often differ from the rest, and the median alone would hide them;
 * - categorical: one 0/1 feature per frequent level (at most maxLevels, each seen at least minLevelCount times),
 *   the rest pooled as "(other)"; a blank is its own level "(missing)". All levels are kept by default: the model
 *   is L2-penalised, so the redundant level does not make the fit ambiguous, and each level gets its own driver;
 *   `dropFirstLevel` drops the most frequent one for an unpenalised fit;
 * - columns that are constant or entirely blank on the training rows are dropped with a note, not an error;
 * - finally every feature (0/1 ones included, so that all coefficients are "per standard deviation" and comparable
 *   as drivers) is centred and divided by its population standard deviation on the training rows.
 * The transform is a plain JSON-ready object; `loadDesign` reads it back.
 */
import { MISSING_LEVEL, OTHER_LEVEL } from '../shared/design-levels';
import { CoreError } from '../shared/errors';
import type { RowMajor } from './kmeans';

export type Cell = number | string | boolean | null | undefined;

export interface TableColumn {
  name: string;
  values: ArrayLike<Cell>;
}

export type Table = readonly TableColumn[];

export type ColumnKind = 'numeric' | 'categorical';

export interface DesignOptions {
  /** 'auto' (default): log1p for non-negative columns of 3+ values with skewness above skewThreshold; or the names. */
  log1p?: 'auto' | readonly string[];
  /** Default 1. */
  skewThreshold?: number;
  /** Most frequent levels kept per categorical column; the rest are "(other)". Default 10. */
  maxLevels?: number;
  /** A level seen fewer times than this on the training rows counts as "(other)". Default 5. */
  minLevelCount?: number;
  /** Leave out the most frequent level of each categorical column (for a fit without penalty). Default false. */
  dropFirstLevel?: boolean;
  /** Share of numbers among a column's non-blank values from which it is numeric (the rest read as missing). 0.9. */
  numericShare?: number;
  /** Kinds given by the user, overriding the guess. */
  kinds?: Readonly<Record<string, ColumnKind>>;
}

export type FeatureRole = 'value' | 'missing' | 'level' | 'other';

export interface DesignFeature {
  /** "monetary", "monetary (missing)", "country = Germany", "country = (other)". */
  name: string;
  column: string;
  role: FeatureRole;
  level?: string;
}

export type ColumnStep =
  | {
      kind: 'numeric';
      column: string;
      log1p: boolean;
      /** Median of the (log1p) values on the training rows, given to missing values. */
      median: number;
      /** false when the values were constant and only the missing indicator is informative. */
      value: boolean;
      missingIndicator: boolean;
    }
  | { kind: 'categorical'; column: string; levels: string[]; droppedLevel: string | null; other: boolean };

export const DESIGN_NAME = 'DesignMatrix';
/** Bumped whenever the JSON below changes meaning; `loadDesign` refuses anything newer. */
export const DESIGN_VERSION = 1;

export interface DesignTransform {
  name: typeof DESIGN_NAME;
  version: number;
  steps: ColumnStep[];
  /** Columns of the matrix, in order. */
  features: DesignFeature[];
  means: number[];
  stds: number[];
}

export type DesignNote =
  | { code: 'mixed-type'; column: string; nonNumeric: number; examples: string[] }
  | { code: 'dropped-missing'; column: string }
  | { code: 'dropped-constant'; column: string; value: number | string; missingIndicator: boolean }
  | { code: 'dropped-rare-levels'; column: string; distinct: number; minLevelCount: number }
  | { code: 'log1p'; column: string; skewness: number }
  | { code: 'imputed'; column: string; count: number; value: number }
  | { code: 'one-hot'; column: string; levels: string[]; droppedLevel: string | null; otherCount: number };

export interface DesignFit {
  transform: DesignTransform;
  /** The training rows, transformed. */
  matrix: RowMajor;
  notes: DesignNote[];
}

export interface Driver {
  feature: string;
  column: string;
  role: FeatureRole;
  level?: string;
  /** Change in log-odds for one standard deviation more of the feature. */
  coefficient: number;
  oddsRatio: number;
  direction: 'raises' | 'lowers';
}

const invalid = (message: string) => new CoreError('VALIDATION', message);

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

type Parsed = { kind: 'missing' } | { kind: 'number'; value: number } | { kind: 'text'; value: string };

function parseCell(cell: Cell): Parsed {
  if (cell === null || cell === undefined) return { kind: 'missing' };
  if (typeof cell === 'number') return Number.isFinite(cell) ? { kind: 'number', value: cell } : { kind: 'missing' };
  if (typeof cell === 'boolean') return { kind: 'number', value: cell ? 1 : 0 };
  const text = cell.trim();
  if (text === '') return { kind: 'missing' };
  return NUMERIC_TEXT.test(text) ? { kind: 'number', value: Number(text) } : { kind: 'text', value: text };
}

/** NaN for blanks and text. */
function numberOf(cell: Cell): number {
  const parsed = parseCell(cell);
  return parsed.kind === 'number' ? parsed.value : NaN;
}

/** Text as written (trimmed), so that a code like "01234" stays itself. */
function levelOf(cell: Cell): string {
  if (parseCell(cell).kind === 'missing') return MISSING_LEVEL;
  return typeof cell === 'string' ? cell.trim() : String(cell);
}

function rowCountOf(table: Table): number {
  const n = table[0]?.values.length ?? 0;
  for (const column of table)
    if (column.values.length !== n)
      throw invalid(`Column "${column.name}" has ${column.values.length} values; "${table[0]?.name}" has ${n}.`);
  return n;
}

function median(sorted: Float64Array): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Population (biased) sample skewness, as scipy.stats.skew; 0 for a constant column. */
function skewness(values: Float64Array): number {
  const n = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of values) {
    m2 += (v - mean) ** 2 / n;
    m3 += (v - mean) ** 3 / n;
  }
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

interface Settings {
  log1p: 'auto' | ReadonlySet<string>;
  skewThreshold: number;
  maxLevels: number;
  minLevelCount: number;
  dropFirstLevel: boolean;
  numericShare: number;
  kinds: Readonly<Record<string, ColumnKind>>;
}

function settingsOf(table: Table, options: DesignOptions): Settings {
  const names = new Set(table.map((column) => column.name));
  const log1p = options.log1p ?? 'auto';
  const named = [...(log1p === 'auto' ? [] : log1p), ...Object.keys(options.kinds ?? {})];
  for (const name of named) if (!names.has(name)) throw invalid(`There is no column "${name}" in the table.`);
  const maxLevels = options.maxLevels ?? 10;
  const minLevelCount = options.minLevelCount ?? 5;
  if (!Number.isInteger(maxLevels) || maxLevels < 1) throw invalid('Keep at least 1 level per categorical column.');
  if (!(minLevelCount >= 1)) throw invalid('The least count for a level must be at least 1.');
  return {
    log1p: log1p === 'auto' ? 'auto' : new Set(log1p),
    skewThreshold: options.skewThreshold ?? 1,
    maxLevels,
    minLevelCount,
    dropFirstLevel: options.dropFirstLevel ?? false,
    numericShare: options.numericShare ?? 0.9,
    kinds: options.kinds ?? {},
  };
}

/** The kind of a column from its values, with the note for a mostly-numeric column that has some text. */
function guessKind(column: TableColumn, settings: Settings, notes: DesignNote[]): ColumnKind {
  const given = settings.kinds[column.name];
  let numbers = 0;
  const texts: string[] = [];
  for (let i = 0; i < column.values.length; i++) {
    const parsed = parseCell(column.values[i]);
    if (parsed.kind === 'number') numbers++;
    else if (parsed.kind === 'text') texts.push(parsed.value);
  }
  const kind: ColumnKind | null =
    given ??
    (texts.length === 0 || numbers >= settings.numericShare * (numbers + texts.length)
      ? 'numeric'
      : numbers <= (1 - settings.numericShare) * (numbers + texts.length)
        ? 'categorical'
        : null);
  if (kind === null)
    throw invalid(
      `Column "${column.name}" mixes numbers (${numbers}) and text (${texts.length}), so it is neither a measure ` +
        'nor a category: clean it, or say which kind it is.',
    );
  if (kind === 'numeric' && texts.length > 0 && numbers > 0)
    notes.push({
      code: 'mixed-type',
      column: column.name,
      nonNumeric: texts.length,
      examples: [...new Set(texts)].slice(0, 3),
    });
  return kind;
}

function fitNumeric(column: TableColumn, settings: Settings, notes: DesignNote[]): ColumnStep | null {
  const name = column.name;
  const all = Float64Array.from({ length: column.values.length }, (_, i) => numberOf(column.values[i]));
  const observed = all.filter((v) => !Number.isNaN(v)).sort();
  const missing = all.length - observed.length;
  if (observed.length === 0) {
    notes.push({ code: 'dropped-missing', column: name });
    return null;
  }
  const min = observed[0] ?? 0;
  const max = observed[observed.length - 1] ?? 0;
  if (min === max) {
    notes.push({ code: 'dropped-constant', column: name, value: min, missingIndicator: missing > 0 });
    return missing > 0
      ? { kind: 'numeric', column: name, log1p: false, median: min, value: false, missingIndicator: true }
      : null;
  }
  const skew = skewness(observed);
  let log1p: boolean;
  if (settings.log1p === 'auto') {
    const threeValues = observed.some((v) => v !== min && v !== max);
    log1p = min >= 0 && threeValues && skew > settings.skewThreshold;
  } else {
    log1p = settings.log1p.has(name);
    if (log1p && min < 0)
      throw invalid(`log1p needs values of 0 or more, but "${name}" has ${min}: take it out of the log1p list.`);
  }
  if (log1p) notes.push({ code: 'log1p', column: name, skewness: skew });
  const middle = median(log1p ? observed.map(Math.log1p) : observed);
  if (missing > 0) notes.push({ code: 'imputed', column: name, count: missing, value: middle });
  return { kind: 'numeric', column: name, log1p, median: middle, value: true, missingIndicator: missing > 0 };
}

function fitCategorical(column: TableColumn, settings: Settings, notes: DesignNote[]): ColumnStep | null {
  const name = column.name;
  const counts = new Map<string, number>();
  for (let i = 0; i < column.values.length; i++) {
    const level = levelOf(column.values[i]);
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  if (counts.size === 1 && counts.has(MISSING_LEVEL)) {
    notes.push({ code: 'dropped-missing', column: name });
    return null;
  }
  if (counts.size === 1) {
    notes.push({ code: 'dropped-constant', column: name, value: [...counts.keys()][0] ?? '', missingIndicator: false });
    return null;
  }
  const ranked = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const kept = ranked
    .filter(([, count]) => count >= settings.minLevelCount)
    .slice(0, settings.maxLevels)
    .map(([level]) => level);
  if (kept.length === 0) {
    notes.push({
      code: 'dropped-rare-levels',
      column: name,
      distinct: counts.size,
      minLevelCount: settings.minLevelCount,
    });
    return null;
  }
  const otherCount = column.values.length - kept.reduce((sum, level) => sum + (counts.get(level) ?? 0), 0);
  const droppedLevel = settings.dropFirstLevel ? (kept[0] ?? null) : null;
  const levels = settings.dropFirstLevel ? kept.slice(1) : kept;
  notes.push({ code: 'one-hot', column: name, levels, droppedLevel, otherCount });
  return { kind: 'categorical', column: name, levels, droppedLevel, other: otherCount > 0 };
}

function featuresOf(steps: readonly ColumnStep[]): DesignFeature[] {
  return steps.flatMap((step): DesignFeature[] => {
    const column = step.column;
    if (step.kind === 'numeric')
      return [
        ...(step.value ? [{ name: column, column, role: 'value' as const }] : []),
        ...(step.missingIndicator ? [{ name: `${column} ${MISSING_LEVEL}`, column, role: 'missing' as const }] : []),
      ];
    return [
      ...step.levels.map((level) => ({ name: `${column} = ${level}`, column, role: 'level' as const, level })),
      ...(step.other ? [{ name: `${column} = ${OTHER_LEVEL}`, column, role: 'other' as const }] : []),
    ];
  });
}

/** The features before standardisation, row-major. */
function encode(steps: readonly ColumnStep[], width: number, table: Table): RowMajor {
  const byName = new Map(table.map((column) => [column.name, column]));
  const n = rowCountOf(table);
  const data = new Float64Array(n * width);
  let offset = 0;
  for (const step of steps) {
    const column = byName.get(step.column);
    if (!column) throw invalid(`The data has no column "${step.column}", which the model needs.`);
    const { values } = column;
    if (step.kind === 'numeric') {
      for (let i = 0, at = offset; i < n; i++, at += width) {
        let value = numberOf(values[i]);
        const missing = Number.isNaN(value);
        // New rows may go below the training minimum of 0; log1p is kept defined by flooring them at 0.
        if (!missing && step.log1p) value = Math.log1p(Math.max(value, 0));
        let j = at;
        if (step.value) data[j++] = missing ? step.median : value;
        if (step.missingIndicator) data[j] = missing ? 1 : 0;
      }
      offset += Number(step.value) + Number(step.missingIndicator);
    } else {
      const index = new Map(step.levels.map((level, k) => [level, k]));
      for (let i = 0, at = offset; i < n; i++, at += width) {
        const level = levelOf(values[i]);
        const k = index.get(level);
        if (k !== undefined) data[at + k] = 1;
        else if (step.other && level !== step.droppedLevel) data[at + step.levels.length] = 1;
      }
      offset += step.levels.length + Number(step.other);
    }
  }
  return { data, cols: width };
}

function standardiseInPlace({ data, cols }: RowMajor, means: readonly number[], stds: readonly number[]): void {
  for (let i = 0; i < data.length; i++) {
    const j = i % cols;
    data[i] = ((data[i] ?? 0) - (means[j] ?? 0)) / (stds[j] ?? 1);
  }
}

/** Learns the transform from the training rows and returns them transformed. */
export function fitDesign(table: Table, options: DesignOptions = {}): DesignFit {
  if (table.length === 0) throw invalid('Choose at least one column to build features from.');
  const n = rowCountOf(table);
  if (n === 0) throw invalid('There are no training rows to learn the features from.');
  const names = new Set<string>();
  for (const { name } of table) {
    if (names.has(name)) throw invalid(`Column "${name}" appears twice; give each column its own name.`);
    names.add(name);
  }
  const settings = settingsOf(table, options);
  const notes: DesignNote[] = [];
  const steps: ColumnStep[] = [];
  for (const column of table) {
    const kind = guessKind(column, settings, notes);
    if (kind === 'categorical' && settings.log1p !== 'auto' && settings.log1p.has(column.name))
      throw invalid(`log1p applies to numbers, but "${column.name}" is categorical: take it out of the log1p list.`);
    const step = kind === 'numeric' ? fitNumeric(column, settings, notes) : fitCategorical(column, settings, notes);
    if (step) steps.push(step);
  }
  const features = featuresOf(steps);
  if (features.length === 0)
    throw invalid(
      'No usable feature is left: every column is constant, blank or too rare on the training rows. ' +
        'Choose other columns or more customers.',
    );
  const matrix = encode(steps, features.length, table);
  const means = new Array<number>(features.length).fill(0);
  const stds = new Array<number>(features.length).fill(0);
  for (let i = 0; i < matrix.data.length; i++)
    means[i % matrix.cols] = (means[i % matrix.cols] ?? 0) + (matrix.data[i] ?? 0) / n;
  for (let i = 0; i < matrix.data.length; i++) {
    const j = i % matrix.cols;
    stds[j] = (stds[j] ?? 0) + ((matrix.data[i] ?? 0) - (means[j] ?? 0)) ** 2 / n;
  }
  // Every feature varies by construction; the guard only keeps a rounding-level variance from blowing up.
  for (let j = 0; j < stds.length; j++) stds[j] = Math.sqrt(stds[j] ?? 0) || 1;
  standardiseInPlace(matrix, means, stds);
  return { transform: { name: DESIGN_NAME, version: DESIGN_VERSION, steps, features, means, stds }, matrix, notes };
}

/** The same features for other rows (test customers, customers to score), by column name. */
export function applyDesign(transform: DesignTransform, table: Table): RowMajor {
  const matrix = encode(transform.steps, transform.features.length, table);
  standardiseInPlace(matrix, transform.means, transform.stds);
  return matrix;
}

/** The rows of a table where `keep` is true (or non-zero), e.g. the training split. */
export function selectRows(table: Table, keep: ArrayLike<boolean | number>): TableColumn[] {
  const n = rowCountOf(table);
  if (keep.length !== n) throw invalid(`The row selection has ${keep.length} entries for ${n} rows.`);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) rows.push(i);
  return table.map(({ name, values }) => ({ name, values: rows.map((i) => values[i]) }));
}

/** Features ranked by the size of their standardised coefficient: what moves the prediction most. */
export function drivers(transform: Pick<DesignTransform, 'features'>, coefficients: readonly number[]): Driver[] {
  if (coefficients.length !== transform.features.length)
    throw invalid(`${coefficients.length} coefficients for ${transform.features.length} features.`);
  return transform.features
    .map((feature, j): Driver => {
      const coefficient = coefficients[j] ?? 0;
      return {
        feature: feature.name,
        column: feature.column,
        role: feature.role,
        ...(feature.level !== undefined ? { level: feature.level } : {}),
        coefficient,
        oddsRatio: Math.exp(coefficient),
        direction: coefficient < 0 ? 'lowers' : 'raises',
      };
    })
    .sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
}

export function designToJSON(transform: DesignTransform): DesignTransform {
  return JSON.parse(JSON.stringify(transform)) as DesignTransform;
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

function validStep(step: Partial<ColumnStep> | null): boolean {
  if (typeof step?.column !== 'string') return false;
  if (step.kind === 'numeric')
    return (
      typeof step.log1p === 'boolean' &&
      Number.isFinite(step.median) &&
      typeof step.value === 'boolean' &&
      typeof step.missingIndicator === 'boolean'
    );
  return (
    step.kind === 'categorical' &&
    isStringArray(step.levels) &&
    (step.droppedLevel === null || typeof step.droppedLevel === 'string') &&
    typeof step.other === 'boolean'
  );
}

/** Reads back what designToJSON wrote, refusing anything else and anything from a newer MarketLens. */
export function loadDesign(json: unknown): DesignTransform {
  const transform = json as Partial<DesignTransform> | null;
  if (transform?.name !== DESIGN_NAME) throw invalid('This is not a saved feature transform.');
  const { version } = transform;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw invalid('This feature transform has no valid format version, so it cannot be read.');
  if (version > DESIGN_VERSION)
    throw invalid(
      `This feature transform was saved by a newer MarketLens (format ${version}; this one reads up to ` +
        `${DESIGN_VERSION}). Update MarketLens to use it, or fit the model again.`,
    );
  const { steps, features, means, stds } = transform;
  const numbers = (values: unknown) =>
    Array.isArray(values) && values.length === features?.length && values.every((v) => Number.isFinite(v));
  const valid =
    Array.isArray(steps) &&
    steps.every((step) => validStep(step as Partial<ColumnStep> | null)) &&
    Array.isArray(features) &&
    features.length === featuresOf(steps).length &&
    numbers(means) &&
    numbers(stds) &&
    (stds as number[]).every((s) => s > 0);
  if (!valid) throw invalid('This saved feature transform is damaged: its steps do not match its features.');
  return designToJSON({
    name: DESIGN_NAME,
    version,
    steps,
    features: featuresOf(steps),
    means,
    stds,
  } as DesignTransform);
}
