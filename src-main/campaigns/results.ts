/**
 * What a campaign did: contacted members against held-out members, from an email tool's results file (opens,
 * clicks or orders by email or customer id) or from the orders imported for the days after the campaign went out.
 * Members the results do not mention count as not having responded. Rates, uplift and intervals come from
 * ml/uplift.ts; each measurement is kept with the campaign.
 */
import { basename } from 'node:path';
import { validOrdersCte } from '../analytics/valid-orders';
import { normaliseEmail } from '../io/contact-normalise';
import { measureUplift, summariseOutcomes } from '../ml/uplift';
import type { CampaignResults, ResponseMetric } from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { campaignInfo, type Progress } from './campaign-store';
import { findColumn, identifierColumns, readTableFile } from './table-file';

const DAY_MS = 86_400_000;
/** Rows of a results file matched between two looks at the cancel flag. */
const MATCH_CHUNK = 20_000;

const METRIC_COLUMNS: Record<ResponseMetric, readonly string[]> = {
  orders: [
    'orders',
    'ordered',
    'order',
    'purchased',
    'purchases',
    'purchase',
    'converted',
    'conversions',
    'conversion',
  ],
  clicks: ['clicks', 'clicked', 'click', 'unique clicks', 'total clicks'],
  opens: ['opens', 'opened', 'open', 'unique opens', 'total opens'],
};
const REVENUE_COLUMNS = ['revenue', 'order value', 'amount', 'sales', 'total', 'order total', 'value'];
const YES = new Set(['yes', 'y', 'true', 'x', '是', 'opened', 'clicked', 'ordered']);

export interface MeasureOptions {
  metric?: ResponseMetric | undefined;
  days?: number;
  now?: number;
}

interface Members {
  ids: number[];
  holdout: Uint8Array;
  byExternalId: Map<string, number>;
  byEmail: Map<string, number>;
}

function loadMembers(db: Db, campaignId: number): Members {
  const rows = db
    .prepare(
      `SELECT m.customer_id AS id, m.holdout, c.external_id AS externalId, c.email FROM campaign_members m
       JOIN customers c ON c.id = m.customer_id WHERE m.campaign_id = ? ORDER BY m.customer_id`,
    )
    .all(campaignId) as { id: number; holdout: number; externalId: string; email: string | null }[];
  const members: Members = {
    ids: rows.map((row) => row.id),
    holdout: Uint8Array.from(rows, (row) => row.holdout),
    byExternalId: new Map(),
    byEmail: new Map(),
  };
  rows.forEach((row, i) => {
    members.byExternalId.set(row.externalId, i);
    const email = normaliseEmail(row.email);
    if (email.ok) members.byEmail.set(email.value, i);
  });
  return members;
}

function responded(cell: string | undefined): boolean {
  const text = (cell ?? '').trim().toLowerCase();
  if (text === '') return false;
  const number = Number(text.replace(',', '.'));
  return Number.isFinite(number) ? number > 0 : YES.has(text);
}

function amount(cell: string | undefined): number {
  const number = Number((cell ?? '').replace(/[^\d.-]/g, ''));
  return Number.isFinite(number) ? number : 0;
}

function save(db: Db, result: Omit<CampaignResults, 'id'>): CampaignResults {
  const id = Number(
    db
      .prepare('INSERT INTO campaign_results (campaign_id, measured_at, result_json) VALUES (?, ?, ?)')
      .run(result.campaignId, result.measuredAt, '{}').lastInsertRowid,
  );
  const saved = { id, ...result };
  db.prepare('UPDATE campaign_results SET result_json = ? WHERE id = ?').run(JSON.stringify(saved), id);
  return saved;
}

function uplift(members: Members, response: Uint8Array, revenue: Float64Array | null) {
  const outcomes = summariseOutcomes(members.holdout, response, revenue ?? undefined);
  if (outcomes.holdout.customers === 0) {
    throw new CoreError('VALIDATION', 'This campaign has no holdout, so there is nothing to compare the results with.');
  }
  const measured = measureUplift(outcomes.treated, outcomes.holdout);
  return {
    treated: measured.treated,
    holdout: measured.holdout,
    absolute: measured.absolute,
    relative: measured.relative,
    revenue: measured.revenue && {
      estimate: measured.revenue.estimate,
      low: measured.revenue.low,
      high: measured.revenue.high,
    },
    pValue: measured.pValue,
    significant: measured.significant,
  };
}

/** `progress`, when given, hears the stage (reading, members, matching, saving) and may cancel between them. */
export async function measureFromFile(
  db: Db,
  campaignId: number,
  path: string,
  fileName = basename(path),
  options: MeasureOptions = {},
  progress?: Progress,
): Promise<CampaignResults> {
  const campaign = campaignInfo(db, campaignId);
  progress?.progress(0, 'reading');
  const { header, rows } = await readTableFile(path, fileName);
  progress?.throwIfCancelled();
  const ids = identifierColumns(header);
  if (ids.email < 0 && ids.customer < 0) {
    throw new CoreError(
      'VALIDATION',
      `${fileName} has no email or customer id column (its columns: ${header.join(', ')}); name one "Email" or "Customer ID".`,
    );
  }
  const present = (Object.keys(METRIC_COLUMNS) as ResponseMetric[]).filter(
    (metric) => findColumn(header, METRIC_COLUMNS[metric]) >= 0,
  );
  const metric = options.metric ?? present[0];
  if (metric === undefined || !present.includes(metric)) {
    throw new CoreError(
      'VALIDATION',
      `${fileName} has no ${options.metric ?? 'opens, clicks or orders'} column (its columns: ${header.join(', ')}).`,
    );
  }
  const metricColumn = findColumn(header, METRIC_COLUMNS[metric]);
  const revenueColumn = findColumn(header, REVENUE_COLUMNS);
  progress?.progress(0.4, 'members');
  const members = loadMembers(db, campaignId);
  const response = new Uint8Array(members.ids.length);
  const revenue = revenueColumn >= 0 ? new Float64Array(members.ids.length) : null;
  let matchedRows = 0;
  for (let start = 0; start < rows.length; start += MATCH_CHUNK) {
    progress?.throwIfCancelled();
    progress?.progress(0.5 + (0.4 * start) / rows.length, 'matching');
    const end = Math.min(rows.length, start + MATCH_CHUNK);
    for (let r = start; r < end; r++) {
      const row = rows[r] as string[];
      const byId = ids.customer >= 0 ? members.byExternalId.get((row[ids.customer] ?? '').trim()) : undefined;
      const email = ids.email >= 0 ? normaliseEmail(row[ids.email]) : null;
      const member = byId ?? (email?.ok ? members.byEmail.get(email.value) : undefined);
      if (member === undefined) continue;
      matchedRows++;
      if (responded(row[metricColumn])) response[member] = 1;
      if (revenue) revenue[member] = (revenue[member] as number) + amount(row[revenueColumn]);
    }
  }
  if (matchedRows === 0) {
    throw new CoreError(
      'VALIDATION',
      `None of the ${rows.length} rows of ${fileName} matches a customer of the campaign "${campaign.name}" by email or customer id; check that the file belongs to this campaign.`,
    );
  }
  progress?.throwIfCancelled();
  progress?.progress(0.9, 'saving');
  return save(db, {
    campaignId,
    measuredAt: options.now ?? Date.now(),
    source: 'file',
    fileName,
    metric,
    windowStart: null,
    windowEnd: null,
    matchedRows,
    fileRows: rows.length,
    ...uplift(members, response, revenue),
  });
}

/**
 * Orders in the `days` after the campaign's first export (or its creation, if it was never exported). `progress`,
 * when given, hears the stage (members, orders, saving) and may cancel between them.
 */
export function measureFromOrders(
  db: Db,
  campaignId: number,
  options: MeasureOptions = {},
  progress?: Progress,
): CampaignResults {
  const campaign = campaignInfo(db, campaignId);
  const firstExport = db
    .prepare('SELECT min(exported_at) FROM campaign_exports WHERE campaign_id = ?')
    .pluck()
    .get(campaignId) as number | null;
  const start = firstExport ?? campaign.createdAt;
  const end = start + (options.days ?? 30) * DAY_MS;
  const latestOrder = db.prepare('SELECT max(ordered_at) FROM orders').pluck().get() as number | null;
  if (latestOrder === null || latestOrder < start) {
    throw new CoreError(
      'VALIDATION',
      `No orders from after ${new Date(start).toISOString().slice(0, 10)}, when the campaign went out, have been imported yet; import newer orders or a results file.`,
    );
  }
  progress?.progress(0, 'members');
  const members = loadMembers(db, campaignId);
  progress?.throwIfCancelled();
  progress?.progress(0.3, 'orders');
  const position = new Map(members.ids.map((id, i) => [id, i]));
  const response = new Uint8Array(members.ids.length);
  const revenue = new Float64Array(members.ids.length);
  const rows = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: true })}
       SELECT customer_id AS id, sum(amount) AS amount FROM valid_orders WHERE ordered_at >= :start GROUP BY customer_id`,
    )
    .all({ before: end, start }) as { id: number; amount: number }[];
  for (const row of rows) {
    const i = position.get(row.id);
    if (i === undefined) continue;
    response[i] = 1;
    revenue[i] = row.amount;
  }
  progress?.throwIfCancelled();
  progress?.progress(0.9, 'saving');
  return save(db, {
    campaignId,
    measuredAt: options.now ?? Date.now(),
    source: 'orders',
    fileName: null,
    metric: 'orders',
    windowStart: start,
    windowEnd: end,
    matchedRows: null,
    fileRows: null,
    ...uplift(members, response, revenue),
  });
}
