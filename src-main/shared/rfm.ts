/** An RFM analysis as the UI shows it; every customer's scores stay in the project (see `rfm.customers`). */
export interface RfmSummary {
  runId: number;
  createdAt: number;
  /** The date chosen by the user, or null for "last order + 1 day". */
  analysisDate: number | null;
  /** Epoch ms the recency is measured to. */
  snapshot: number | null;
  levels: 3 | 5;
  customers: number;
  segments: { segment: string; customers: number; revenue: number; revenueShare: number }[];
  /** rfGrid[r − 1][f − 1] */
  rfGrid: { r: number; f: number; customers: number; averageMonetary: number | null }[][];
  warnings: { code: string; message: string }[];
}

export interface RfmCustomerRow {
  customerId: number;
  externalId: string;
  email: string | null;
  recency: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}
