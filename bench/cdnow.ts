/**
 * The CDNOW files in ../shared/data/lifetimes_cdnow, read the same way by the CLV tests and bench/clv.ts.
 * CDNOW_sample.txt has five whitespace-separated columns (master id, sample id 1..2357, yyyymmdd, quantity, value);
 * CDNOW_master.txt a header line and four (id, yyyymmdd, quantity, value). The sample is keyed by its own ids,
 * which are the ids of lifetimes' summaries.
 */
import { readFileSync } from 'node:fs';

export const CDNOW_DIR = new URL('../../shared/data/lifetimes_cdnow/', import.meta.url);
/** The calibration end every published CDNOW fit uses. */
export const CDNOW_CALIBRATION_END = Date.UTC(1997, 8, 30);

export type CdnowFile = 'CDNOW_sample.txt' | 'CDNOW_master.txt';

export function readCdnow(file: CdnowFile): { customer: Int32Array; time: Float64Array; value: Float64Array } {
  const master = file === 'CDNOW_master.txt';
  const lines = readFileSync(new URL(file, CDNOW_DIR), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(master ? 1 : 0);
  const customer = new Int32Array(lines.length);
  const time = new Float64Array(lines.length);
  const value = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const fields = line
      .trim()
      .split(/\s+/)
      .slice(master ? 0 : 1);
    const date = fields[1] ?? '';
    customer[i] = Number(fields[0]);
    time[i] = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8)));
    value[i] = Number(fields[3]);
  });
  return { customer, time, value };
}

/** One of lifetimes' CSV summaries of the sample, as rows of numbers (header dropped). */
export function readLifetimesCsv(file: string): number[][] {
  return readFileSync(new URL(file, CDNOW_DIR), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').map(Number));
}
