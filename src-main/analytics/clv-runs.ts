/**
 * Lifetime value on the project's valid orders (valid-orders.ts), kept as a run with one row per customer in
 * clv_customers; the campaigns area reads churn_band and clv of the latest run.
 */
import { CoreError } from '../shared/errors';
import type { ClvCustomerRow, ClvOptions, ClvSummaryDto, CLV_SORTS } from '../shared/models';
import type { Db } from '../store/connection';
import { computeClv } from './clv-model';
import type { TrainingProgress } from './model-training';
import { requireOrderDays } from './propensity-features';
import { parseDay } from './propensity-training';
import { validOrdersCte } from './valid-orders';

/** Every valid order of a known customer, as the columns the summary reads. */
function orderColumns(db: Db): { customer: Int32Array; time: Float64Array; value: Float64Array } {
  const rows = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: true })} SELECT customer_id, ordered_at, amount FROM valid_orders`,
    )
    .raw()
    .all({ before: Number.MAX_SAFE_INTEGER }) as [number, number, number][];
  return {
    customer: Int32Array.from(rows, (r) => r[0]),
    time: Float64Array.from(rows, (r) => r[1]),
    value: Float64Array.from(rows, (r) => r[2]),
  };
}

export function runClv(db: Db, options: ClvOptions, ctx: TrainingProgress, now = Date.now()): ClvSummaryDto {
  const days = requireOrderDays(db);
  const calibrationEnd =
    options.calibrationEnd === undefined ? days.last : parseDay(options.calibrationEnd, 'The calibration end');
  if (calibrationEnd < days.first || calibrationEnd > days.last)
    throw new CoreError(
      'VALIDATION',
      `The calibration end must fall between the first and the last order day (${new Date(days.first).toISOString().slice(0, 10)} to ${new Date(days.last).toISOString().slice(0, 10)}).`,
    );
  ctx.progress(0.05, 'orders');
  const transactions = orderColumns(db);
  ctx.throwIfCancelled();
  ctx.progress(0.2, 'fit');
  const { figures, customers: c } = computeClv(transactions, { ...options, calibrationEnd });
  ctx.throwIfCancelled();
  ctx.progress(0.8, 'store');
  const summary: Omit<ClvSummaryDto, 'runId'> = { createdAt: now, options, ...figures };
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const runId = db.transaction(() => {
    const id = Number(
      db
        .prepare('INSERT INTO clv_runs (created_at, options_json, summary_json) VALUES (?, ?, ?)')
        .run(now, JSON.stringify(options), JSON.stringify(summary)).lastInsertRowid,
    );
    const insert = db.prepare(
      `INSERT INTO clv_customers (run_id, customer_id, probability_alive, expected_30, expected_90, expected_365, clv,
         historic_clv, churn_band, next_order_at, average_gap_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    c.ids.forEach((customerId, i) => {
      const next = finite(c.nextOrderAt[i]);
      insert.run(
        id,
        customerId,
        c.probabilityAlive[i],
        c.expected30[i],
        c.expected90[i],
        c.expected365[i],
        c.clv[i],
        c.historicClv[i],
        c.band[i],
        next === null ? null : Math.round(next),
        finite(c.averageGapDays[i]),
      );
    });
    return id;
  })();
  ctx.progress(1, null);
  return { runId, ...summary };
}

export function latestClv(db: Db): ClvSummaryDto | null {
  const row = db.prepare('SELECT id, summary_json FROM clv_runs ORDER BY id DESC LIMIT 1').get() as
    { id: number; summary_json: string } | undefined;
  if (!row) return null;
  const summary = JSON.parse(row.summary_json) as Omit<ClvSummaryDto, 'runId'>;
  return { runId: row.id, ...summary, aliveMatrix: summary.aliveMatrix ?? null };
}

const ORDER_BY: Record<(typeof CLV_SORTS)[number], string> = {
  clv: 'v.clv DESC',
  probabilityAlive: 'v.probability_alive ASC',
  historicClv: 'v.historic_clv DESC',
};

export function clvCustomers(
  db: Db,
  query: {
    runId: number;
    sort: (typeof CLV_SORTS)[number];
    band?: 'low' | 'medium' | 'high' | undefined;
    offset: number;
    limit: number;
  },
): { total: number; rows: ClvCustomerRow[] } {
  if (!db.prepare('SELECT 1 FROM clv_runs WHERE id = ?').get(query.runId))
    throw new CoreError('NOT_FOUND', 'That lifetime value run no longer exists.');
  const where = `v.run_id = :runId ${query.band ? 'AND v.churn_band = :band' : ''}`;
  const params = { runId: query.runId, band: query.band ?? null, limit: query.limit, offset: query.offset };
  const total = db.prepare(`SELECT count(*) FROM clv_customers v WHERE ${where}`).pluck().get(params) as number;
  const rows = db
    .prepare(
      `SELECT v.customer_id AS customerId, c.external_id AS externalId,
         nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') AS name,
         v.probability_alive AS probabilityAlive, v.expected_30 AS expected30, v.expected_90 AS expected90,
         v.expected_365 AS expected365, v.clv, v.historic_clv AS historicClv, v.average_gap_days AS averageGapDays,
         v.churn_band AS churnBand, v.next_order_at AS nextOrderAt
       FROM clv_customers v JOIN customers c ON c.id = v.customer_id
       WHERE ${where} ORDER BY ${ORDER_BY[query.sort]}, v.customer_id LIMIT :limit OFFSET :offset`,
    )
    .all(params) as ClvCustomerRow[];
  return { total, rows };
}
