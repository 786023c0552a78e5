import type { RfmCustomerRow, RfmSummary } from '../shared/rfm';
import type { Db } from '../store/connection';
import { computeRfm, type RfmLevels } from './rfm';

export interface RfmRunOptions {
  analysisDate?: number | undefined;
  levels?: RfmLevels | undefined;
}

/** Computes RFM and keeps it: one run row with its summary, one score row per customer, in one transaction. */
export function runRfm(db: Db, options: RfmRunOptions, now = Date.now()): RfmSummary {
  const result = computeRfm(db, {
    ...(options.analysisDate !== undefined ? { analysisDate: options.analysisDate } : {}),
    ...(options.levels !== undefined ? { levels: options.levels } : {}),
  });
  const summary: Omit<RfmSummary, 'runId'> = {
    createdAt: now,
    analysisDate: options.analysisDate ?? null,
    snapshot: result.snapshot,
    levels: result.levels,
    customers: result.customers.customerId.length,
    segments: result.segments,
    rfGrid: result.rfGrid,
    warnings: result.warnings,
  };
  const insertScore = db.prepare(
    'INSERT INTO rfm_scores (run_id, customer_id, recency, frequency, monetary, r, f, m, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return db.transaction(() => {
    const runId = Number(
      db
        .prepare(
          'INSERT INTO rfm_runs (created_at, analysis_date, snapshot_at, levels, summary_json) VALUES (?, ?, ?, ?, ?)',
        )
        .run(now, summary.analysisDate, summary.snapshot, summary.levels, JSON.stringify(summary)).lastInsertRowid,
    );
    const c = result.customers;
    for (let i = 0; i < c.customerId.length; i++) {
      insertScore.run(
        runId,
        c.customerId[i],
        c.recency[i],
        c.frequency[i],
        c.monetary[i],
        c.r[i],
        c.f[i],
        c.m[i],
        c.segment[i],
      );
    }
    return { runId, ...summary };
  })();
}

export function latestRfm(db: Db): RfmSummary | null {
  const row = db.prepare('SELECT id, summary_json FROM rfm_runs ORDER BY id DESC LIMIT 1').get() as
    { id: number; summary_json: string } | undefined;
  return row ? { runId: row.id, ...(JSON.parse(row.summary_json) as Omit<RfmSummary, 'runId'>) } : null;
}

export function rfmCustomers(
  db: Db,
  query: { runId: number; segment?: string | undefined; offset: number; limit: number },
): { total: number; rows: RfmCustomerRow[] } {
  const where = query.segment === undefined ? 's.run_id = ?' : 's.run_id = ? AND s.segment = ?';
  const params = query.segment === undefined ? [query.runId] : [query.runId, query.segment];
  const total = db
    .prepare(`SELECT count(*) FROM rfm_scores s WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  const rows = db
    .prepare(
      `SELECT s.customer_id AS customerId, c.external_id AS externalId, c.email, s.recency, s.frequency, s.monetary,
         s.r, s.f, s.m, s.segment
       FROM rfm_scores s JOIN customers c ON c.id = s.customer_id
       WHERE ${where} ORDER BY s.monetary DESC, c.external_id LIMIT ? OFFSET ?`,
    )
    .all(...params, query.limit, query.offset) as RfmCustomerRow[];
  return { total, rows };
}
