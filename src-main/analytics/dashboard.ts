/**
 * Dashboard figures over the valid orders (valid-orders.ts), anonymous orders included in the monthly totals.
 * Computed in a job and kept in the project until the next import, so opening the overview costs nothing.
 */
import type { Cohort, Dashboard, MonthFigures } from '../shared/dashboard';
import type { Db } from '../store/connection';
import { ensureCustomerMetrics, latestImport } from './customer-metrics';
import { validOrdersCte } from './valid-orders';

const CACHE_KEY = 'dashboard';
const MONTH = (column: string) =>
  `(CAST(strftime('%Y', ${column} / 1000, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', ${column} / 1000, 'unixepoch') AS INTEGER) - 1)`;
const ALL = { before: Number.MAX_SAFE_INTEGER };
/** The heatmap shows the latest cohorts only: two years of rows is what fits on a screen. */
const MAX_COHORTS = 24;

export interface DashboardProgress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

const monthLabel = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function months(db: Db): MonthFigures[] {
  const rows = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: false })}
       SELECT ${MONTH('v.ordered_at')} AS month, count(*) AS orders, sum(v.amount) AS revenue,
         count(DISTINCT v.customer_id) AS customers, sum(v.customer_id IS NULL) AS anonymousOrders
       FROM valid_orders v GROUP BY month ORDER BY month`,
    )
    .all(ALL) as (Omit<MonthFigures, 'month' | 'newCustomers' | 'returningCustomers'> & { month: number })[];
  const fresh = new Map(
    (
      db
        .prepare(`SELECT ${MONTH('first_order_at')} AS month, count(*) AS n FROM customer_metrics GROUP BY month`)
        .all() as { month: number; n: number }[]
    ).map((row) => [row.month, row.n]),
  );
  return rows.map((row) => {
    const newCustomers = fresh.get(row.month) ?? 0;
    return {
      ...row,
      month: monthLabel(row.month),
      newCustomers,
      returningCustomers: Math.max(0, row.customers - newCustomers),
    };
  });
}

function cohorts(db: Db): Cohort[] {
  const pairs = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: true })}
       SELECT DISTINCT ${MONTH('m.first_order_at')} AS cohort, ${MONTH('v.ordered_at')} AS month
         , v.customer_id AS customer
       FROM valid_orders v JOIN customer_metrics m ON m.customer_id = v.customer_id`,
    )
    .raw()
    .all(ALL) as [number, number, number][];
  const counts = new Map<number, Map<number, number>>();
  let last = 0;
  for (const [cohort, month] of pairs) {
    last = Math.max(last, month);
    const row = counts.get(cohort) ?? new Map<number, number>();
    row.set(month - cohort, (row.get(month - cohort) ?? 0) + 1);
    counts.set(cohort, row);
  }
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(-MAX_COHORTS)
    .map(([cohort, row]) => {
      const size = row.get(0) ?? 0;
      return {
        month: monthLabel(cohort),
        customers: size,
        retention: Array.from({ length: last - cohort + 1 }, (_, offset) =>
          size > 0 ? (row.get(offset) ?? 0) / size : 0,
        ),
      };
    });
}

export function computeDashboard(db: Db, ctx: DashboardProgress, now = Date.now()): Dashboard {
  ensureCustomerMetrics(db);
  ctx.progress(0.05, 'totals');
  const totals = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: false })}
       SELECT count(*) AS orders, coalesce(sum(amount), 0) AS revenue, sum(customer_id IS NULL) AS anonymousOrders,
         min(ordered_at) AS firstOrderAt, max(ordered_at) AS lastOrderAt FROM valid_orders`,
    )
    .get(ALL) as Pick<Dashboard['totals'], 'orders' | 'revenue' | 'anonymousOrders' | 'firstOrderAt' | 'lastOrderAt'>;
  const customers = db
    .prepare('SELECT count(*) AS customers, coalesce(sum(orders > 1), 0) AS repeatCustomers FROM customer_metrics')
    .get() as { customers: number; repeatCustomers: number };
  ctx.throwIfCancelled();
  ctx.progress(0.25, 'months');
  const monthly = months(db);
  ctx.throwIfCancelled();
  ctx.progress(0.45, 'products');
  const topProducts = db
    .prepare(
      `SELECT p.sku, p.name, sum(l.quantity * l.unit_price) AS revenue, sum(l.quantity) AS quantity,
         count(DISTINCT o.customer_id) AS customers
       FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id
       WHERE o.status = 'completed' AND l.quantity > 0 AND l.unit_price > 0
       GROUP BY p.id ORDER BY revenue DESC, p.sku LIMIT 10`,
    )
    .all() as Dashboard['topProducts'];
  ctx.throwIfCancelled();
  ctx.progress(0.65, 'countries');
  const topCountries = db
    .prepare(
      `WITH ${validOrdersCte({ requireCustomer: false })}
       SELECT coalesce(o.country, c.country) AS country, count(DISTINCT v.customer_id) AS customers,
         count(*) AS orders, sum(v.amount) AS revenue
       FROM valid_orders v JOIN orders o ON o.id = v.order_id LEFT JOIN customers c ON c.id = v.customer_id
       WHERE coalesce(o.country, c.country) IS NOT NULL
       GROUP BY 1 ORDER BY revenue DESC LIMIT 10`,
    )
    .all(ALL) as Dashboard['topCountries'];
  ctx.throwIfCancelled();
  ctx.progress(0.8, 'cohorts');
  const dashboard: Dashboard = {
    importId: latestImport(db),
    computedAt: now,
    totals: {
      ...totals,
      ...customers,
      averageOrderValue: totals.orders > 0 ? totals.revenue / totals.orders : null,
    },
    months: monthly,
    topProducts,
    topCountries,
    cohorts: cohorts(db),
  };
  db.prepare('INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)').run(
    CACHE_KEY,
    JSON.stringify(dashboard),
  );
  ctx.progress(1, null);
  return dashboard;
}

/** The kept dashboard if no import has committed since it was computed, else null (compute it again). */
export function cachedDashboard(db: Db): Dashboard | null {
  const value = db.prepare('SELECT value FROM project_meta WHERE key = ?').pluck().get(CACHE_KEY) as string | undefined;
  if (value === undefined) return null;
  const dashboard = JSON.parse(value) as Dashboard;
  return dashboard.importId === latestImport(db) ? dashboard : null;
}
