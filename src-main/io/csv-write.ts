import { neutraliseFormula, type GuardedColumnKind } from './formula-guard';

const NEEDS_QUOTES = /[",\r\n;\t]/;
/** One options object per kind, not one per field: this runs on every cell of a million-row export. */
const GUARD = { text: { kind: 'text' }, phone: { kind: 'phone' } } as const;

/** Text already guarded against formulas, quoted when it holds a delimiter, quote or line end. */
export function quoteCsvCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV field: formula-like text neutralised (DESIGN §5), quoted when it holds a delimiter, quote or line end. */
export function csvField(value: string | number | null | undefined, kind: GuardedColumnKind = 'text'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return quoteCsvCell(neutraliseFormula(value, GUARD[kind]));
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map((value) => csvField(value)).join(',')}\r\n`;
}
