/**
 * Saving a campaign: its audience (audience.ts) with every member's personal fields frozen (segment, predicted value
 * and its band, offer, coupon code, recommended products), so that each export of it, today or in a year, writes
 * the same people with the same codes, offers and products.
 * Listing, reading and deleting campaigns.
 */
import { generateCouponCodes } from '../io/coupon-codes';
import type {
  CampaignDetail,
  CampaignExportInfo,
  CampaignInfo,
  CampaignPreset,
  CampaignResults,
  CampaignSpec,
  FunnelCounts,
  HoldoutSummary,
} from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { buildAudience, type Audience } from './audience';
import { latestClvRunId, latestRecommendationRunId, valueBandThresholds } from './predictions';

export interface Progress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

const quiet: Progress = { progress: () => undefined, throwIfCancelled: () => undefined };

/** Top recommended products frozen per contacted member, as many as a personal "recs" field shows. */
const TOP_RECOMMENDATIONS = 3;
/** Separates recommended product names inside one SQL value; no product name holds it. */
export const RECS_SEPARATOR = '\u001f';

/**
 * Every member's frozen fields in one statement, from the audience the caller put in the temporary tables: the
 * latest CLV run's value and band, the offer (by segment, else by value band, else the default) and the top
 * recommended products. Set-based, so a million members cost one pass rather than a statement per chunk.
 */
const INSERT_MEMBERS = `INSERT INTO campaign_members (campaign_id, customer_id, holdout, segment, value, value_band, offer,
    coupon, recs)
  SELECT :campaign, customer_id, holdout, segment, clv, band,
    coalesce(segment_offer, CASE band WHEN 'High' THEN :highOffer WHEN 'Medium' THEN :mediumOffer
      WHEN 'Low' THEN :lowOffer END, :defaultOffer),
    coupon, recs
  FROM (SELECT a.customer_id, a.holdout, a.coupon, l.segment, l.offer AS segment_offer, v.clv,
      CASE WHEN v.clv IS NULL THEN NULL WHEN v.clv >= :high THEN 'High' WHEN v.clv >= :medium THEN 'Medium' ELSE 'Low'
        END AS band,
      CASE WHEN a.holdout = 0 THEN (SELECT group_concat(coalesce(nullif(p.name, ''), p.sku), char(31) ORDER BY r.rank)
        FROM recommendations r JOIN products p ON p.id = r.product_id
        WHERE r.run_id = :recRun AND r.customer_id = a.customer_id AND r.rank <= ${TOP_RECOMMENDATIONS}) END AS recs
    FROM temp.campaign_audience a JOIN temp.campaign_labels l ON l.id = a.label
    LEFT JOIN clv_customers v ON v.run_id = :clvRun AND v.customer_id = a.customer_id
    ORDER BY a.customer_id)`;

/** Members staged per statement: a statement per member costs more in crossing into SQLite than in inserting. */
const STAGE_ROWS = 250;

/** The audience as built in JavaScript, handed to SQLite `STAGE_ROWS` members per statement. */
function stageAudience(db: Db, audience: Audience, codes: readonly string[], offers: CampaignSpec['offers']): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS campaign_labels (id INTEGER PRIMARY KEY, segment TEXT NOT NULL, offer TEXT);
    CREATE TEMP TABLE IF NOT EXISTS campaign_audience (customer_id INTEGER PRIMARY KEY, holdout INTEGER NOT NULL,
      label INTEGER NOT NULL, coupon TEXT);
    DELETE FROM temp.campaign_labels; DELETE FROM temp.campaign_audience;`);
  const byKey = new Map(Object.entries(offers).map(([key, offer]) => [key.toLowerCase(), offer]));
  const labelIndex = new Map<string, number>();
  const label = db.prepare('INSERT INTO temp.campaign_labels (id, segment, offer) VALUES (?, ?, ?)');
  for (const segment of audience.segments) {
    if (labelIndex.has(segment)) continue;
    labelIndex.set(segment, labelIndex.size);
    label.run(labelIndex.size - 1, segment, byKey.get(segment.toLowerCase()) || null);
  }
  const insert = (rows: number) =>
    db.prepare(
      `INSERT INTO temp.campaign_audience (customer_id, holdout, label, coupon) VALUES ${Array<string>(rows).fill('(?, ?, ?, ?)').join(', ')}`,
    );
  const full = insert(STAGE_ROWS);
  const values: (number | string | null)[] = [];
  const { customerIds, segments, holdout } = audience;
  let coupon = 0;
  for (let i = 0; i < customerIds.length; i++) {
    const held = holdout[i] === 1;
    values.push(
      customerIds[i] as number,
      held ? 1 : 0,
      labelIndex.get(segments[i] as string) as number,
      held ? null : (codes[coupon++] ?? null),
    );
    if (values.length === STAGE_ROWS * 4) {
      full.run(values);
      values.length = 0;
    }
  }
  if (values.length > 0) insert(values.length / 4).run(values);
}

function insertMembers(db: Db, campaignId: number, spec: CampaignSpec): void {
  const clvRun = latestClvRunId(db);
  const thresholds = clvRun === null ? null : valueBandThresholds(db, clvRun);
  const byKey = new Map(Object.entries(spec.offers).map(([key, offer]) => [key.toLowerCase(), offer || null]));
  db.prepare(INSERT_MEMBERS).run({
    campaign: campaignId,
    clvRun,
    high: thresholds?.high ?? 0,
    medium: thresholds?.medium ?? 0,
    highOffer: byKey.get('high') ?? null,
    mediumOffer: byKey.get('medium') ?? null,
    lowOffer: byKey.get('low') ?? null,
    defaultOffer: spec.defaultOffer || null,
    recRun: latestRecommendationRunId(db),
  });
  db.exec('DELETE FROM temp.campaign_labels; DELETE FROM temp.campaign_audience;');
}

export function createCampaign(db: Db, spec: CampaignSpec, progress: Progress = quiet, now = Date.now()): CampaignInfo {
  progress.progress(0, 'audience');
  const audience = buildAudience(db, spec, now);
  const { funnel } = audience;
  if (funnel.eligible === 0) {
    throw new CoreError(
      'VALIDATION',
      funnel.inSegments === 0
        ? 'The audience is empty: the chosen segments have no customers. Choose other segments.'
        : `The audience is empty: all ${funnel.inSegments} customers were left out by the score, consent, suppression or recent-contact steps. Relax one of them.`,
    );
  }
  if (funnel.treated === 0) {
    throw new CoreError('VALIDATION', 'Everyone in this audience would be held out; lower the holdout percentage.');
  }
  progress.throwIfCancelled();
  // Earlier campaigns' codes are not excluded: the same spec and seed must give the same codes again. A campaign
  // that must not share codes with another gets its own prefix in the pattern.
  const codes = spec.couponPattern ? generateCouponCodes(spec.couponPattern, funnel.treated, { seed: spec.seed }) : [];
  progress.progress(0.3, 'saving');
  const id = db.transaction(() => {
    const campaignId = Number(
      db
        .prepare(
          'INSERT INTO campaigns (name, spec_json, funnel_json, holdout_json, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(spec.name, JSON.stringify(spec), JSON.stringify(funnel), JSON.stringify(audience.balance), now)
        .lastInsertRowid,
    );
    stageAudience(db, audience, codes, spec.offers);
    progress.progress(0.5, 'saving');
    insertMembers(db, campaignId, spec);
    return campaignId;
  })();
  progress.progress(1, null);
  return campaignInfo(db, id);
}

interface CampaignRow {
  id: number;
  name: string;
  spec_json: string;
  funnel_json: string;
  holdout_json: string;
  created_at: number;
  exports: number;
  last_export_at: number | null;
}

const CAMPAIGN_SELECT = `SELECT c.*, (SELECT count(*) FROM campaign_exports e WHERE e.campaign_id = c.id) AS exports,
  (SELECT max(exported_at) FROM campaign_exports e WHERE e.campaign_id = c.id) AS last_export_at FROM campaigns c`;

function toInfo(row: CampaignRow): CampaignInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    spec: JSON.parse(row.spec_json) as CampaignSpec,
    funnel: JSON.parse(row.funnel_json) as FunnelCounts,
    exports: row.exports,
    lastExportAt: row.last_export_at,
  };
}

function campaignRow(db: Db, id: number): CampaignRow {
  const row = db.prepare(`${CAMPAIGN_SELECT} WHERE c.id = ?`).get(id) as CampaignRow | undefined;
  if (!row) throw new CoreError('NOT_FOUND', `There is no campaign ${id} in this project.`);
  return row;
}

export function campaignInfo(db: Db, id: number): CampaignInfo {
  return toInfo(campaignRow(db, id));
}

export function listCampaigns(db: Db): CampaignInfo[] {
  return (db.prepare(`${CAMPAIGN_SELECT} ORDER BY c.id DESC`).all() as CampaignRow[]).map(toInfo);
}

interface ExportRow {
  id: number;
  campaign_id: number;
  exported_at: number;
  preset: CampaignPreset;
  options_json: string;
  file_name: string;
  sha256: string;
  bytes: number;
  rows: number;
  skipped: number;
}

export function toExportInfo(row: ExportRow): CampaignExportInfo {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    exportedAt: row.exported_at,
    preset: row.preset,
    fileName: row.file_name,
    sha256: row.sha256,
    bytes: row.bytes,
    rows: row.rows,
    skipped: row.skipped,
    hashed: (JSON.parse(row.options_json) as { hashed?: boolean }).hashed === true || row.preset === 'meta',
  };
}

export function campaignDetail(db: Db, id: number): CampaignDetail {
  const row = campaignRow(db, id);
  const history = (
    db
      .prepare('SELECT * FROM campaign_exports WHERE campaign_id = ? ORDER BY exported_at DESC, id DESC')
      .all(id) as ExportRow[]
  ).map(toExportInfo);
  const results = (
    db
      .prepare('SELECT result_json FROM campaign_results WHERE campaign_id = ? ORDER BY id DESC')
      .pluck()
      .all(id) as string[]
  ).map((json) => JSON.parse(json) as CampaignResults);
  return { ...toInfo(row), holdout: JSON.parse(row.holdout_json) as HoldoutSummary, history, results };
}

export function deleteCampaign(db: Db, id: number): void {
  if (db.prepare('DELETE FROM campaigns WHERE id = ?').run(id).changes === 0) {
    throw new CoreError('NOT_FOUND', `There is no campaign ${id} in this project.`);
  }
}
