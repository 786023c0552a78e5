/** The customer list and the customer page. */

export const CUSTOMER_SORTS = ['revenue', 'orders', 'lastOrder', 'id'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export interface CustomerListRow {
  id: number;
  externalId: string;
  email: string | null;
  name: string | null;
  country: string | null;
  orders: number;
  revenue: number;
  lastOrderAt: number | null;
}

export interface CustomerOrder {
  id: number;
  externalId: string;
  orderedAt: number;
  status: string;
  total: number | null;
  refunded: number;
  currency: string | null;
  lines: number;
}

export interface CustomerDetail {
  id: number;
  externalId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  zip: string | null;
  emailConsent: boolean | null;
  smsConsent: boolean | null;
  signedUpAt: number | null;
  attributes: Record<string, unknown> | null;
  metrics: {
    orders: number;
    revenue: number;
    refunded: number;
    averageOrderValue: number | null;
    firstOrderAt: number | null;
    lastOrderAt: number | null;
    distinctProducts: number;
  };
  /** Most recent first, at most 200; `ordersTotal` says how many there are in all. */
  orders: CustomerOrder[];
  ordersTotal: number;
  topProducts: { sku: string; name: string | null; quantity: number; revenue: number }[];
  rfm: {
    runId: number;
    recency: number;
    frequency: number;
    monetary: number;
    r: number;
    f: number;
    m: number;
    segment: string;
    levels: number;
  } | null;
  cluster: { runId: number; cluster: number; name: string | null; suggested: string } | null;
  segments: { id: number; name: string }[];
  /** This customer's score from every model that has scored the customers, newest model first. */
  scores: { modelId: number; name: string; kind: string; algorithm: string; score: number }[];
  /** From the latest lifetime-value run, or null when none has run or the customer was not in it. */
  clv: {
    runId: number;
    probabilityAlive: number;
    expected30: number;
    expected90: number;
    expected365: number;
    clv: number;
    historicClv: number;
    churnBand: 'low' | 'medium' | 'high';
    nextOrderAt: number | null;
  } | null;
}
