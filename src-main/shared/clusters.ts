/** k-means clusters of customers as the UI and the CLI see them. */

export const CLUSTER_FEATURES = [
  'recency',
  'frequency',
  'monetary',
  'averageOrderValue',
  'tenure',
  'distinctProducts',
] as const;
export type ClusterFeature = (typeof CLUSTER_FEATURES)[number];

/** Names suggested from a cluster's profile; the UI words them, the user may replace them. */
export const CLUSTER_NAME_CODES = [
  'best',
  'bigSpenders',
  'frequent',
  'lapsedValuable',
  'lapsed',
  'newcomers',
  'occasional',
  'average',
] as const;
export type ClusterNameCode = (typeof CLUSTER_NAME_CODES)[number];

export interface ClusterOptions {
  features: ClusterFeature[];
  k: number;
  /** Also fit k = 2..10 for the elbow and silhouette charts. */
  sweep: boolean;
  seed: number;
  restarts: number;
  /** log1p before standardising: order counts and money are heavily skewed. */
  log: boolean;
}

export interface ClusterProfile {
  index: number;
  size: number;
  share: number;
  revenue: number;
  revenueShare: number;
  /** Mean of each feature (in `options.features` order), in its own unit: days, orders, money. */
  means: number[];
  suggested: ClusterNameCode;
  /** The user's name, or null to use the suggestion. */
  name: string | null;
}

export interface ClusterSweepPoint {
  k: number;
  inertia: number;
  silhouette: number | null;
}

export interface ClusterSummary {
  runId: number;
  createdAt: number;
  options: ClusterOptions;
  customers: number;
  inertia: number;
  /** Mean silhouette (on a sample of at most 10,000 customers); null when undefined. */
  silhouette: number | null;
  sweep: ClusterSweepPoint[] | null;
  overallMeans: number[];
  clusters: ClusterProfile[];
  /** A sample of customers on the first two principal components, for the scatter chart. */
  projection: { points: [number, number, number][]; explained: number[] };
  warnings: { code: string; message: string }[];
}
