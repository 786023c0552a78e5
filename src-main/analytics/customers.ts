/**
 * The customer list (search by id, email or name; pages for a list that scrolls through 100k customers) and the
 * customer page (profile, order timeline, RFM, cluster, segments).
 */
import type { CustomerDetail, CustomerListRow, CustomerOrder, CustomerSort } from '../shared/customers';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { latestClusters } from './clusters';
import { ensureCustomerMetrics } from './customer-metrics';
import { segmentsOfCustomer } from './segments';

const ORDER_BY: Record<CustomerSort, string> = {
  revenue: 'coalesce(m.revenue, 0) DESC, c.id',
  orders: 'coalesce(m.orders, 0) DESC, c.id',
  lastOrder: 'm.last_order_at DESC NULLS LAST, c.id',
  id: 'c.external_id, c.id',
};

const MAX_TIMELINE = 200;

export function searchCustomers(
  db: Db,
  query: { search: string; sort: CustomerSort; offset: number; limit: number },
): { total: number; rows: CustomerListRow[] } {
  ensureCustomerMetrics(db);
  const needle = query.search.trim().toLowerCase();
  // A plain substring match over id, email and name: a scan of 100k customers takes milliseconds, and people
  // type fragments ("gmail", "1785") more often than prefixes.
  const where =
    needle === ''
      ? '1'
      : `instr(lower(c.external_id || ' ' || coalesce(c.email, '') || ' ' || coalesce(c.first_name, '') || ' ' ||
           coalesce(c.last_name, '')), ?) > 0`;
  const params = needle === '' ? [] : [needle];
  const from = 'customers c LEFT JOIN customer_metrics m ON m.customer_id = c.id';
  const total = db
    .prepare(`SELECT count(*) FROM ${from} WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  const rows = db
    .prepare(
      `SELECT c.id, c.external_id AS externalId, c.email,
         nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') AS name, c.country,
         coalesce(m.orders, 0) AS orders, coalesce(m.revenue, 0) AS revenue, m.last_order_at AS lastOrderAt
       FROM ${from} WHERE ${where} ORDER BY ${ORDER_BY[query.sort]} LIMIT ? OFFSET ?`,
    )
    .all(...params, query.limit, query.offset) as CustomerListRow[];
  return { total, rows };
}

interface CustomerRow {
  id: number;
  external_id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  zip: string | null;
  email_consent: number | null;
  sms_consent: number | null;
  signed_up_at: number | null;
  attributes_json: string | null;
}

const consent = (value: number | null) => (value === null ? null : value === 1);

export function customerDetail(db: Db, id: number): CustomerDetail {
  ensureCustomerMetrics(db);
  const row = db.prepare('SELECT * FROM customers WHERE id = ?').get(id) as CustomerRow | undefined;
  if (!row) throw new CoreError('NOT_FOUND', 'That customer is not in this project.');
  const metrics = db
    .prepare(
      `SELECT orders, revenue, refunded, first_order_at AS firstOrderAt, last_order_at AS lastOrderAt,
         distinct_products AS distinctProducts FROM customer_metrics WHERE customer_id = ?`,
    )
    .get(id) as Omit<CustomerDetail['metrics'], 'averageOrderValue'> | undefined;
  const orders = db
    .prepare(
      `SELECT o.id, o.external_id AS externalId, o.ordered_at AS orderedAt, o.status, o.total, o.refunded, o.currency,
         (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines
       FROM orders o WHERE o.customer_id = ? ORDER BY o.ordered_at DESC, o.id DESC LIMIT ?`,
    )
    .all(id, MAX_TIMELINE) as CustomerOrder[];
  const ordersTotal = db.prepare('SELECT count(*) FROM orders WHERE customer_id = ?').pluck().get(id) as number;
  const topProducts = db
    .prepare(
      `SELECT p.sku, p.name, sum(l.quantity) AS quantity, sum(l.quantity * l.unit_price) AS revenue
       FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
       WHERE o.customer_id = ? AND o.status = 'completed' AND l.quantity > 0
       GROUP BY p.id ORDER BY revenue DESC, p.sku LIMIT 10`,
    )
    .all(id) as CustomerDetail['topProducts'];
  const rfm = db
    .prepare(
      `SELECT s.run_id AS runId, s.recency, s.frequency, s.monetary, s.r, s.f, s.m, s.segment, r.levels
       FROM rfm_scores s JOIN rfm_runs r ON r.id = s.run_id
       WHERE s.run_id = (SELECT max(id) FROM rfm_runs) AND s.customer_id = ?`,
    )
    .get(id) as CustomerDetail['rfm'] | undefined;
  return {
    id: row.id,
    externalId: row.external_id,
    email: row.email,
    phone: row.phone,
    firstName: row.first_name,
    lastName: row.last_name,
    country: row.country,
    region: row.region,
    city: row.city,
    zip: row.zip,
    emailConsent: consent(row.email_consent),
    smsConsent: consent(row.sms_consent),
    signedUpAt: row.signed_up_at,
    attributes: row.attributes_json ? (JSON.parse(row.attributes_json) as Record<string, unknown>) : null,
    metrics: metrics
      ? { ...metrics, averageOrderValue: metrics.orders > 0 ? metrics.revenue / metrics.orders : null }
      : {
          orders: 0,
          revenue: 0,
          refunded: 0,
          averageOrderValue: null,
          firstOrderAt: null,
          lastOrderAt: null,
          distinctProducts: 0,
        },
    orders,
    ordersTotal,
    topProducts,
    rfm: rfm ?? null,
    cluster: clusterOf(db, id),
    segments: segmentsOfCustomer(db, id),
    scores: db
      .prepare(
        `SELECT m.id AS modelId, m.name, m.kind, m.algorithm, s.score FROM model_scores s JOIN models m ON m.id = s.model_id
         WHERE s.customer_id = ? ORDER BY m.id DESC`,
      )
      .all(id) as CustomerDetail['scores'],
    clv:
      (db
        .prepare(
          `SELECT run_id AS runId, probability_alive AS probabilityAlive, expected_30 AS expected30,
             expected_90 AS expected90, expected_365 AS expected365, clv, historic_clv AS historicClv,
             churn_band AS churnBand, next_order_at AS nextOrderAt
           FROM clv_customers WHERE run_id = (SELECT max(id) FROM clv_runs) AND customer_id = ?`,
        )
        .get(id) as CustomerDetail['clv'] | undefined) ?? null,
  };
}

function clusterOf(db: Db, customerId: number): CustomerDetail['cluster'] {
  const latest = latestClusters(db);
  if (!latest) return null;
  const cluster = db
    .prepare('SELECT cluster FROM cluster_assignments WHERE run_id = ? AND customer_id = ?')
    .pluck()
    .get(latest.runId, customerId) as number | undefined;
  const profile = cluster === undefined ? undefined : latest.clusters[cluster];
  return profile
    ? { runId: latest.runId, cluster: profile.index, name: profile.name, suggested: profile.suggested }
    : null;
}
