/** The project dashboard: how the shop has done month by month, who buys and what, and who comes back. */

export interface MonthFigures {
  /** `YYYY-MM` (UTC). */
  month: string;
  orders: number;
  revenue: number;
  customers: number;
  newCustomers: number;
  returningCustomers: number;
  /** Orders without a known customer (guest checkouts, anonymous lines). */
  anonymousOrders: number;
}

export interface Cohort {
  /** `YYYY-MM` of the customers' first order. */
  month: string;
  customers: number;
  /** retention[i]: share of the cohort with an order i months after their first month (retention[0] = 1). */
  retention: number[];
}

export interface Dashboard {
  /** The import the figures were computed after; a newer import makes them stale. */
  importId: number;
  computedAt: number;
  totals: {
    customers: number;
    orders: number;
    revenue: number;
    averageOrderValue: number | null;
    repeatCustomers: number;
    anonymousOrders: number;
    firstOrderAt: number | null;
    lastOrderAt: number | null;
  };
  months: MonthFigures[];
  topProducts: { sku: string; name: string | null; revenue: number; quantity: number; customers: number }[];
  topCountries: { country: string; customers: number; orders: number; revenue: number }[];
  cohorts: Cohort[];
}
