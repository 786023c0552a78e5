/**
 * Who a campaign reaches, step by step, with a count at each step for the wizard's funnel: the customers of the
 * chosen segments (saved rule segments and segments of the latest RFM analysis), narrowed by a model's score, then
 * without those who have not consented on the channel, those on the do-not-contact list and those another
 * campaign contacted lately. The rest are the members; a seeded holdout drawn within each segment is kept back.
 *
 * Customers are held in typed arrays indexed by customer id rather than in maps: a million-customer audience is
 * built in about a second this way.
 */
import { ensureCustomerMetrics } from '../analytics/customer-metrics';
import { getSegment, listSegments, memberIds } from '../analytics/segments';
import { couponSpace, MIN_SPACE_PER_CODE } from '../io/coupon-codes';
import { assignHoldout, holdoutBalance } from '../ml/holdout';
import type { CampaignSpec, FunnelCounts, HoldoutSummary } from '../shared/campaigns';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import type { Progress } from './campaign-store';
import { latestClvRunId, latestRecommendationRunId, latestRfmRunId } from './predictions';
import { suppressionMatcher } from './suppressions';

const DAY_MS = 86_400_000;
/** Customers read per statement: pages of a few thousand rows are collected young, larger ones cost more. */
const PAGE = 5_000;
/** What JavaScript's `trim` removes (white space and line ends), for SQLite's `trim` to remove the same. */
const TRIMMED =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
/** 1 when the column holds more than white space, as `!!value?.trim()` tells in JavaScript. */
export const hasTextSql = (column: string) => `coalesce(trim(${column}, '${TRIMMED}') <> '', 0)`;

/** Contacted members of the exports since a time, less those an export skipped for want of an email or phone. */
const RECENTLY_CONTACTED = `SELECT m.customer_id FROM campaign_exports e
  JOIN campaign_members m ON m.campaign_id = e.campaign_id AND m.holdout = 0
  WHERE e.exported_at >= ?
    AND NOT EXISTS (SELECT 1 FROM campaign_export_skips s WHERE s.export_id = e.id AND s.customer_id = m.customer_id)`;

export interface Audience {
  /** Members in customer id order. */
  customerIds: number[];
  /** Each member's segment: the first chosen segment the customer is in. */
  segments: string[];
  /** 1 for a held-out member. */
  holdout: Uint8Array;
  funnel: FunnelCounts;
  balance: HoldoutSummary;
  notes: string[];
}

interface Source {
  label: string;
  ids: readonly number[];
}

function maxCustomerId(db: Db): number {
  return (db.prepare('SELECT coalesce(max(id), 0) FROM customers').pluck().get() as number) ?? 0;
}

function resolveSources(db: Db, spec: CampaignSpec): Source[] {
  const sources: Source[] = [];
  for (const ref of spec.audience.segments) {
    const segment =
      typeof ref === 'number'
        ? getSegment(db, ref)
        : listSegments(db).find((s) => s.name.toLowerCase() === ref.toLowerCase());
    if (!segment) {
      throw new CoreError('NOT_FOUND', `There is no saved segment called "${ref}"; check the name in Segments.`);
    }
    sources.push({ label: segment.name, ids: memberIds(db, segment.rules) });
  }
  if (spec.audience.rfmSegments.length > 0) {
    const runId = latestRfmRunId(db);
    if (runId === null) {
      throw new CoreError(
        'NOT_FOUND',
        'There is no RFM analysis yet; run one in Segments before choosing RFM segments.',
      );
    }
    const known = db.prepare('SELECT DISTINCT segment FROM rfm_scores WHERE run_id = ?').pluck().all(runId) as string[];
    const byId = db.prepare('SELECT customer_id FROM rfm_scores WHERE run_id = ? AND segment = ? ORDER BY customer_id');
    for (const name of spec.audience.rfmSegments) {
      const label = known.find((segment) => segment.toLowerCase() === name.toLowerCase());
      if (label === undefined) {
        throw new CoreError(
          'VALIDATION',
          `"${name}" is not a segment of the latest RFM analysis; its segments are ${known.join(', ')}.`,
        );
      }
      sources.push({ label, ids: byId.pluck().all(runId, label) as number[] });
    }
  }
  return sources;
}

/** Keeps the candidates the score rule selects; customers the model has not scored are left out. */
function narrowByScore(db: Db, spec: CampaignSpec, inAudience: Uint8Array): number {
  const rule = spec.score;
  if (!rule) return inAudience.reduce((sum, flag) => sum + flag, 0);
  const scores = db
    .prepare('SELECT customer_id AS id, score FROM model_scores WHERE model_id = ? ORDER BY score DESC, customer_id')
    .raw()
    .all(rule.modelId) as [number, number][];
  if (scores.length === 0) {
    throw new CoreError('NOT_FOUND', `Model ${rule.modelId} has no scores; score customers with it in Models first.`);
  }
  const scored = scores.filter(([id]) => inAudience[id] === 1);
  let keep: number;
  if (rule.rule === 'top') keep = Math.min(scored.length, Math.floor(rule.value));
  else if (rule.rule === 'topPercent') keep = Math.ceil((Math.min(rule.value, 100) / 100) * scored.length);
  else {
    // Sorted by score, so the customers at or above the threshold come first.
    const below = scored.findIndex(([, score]) => score < rule.value);
    keep = below < 0 ? scored.length : below;
  }
  inAudience.fill(0);
  for (let i = 0; i < keep; i++) inAudience[(scored[i] as [number, number])[0]] = 1;
  return keep;
}

/**
 * `progress`, when given, hears the stage under way as its detail (segments, score, contacts, holdout) and may cancel
 * between stages and between pages of customers.
 */
export function buildAudience(db: Db, spec: CampaignSpec, now = Date.now(), progress?: Progress): Audience {
  progress?.progress(0, 'segments');
  ensureCustomerMetrics(db);
  const size = maxCustomerId(db) + 1;
  // Label index + 1 per customer id; 0 for customers in no chosen segment.
  const labelOf = new Uint16Array(size);
  const labels: string[] = [];
  for (const source of resolveSources(db, spec)) {
    let index = labels.indexOf(source.label);
    if (index < 0) index = labels.push(source.label) - 1;
    for (const id of source.ids) if (labelOf[id] === 0) labelOf[id] = index + 1;
  }
  const inAudience = new Uint8Array(size);
  let inSegments = 0;
  for (let id = 0; id < size; id++) {
    if (labelOf[id] !== 0) {
      inAudience[id] = 1;
      inSegments++;
    }
  }
  progress?.throwIfCancelled();
  progress?.progress(0.3, 'score');
  const afterScore = narrowByScore(db, spec, inAudience);
  progress?.throwIfCancelled();
  progress?.progress(0.35, 'contacts');

  const suppressed = spec.applySuppressions ? suppressionMatcher(db) : null;
  const recent = new Uint8Array(size);
  if (spec.excludeContactedDays > 0) {
    const since = now - spec.excludeContactedDays * DAY_MS;
    const ids = db.prepare(RECENTLY_CONTACTED).pluck().all(since) as number[];
    for (const id of ids) if (id < size) recent[id] = 1;
  }
  const consentColumn = spec.channel === 'email' ? 'email_consent' : 'sms_consent';
  const counts = { noConsent: 0, suppressed: 0, recentlyContacted: 0 };
  const customerIds: number[] = [];
  const hasEmail: boolean[] = [];
  const hasPhone: boolean[] = [];
  // Text is read only where the suppression list needs it; whether an email or phone is there at all is asked of
  // SQLite, which spares a string per customer and column.
  const needs: ReadonlySet<string> = suppressed?.kinds ?? new Set<string>();
  const detail = (kind: string, column: string) => (needs.has(kind) ? column : 'NULL');
  // Pages of rows rather than an iterator: better-sqlite3 crosses into SQLite once per page instead of per row.
  const page = db
    .prepare(
      `SELECT id, ${consentColumn}, ${hasTextSql('email')}, ${hasTextSql('phone')}, ${detail('customer', 'external_id')},
         ${detail('email', 'email')}, ${detail('phone', 'phone')}, ${detail('phone', 'country')}
       FROM customers WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .raw();
  for (let after = 0; ;) {
    const rows = page.all(after, PAGE) as [
      number,
      number | null,
      number,
      number,
      string | null,
      string | null,
      string | null,
      string | null,
    ][];
    for (const [id, consent, withEmail, withPhone, externalId, email, phone, country] of rows) {
      if (inAudience[id] !== 1) continue;
      if (spec.requireConsent && consent !== 1) counts.noConsent++;
      else if (suppressed?.matches({ externalId, email, phone, country })) counts.suppressed++;
      else if (recent[id] === 1) counts.recentlyContacted++;
      else {
        customerIds.push(id);
        hasEmail.push(withEmail === 1);
        hasPhone.push(withPhone === 1);
      }
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]?.[0] ?? after;
    progress?.throwIfCancelled();
    progress?.progress(0.35 + (0.45 * after) / size, 'contacts');
  }
  progress?.throwIfCancelled();
  progress?.progress(0.8, 'holdout');
  const segments = customerIds.map((id) => labels[(labelOf[id] as number) - 1] as string);
  const holdout = assignHoldout(segments, { share: spec.holdoutPercent / 100, seed: spec.seed });
  let held = 0;
  let withEmail = 0;
  let withPhone = 0;
  holdout.forEach((flag, i) => {
    if (flag === 1) held++;
    else {
      if (hasEmail[i]) withEmail++;
      if (hasPhone[i]) withPhone++;
    }
  });
  const funnel: FunnelCounts = {
    inSegments,
    afterScore,
    ...counts,
    eligible: customerIds.length,
    holdout: held,
    treated: customerIds.length - held,
    withEmail,
    withPhone,
  };
  return {
    customerIds,
    segments,
    holdout,
    funnel,
    balance: summariseBalance(db, customerIds, segments, holdout, spec.holdoutPercent / 100),
    notes: audienceNotes(db, spec, funnel),
  };
}

function summariseBalance(
  db: Db,
  customerIds: readonly number[],
  segments: readonly string[],
  holdout: Uint8Array,
  share: number,
): HoldoutSummary {
  const revenue = new Float64Array(customerIds.length);
  const orders = new Float64Array(customerIds.length);
  // Member index + 1 by customer id: a typed array, as a map of a million ids costs more than the rest together.
  const position = new Int32Array((customerIds[customerIds.length - 1] ?? 0) + 1);
  customerIds.forEach((id, i) => (position[id] = i + 1));
  const metrics = db
    .prepare('SELECT customer_id, revenue, orders FROM customer_metrics WHERE customer_id < ?')
    .raw()
    .iterate(position.length) as IterableIterator<[number, number, number]>;
  for (const [id, value, count] of metrics) {
    const i = (position[id] as number) - 1;
    if (i < 0) continue;
    revenue[i] = value;
    orders[i] = count;
  }
  const balance = holdoutBalance(holdout, segments, { revenue, orders });
  return {
    share,
    rows: balance.strata.map((stratum) => ({
      stratum: stratum.stratum,
      customers: stratum.customers,
      holdout: stratum.holdout.customers,
      treated: stratum.treated.customers,
      holdoutRevenue: stratum.holdout.means.revenue ?? null,
      treatedRevenue: stratum.treated.means.revenue ?? null,
      holdoutOrders: stratum.holdout.means.orders ?? null,
      treatedOrders: stratum.treated.means.orders ?? null,
    })),
    revenueDifference: balance.overall.standardisedDifferences.revenue ?? null,
    ordersDifference: balance.overall.standardisedDifferences.orders ?? null,
  };
}

/** What the user should know before going on: an empty audience, missing predictions, too small a coupon space. */
function audienceNotes(db: Db, spec: CampaignSpec, funnel: FunnelCounts): string[] {
  const notes: string[] = [];
  if (funnel.eligible === 0) {
    notes.push(
      funnel.inSegments === 0
        ? 'The chosen segments have no customers.'
        : 'No customer is left after the consent, suppression and recent-contact steps; relax one of them.',
    );
  } else if (spec.channel === 'email' && funnel.withEmail === 0 && funnel.treated > 0) {
    notes.push('None of these customers has an email address; email tools will not take this list.');
  }
  const wantsBand =
    spec.fields.includes('clvBand') || Object.keys(spec.offers).some((k) => /^(high|medium|low)$/i.test(k));
  if (wantsBand && latestClvRunId(db) === null) {
    notes.push('There are no lifetime value predictions yet, so value bands stay empty; run Lifetime value in Models.');
  }
  if (spec.fields.includes('recs') && latestRecommendationRunId(db) === null) {
    notes.push('There are no recommendations yet, so recommended products stay empty; run them in Recommendations.');
  }
  if (spec.couponPattern && couponSpace(spec.couponPattern) < funnel.treated * MIN_SPACE_PER_CODE) {
    notes.push(
      `The coupon pattern allows too few codes for ${funnel.treated} customers; add more X or 9 characters between the braces.`,
    );
  }
  return notes;
}
