import { CoreError } from '../shared/errors';
import type { RfmCustomerRow, RfmMovement, RfmRunInfo, RfmRunOptions, RfmSummary } from '../shared/rfm';
import type { Db } from '../store/connection';
import { computeRfm } from './rfm';

/** Computes RFM and keeps it: one run row with its summary, one score row per customer, in one transaction. */
export function runRfm(db: Db, options: RfmRunOptions, now = Date.now()): RfmSummary {
  const result = computeRfm(db, options);
  const summary: Omit<RfmSummary, 'runId'> = {
    createdAt: now,
    analysisDate: options.analysisDate ?? null,
    snapshot: result.snapshot,
    levels: result.levels,
    options,
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

type RunRow = { id: number; summary_json: string };

const toSummary = (row: RunRow): RfmSummary => ({
  runId: row.id,
  ...(JSON.parse(row.summary_json) as Omit<RfmSummary, 'runId'>),
});

export function latestRfm(db: Db): RfmSummary | null {
  const row = db.prepare('SELECT id, summary_json FROM rfm_runs ORDER BY id DESC LIMIT 1').get() as RunRow | undefined;
  return row ? toSummary(row) : null;
}

export function rfmRun(db: Db, runId: number): RfmSummary {
  const row = db.prepare('SELECT id, summary_json FROM rfm_runs WHERE id = ?').get(runId) as RunRow | undefined;
  if (!row) throw new CoreError('NOT_FOUND', 'That RFM analysis no longer exists.');
  return toSummary(row);
}

const RUN_INFO = `SELECT r.id AS runId, r.created_at AS createdAt, r.analysis_date AS analysisDate,
  r.snapshot_at AS snapshot, r.levels, (SELECT count(*) FROM rfm_scores s WHERE s.run_id = r.id) AS customers
  FROM rfm_runs r`;

/** Every analysis kept in the project, newest first. */
export function listRfmRuns(db: Db): RfmRunInfo[] {
  return db.prepare(`${RUN_INFO} ORDER BY r.id DESC`).all() as RfmRunInfo[];
}

function runInfo(db: Db, runId: number): RfmRunInfo {
  const info = db.prepare(`${RUN_INFO} WHERE r.id = ?`).get(runId) as RfmRunInfo | undefined;
  if (!info) throw new CoreError('NOT_FOUND', 'That RFM analysis no longer exists.');
  return info;
}

/** Customers counted by their segment in one analysis and in another (null: not scored in that one). */
export function rfmMovement(db: Db, fromRunId: number, toRunId: number): RfmMovement {
  const from = runInfo(db, fromRunId);
  const to = runInfo(db, toRunId);
  const flows = db
    .prepare(
      `SELECT a.segment AS "from", b.segment AS "to", count(*) AS customers
       FROM rfm_scores a LEFT JOIN rfm_scores b ON b.run_id = :to AND b.customer_id = a.customer_id
       WHERE a.run_id = :from GROUP BY 1, 2
       UNION ALL
       SELECT NULL, b.segment, count(*) FROM rfm_scores b
       WHERE b.run_id = :to AND b.customer_id NOT IN (SELECT customer_id FROM rfm_scores WHERE run_id = :from)
       GROUP BY 2
       ORDER BY customers DESC`,
    )
    .all({ from: fromRunId, to: toRunId }) as RfmMovement['flows'];
  return { from, to, flows };
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
