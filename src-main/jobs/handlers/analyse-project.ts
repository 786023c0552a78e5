import type { AnalyseProjectResult, ColumnProfile, TableProfile } from '../../shared/dto';
import type { JobContext } from '../context';

const CHUNK_ROWS = 50_000;

interface ColumnInfo {
  name: string;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** User tables, and whether each has a rowid to scan it in chunks by (WITHOUT ROWID tables do not). */
function userTables(ctx: JobContext): { name: string; rowid: boolean }[] {
  const rows = ctx.db
    .prepare(
      "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all() as { name: string; wr: number }[];
  return rows.map((row) => ({ name: row.name, rowid: row.wr === 0 }));
}

function pickMin(a: number | string | null, b: number | string | null): number | string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b < a ? b : a;
}

function pickMax(a: number | string | null, b: number | string | null): number | string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

/**
 * Row counts, non-null counts, minima and maxima of every column, and the date range of each table.
 * Scans in rowid chunks so that progress is real and cancellation is prompt even on millions of rows.
 */
export function analyseProject(ctx: JobContext): AnalyseProjectResult {
  const started = performance.now();
  const tables = userTables(ctx);
  const extents = tables.map(({ name: table, rowid }) => {
    // A table without rowids is read in one chunk: ours are small link tables.
    const row = (
      rowid
        ? ctx.db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${quoteIdentifier(table)}`).get()
        : ctx.db.prepare(`SELECT 0 AS lo, count(*) - 1 AS hi FROM ${quoteIdentifier(table)}`).get()
    ) as { lo: number | null; hi: number | null };
    return { table, rowid, lo: row.lo ?? 0, hi: row.hi ?? -1 };
  });
  const totalSpan = extents.reduce((sum, e) => sum + Math.max(0, e.hi - e.lo + 1), 0) || 1;
  let done = 0;

  const profiles: TableProfile[] = extents.map(({ table, rowid, lo, hi }) => {
    const columns = (ctx.db.prepare(`PRAGMA table_info(${quoteIdentifier(table)})`).all() as ColumnInfo[]).map(
      (c) => c.name,
    );
    const selects = columns.flatMap((c, i) => {
      const q = quoteIdentifier(c);
      return [`count(${q}) AS n${i}`, `min(${q}) AS lo${i}`, `max(${q}) AS hi${i}`];
    });
    const chunk = ctx.db.prepare(
      `SELECT count(*) AS rows, ${selects.join(', ')} FROM ${quoteIdentifier(table)}${rowid ? ' WHERE rowid >= ? AND rowid < ?' : ''}`,
    );
    const profile: ColumnProfile[] = columns.map((column) => ({ column, nonNull: 0, min: null, max: null }));
    let rows = 0;
    const step = rowid ? CHUNK_ROWS : hi - lo + 1;
    for (let from = lo; from <= hi; from += step) {
      ctx.throwIfCancelled();
      const to = Math.min(hi + 1, from + step);
      const stats = (rowid ? chunk.get(from, to) : chunk.get()) as Record<string, number | string | null>;
      rows += Number(stats.rows);
      profile.forEach((p, i) => {
        p.nonNull += Number(stats[`n${i}`]);
        p.min = pickMin(p.min, stats[`lo${i}`] ?? null);
        p.max = pickMax(p.max, stats[`hi${i}`] ?? null);
      });
      done += to - from;
      ctx.progress(done / totalSpan, table);
    }
    return { table, rows, columns: profile, dateRange: dateRangeOf(profile) };
  });

  ctx.progress(1, null);
  return { tables: profiles, durationMs: Math.round(performance.now() - started) };
}

function dateRangeOf(columns: ColumnProfile[]): TableProfile['dateRange'] {
  let range: TableProfile['dateRange'] = null;
  for (const c of columns) {
    if (!c.column.endsWith('_at') || typeof c.min !== 'number' || typeof c.max !== 'number') continue;
    if (range === null || c.max - c.min > range.max - range.min) range = { column: c.column, min: c.min, max: c.max };
  }
  return range;
}
