/**
 * What other areas computed that a campaign reads: the latest RFM analysis's segments, a model's scores, the
 * latest lifetime-value run (the Meta `value` column and the value band) and the latest recommendation run (the
 * top products). Each may be missing; a campaign then goes without and says so.
 */
import type { Db } from '../store/connection';

/** The top fifth of predicted value is High, the next three tenths Medium, the rest Low. */
const HIGH_SHARE = 0.2;
const MEDIUM_SHARE = 0.5;

export function latestRfmRunId(db: Db): number | null {
  return (db.prepare('SELECT max(id) FROM rfm_runs').pluck().get() as number | null) ?? null;
}

export function latestClvRunId(db: Db): number | null {
  return (db.prepare('SELECT max(id) FROM clv_runs').pluck().get() as number | null) ?? null;
}

export function latestRecommendationRunId(db: Db): number | null {
  return (db.prepare('SELECT max(id) FROM recommendation_runs').pluck().get() as number | null) ?? null;
}

/** The predicted values at which the High and Medium bands start, for the latest CLV run. */
export interface BandThresholds {
  high: number;
  medium: number;
}

export function valueBandThresholds(db: Db, runId: number): BandThresholds | null {
  const count = db.prepare('SELECT count(*) FROM clv_customers WHERE run_id = ?').pluck().get(runId) as number;
  if (count === 0) return null;
  const at = (share: number) =>
    db
      .prepare('SELECT clv FROM clv_customers WHERE run_id = ? ORDER BY clv DESC LIMIT 1 OFFSET ?')
      .pluck()
      .get(runId, Math.min(count - 1, Math.max(0, Math.ceil(share * count) - 1))) as number;
  return { high: at(HIGH_SHARE), medium: at(MEDIUM_SHARE) };
}

/** Models that have scored customers, newest first. */
export function scoredModels(db: Db): { id: number; name: string; customers: number }[] {
  return db
    .prepare(
      `SELECT m.id, m.name, (SELECT count(*) FROM model_scores s WHERE s.model_id = m.id) AS customers
       FROM models m WHERE EXISTS (SELECT 1 FROM model_scores s WHERE s.model_id = m.id) ORDER BY m.id DESC`,
    )
    .all() as { id: number; name: string; customers: number }[];
}
