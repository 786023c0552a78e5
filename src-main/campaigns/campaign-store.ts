/**
 * Saving a campaign: its audience (audience.ts) with every member's personal fields frozen (segment, predicted value
 * and its band, offer, coupon code), so that each export of it, today or in a year, writes the same people with the
 * same codes and offers. Recommended products are read when exporting, as the latest ones are the useful ones.
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
import { buildAudience } from './audience';
import { latestClvRunId, valueBandThresholds } from './predictions';

export interface Progress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

const quiet: Progress = { progress: () => undefined, throwIfCancelled: () => undefined };

/** Members go to SQLite as JSON, a chunk per statement: one call per row costs more than the insert itself. */
const CHUNK = 50_000;

const INSERT_MEMBERS = `INSERT INTO campaign_members (campaign_id, customer_id, holdout, segment, offer, coupon)
  SELECT :campaign, j.value ->> 0, j.value ->> 1, s.value, o.value, j.value ->> 2
  FROM json_each(:rows) j
  JOIN json_each(:segments) s ON s.key = j.value ->> 3
  LEFT JOIN json_each(:offers) o ON o.key = j.value ->> 3 AND o.value IS NOT NULL`;

/** The latest CLV run's value and its band, for every member, in one statement. */
function freezeValues(db: Db, campaignId: number): void {
  const runId = latestClvRunId(db);
  if (runId === null) return;
  const thresholds = valueBandThresholds(db, runId);
  db.prepare(
    `UPDATE campaign_members AS m SET value = v.clv,
       value_band = CASE WHEN v.clv >= :high THEN 'High' WHEN v.clv >= :medium THEN 'Medium' ELSE 'Low' END
     FROM clv_customers v WHERE v.run_id = :run AND v.customer_id = m.customer_id AND m.campaign_id = :campaign`,
  ).run({ run: runId, campaign: campaignId, high: thresholds?.high ?? 0, medium: thresholds?.medium ?? 0 });
}

/** Offers by segment went in with the members; then by value band, then the default, for those still without. */
function freezeOffers(db: Db, campaignId: number, spec: CampaignSpec): void {
  const byKey = new Map(Object.entries(spec.offers).map(([key, offer]) => [key.toLowerCase(), offer || null]));
  db.prepare(
    `UPDATE campaign_members SET offer = CASE value_band WHEN 'High' THEN :high WHEN 'Medium' THEN :medium
       WHEN 'Low' THEN :low END WHERE campaign_id = :campaign AND offer IS NULL AND value_band IS NOT NULL`,
  ).run({
    campaign: campaignId,
    high: byKey.get('high') ?? null,
    medium: byKey.get('medium') ?? null,
    low: byKey.get('low') ?? null,
  });
  if (spec.defaultOffer) {
    db.prepare('UPDATE campaign_members SET offer = ? WHERE campaign_id = ? AND offer IS NULL').run(
      spec.defaultOffer,
      campaignId,
    );
  }
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
  const { customerIds, segments, holdout } = audience;
  const labels = [...new Set(segments)];
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const segmentOffers = new Map(Object.entries(spec.offers).map(([key, offer]) => [key.toLowerCase(), offer]));
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
    const insert = db.prepare(INSERT_MEMBERS);
    const params = {
      campaign: campaignId,
      segments: JSON.stringify(labels),
      offers: JSON.stringify(labels.map((label) => segmentOffers.get(label.toLowerCase()) || null)),
    };
    let coupon = 0;
    for (let start = 0; start < customerIds.length; start += CHUNK) {
      const rows: (number | string | null)[][] = [];
      for (let i = start; i < Math.min(start + CHUNK, customerIds.length); i++) {
        const held = holdout[i] === 1;
        rows.push([
          customerIds[i] as number,
          held ? 1 : 0,
          held ? null : (codes[coupon++] ?? null),
          labelIndex.get(segments[i] as string) as number,
        ]);
      }
      insert.run({ ...params, rows: JSON.stringify(rows) });
      progress.progress(0.3 + (0.4 * (start + rows.length)) / customerIds.length, 'saving');
    }
    freezeValues(db, campaignId);
    freezeOffers(db, campaignId, spec);
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
