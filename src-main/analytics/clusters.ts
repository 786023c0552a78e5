/**
 * Customer clusters: k-means on chosen per-customer features (log1p, then standardised), an optional k = 2..10
 * sweep for the elbow and silhouette charts, profiles with suggested names, and a 2-D PCA picture. Each run is
 * kept with every customer's cluster, so that a cluster can become a segment.
 */
import type {
  ClusterFeature,
  ClusterNameCode,
  ClusterOptions,
  ClusterProfile,
  ClusterSummary,
} from '../shared/clusters';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import { elbow, kmeans, seededRandom, silhouette, standardise, type RowMajor } from '../ml/kmeans';
import { pca, project } from '../ml/pca';
import { ensureCustomerMetrics } from './customer-metrics';

const DAY_MS = 86_400_000;
const SWEEP_KS = [2, 3, 4, 5, 6, 7, 8, 9, 10];
const SILHOUETTE_SAMPLE = 10_000;
/**
 * The sweep draws curves to choose k from, so it runs on a seeded sample of customers with three starts per k and
 * silhouettes on 5,000 of them; the chosen k is then fitted on everyone with every restart asked for. On 100k
 * customers the sample cuts the sweep from about 20 s of CPU to a few seconds (bench/segments.ts).
 */
const SWEEP_SAMPLE = 20_000;
const SWEEP_SILHOUETTE_SAMPLE = 5_000;
const SWEEP_RESTARTS = 3;
const SCATTER_POINTS = 3_000;

/** Per-customer feature values, in days, orders and money; recency and tenure count to the last order + 1 day. */
const FEATURE_SQL: Record<ClusterFeature, string> = {
  recency: `((:snapshot - last_order_at) / ${DAY_MS})`,
  frequency: 'orders',
  monetary: 'revenue',
  averageOrderValue: 'revenue / orders',
  tenure: `((:snapshot - first_order_at) / ${DAY_MS})`,
  distinctProducts: 'distinct_products',
};

export interface ClusterProgress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

interface FeatureTable {
  customerIds: Int32Array;
  raw: RowMajor;
  revenue: Float64Array;
}

function loadFeatures(db: Db, features: readonly ClusterFeature[]): FeatureTable {
  ensureCustomerMetrics(db);
  const snapshot = (db.prepare('SELECT max(last_order_at) FROM customer_metrics').pluck().get() as number | null) ?? 0;
  const columns = features.map((feature) => FEATURE_SQL[feature]).join(', ');
  const rows = db
    .prepare(`SELECT customer_id, revenue, ${columns} FROM customer_metrics ORDER BY customer_id`)
    .raw()
    .all({ snapshot: snapshot + DAY_MS }) as number[][];
  const d = features.length;
  const data = new Float64Array(rows.length * d);
  const customerIds = new Int32Array(rows.length);
  const revenue = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    customerIds[i] = row[0] ?? 0;
    revenue[i] = row[1] ?? 0;
    for (let j = 0; j < d; j++) data[i * d + j] = row[j + 2] ?? 0;
  });
  return { customerIds, raw: { data, cols: d }, revenue };
}

function distinctRows(matrix: RowMajor, limit: number): number {
  const seen = new Set<string>();
  const n = matrix.data.length / matrix.cols;
  for (let i = 0; i < n && seen.size < limit; i++)
    seen.add(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols).join(','));
  return seen.size;
}

function validate(options: ClusterOptions, table: FeatureTable): void {
  if (options.features.length === 0) throw new CoreError('VALIDATION', 'Choose at least one feature to cluster on.');
  const n = table.customerIds.length;
  if (n === 0)
    throw new CoreError(
      'VALIDATION',
      'No customer has a completed order yet, so there is nothing to cluster. Import orders first.',
    );
  const distinct = distinctRows(table.raw, options.k);
  if (distinct < options.k)
    throw new CoreError(
      'VALIDATION',
      `${options.k} clusters need at least ${options.k} customers with different values; there are only ${distinct}. Choose a smaller k.`,
    );
}

/** At most `size` rows, drawn without replacement by a seeded partial shuffle (all rows when there are fewer). */
function sampleRows(matrix: RowMajor, size: number, seed: number): RowMajor {
  const n = matrix.data.length / matrix.cols;
  if (n <= size) return matrix;
  const random = seededRandom(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const data = new Float64Array(size * matrix.cols);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const row = order[j] ?? 0;
    order[j] = order[i] ?? 0;
    data.set(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols), i * matrix.cols);
  }
  return { data, cols: matrix.cols };
}

/** log1p of the non-negative features (all of ours are), then z-scores with the population std. */
function transform(raw: RowMajor, log: boolean): RowMajor {
  if (!log) return standardise(raw).matrix;
  const logged = Float64Array.from(raw.data, (x) => Math.log1p(Math.max(0, x)));
  return standardise({ data: logged, cols: raw.cols }).matrix;
}

/**
 * A name from the cluster's standardised centroid: recency high means long ago. Ordered from the most to the
 * least specific, so "best" wins over "big spenders".
 */
function suggestName(z: Partial<Record<ClusterFeature, number>>): ClusterNameCode {
  const recency = z.recency ?? 0;
  const frequency = z.frequency ?? z.distinctProducts ?? 0;
  const monetary = z.monetary ?? z.averageOrderValue ?? 0;
  if (recency < 0 && frequency > 0.5 && monetary > 0.5) return 'best';
  if (recency > 0.5 && (frequency > 0.3 || monetary > 0.3)) return 'lapsedValuable';
  if (recency > 0.5) return 'lapsed';
  if (monetary > 0.5) return 'bigSpenders';
  if (frequency > 0.5) return 'frequent';
  if (recency < -0.5 && frequency < 0) return 'newcomers';
  if (frequency < -0.3 && monetary < -0.3) return 'occasional';
  return 'average';
}

function profiles(
  table: FeatureTable,
  options: ClusterOptions,
  assignments: Int32Array,
  centroids: number[][],
): { clusters: ClusterProfile[]; overallMeans: number[] } {
  const n = table.customerIds.length;
  const d = options.features.length;
  const sizes = new Float64Array(options.k);
  const revenue = new Float64Array(options.k);
  const sums = new Float64Array(options.k * d);
  const overall = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = assignments[i] ?? 0;
    sizes[c] = (sizes[c] ?? 0) + 1;
    revenue[c] = (revenue[c] ?? 0) + (table.revenue[i] ?? 0);
    for (let j = 0; j < d; j++) {
      const x = table.raw.data[i * d + j] ?? 0;
      sums[c * d + j] = (sums[c * d + j] ?? 0) + x;
      overall[j] = (overall[j] ?? 0) + x;
    }
  }
  const totalRevenue = revenue.reduce((a, b) => a + b, 0);
  const clusters = centroids.map((centroid, c) => {
    const size = sizes[c] ?? 0;
    const z = Object.fromEntries(options.features.map((feature, j) => [feature, centroid[j] ?? 0]));
    return {
      index: c,
      size,
      share: size / n,
      revenue: revenue[c] ?? 0,
      revenueShare: totalRevenue > 0 ? (revenue[c] ?? 0) / totalRevenue : 0,
      means: Array.from({ length: d }, (_, j) => (size > 0 ? (sums[c * d + j] ?? 0) / size : 0)),
      suggested: suggestName(z),
      name: null,
    };
  });
  return { clusters, overallMeans: Array.from(overall, (sum) => sum / n) };
}

function scatter(matrix: RowMajor, assignments: Int32Array, seed: number): ClusterSummary['projection'] {
  const model = pca(matrix, 2);
  const n = assignments.length;
  const random = seededRandom(seed);
  const step = n / Math.min(n, SCATTER_POINTS);
  const points: [number, number, number][] = [];
  // A systematic sample with a random start keeps every cluster in proportion.
  for (let at = random() * step; at < n; at += step) {
    const i = Math.floor(at);
    const [x = 0, y = 0] = project(model, matrix, i);
    points.push([Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000, assignments[i] ?? 0]);
  }
  return { points, explained: model.explained };
}

function store(db: Db, summary: Omit<ClusterSummary, 'runId'>, table: FeatureTable, assignments: Int32Array): number {
  return db.transaction(() => {
    const runId = Number(
      db
        .prepare('INSERT INTO cluster_runs (created_at, options_json, result_json, names_json) VALUES (?, ?, ?, ?)')
        .run(summary.createdAt, JSON.stringify(summary.options), JSON.stringify(summary), '[]').lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO cluster_assignments (run_id, customer_id, cluster) VALUES (?, ?, ?)');
    table.customerIds.forEach((customerId, i) => insert.run(runId, customerId, assignments[i] ?? 0));
    return runId;
  })();
}

export function runClusters(db: Db, options: ClusterOptions, ctx: ClusterProgress, now = Date.now()): ClusterSummary {
  const table = loadFeatures(db, options.features);
  validate(options, table);
  const matrix = transform(table.raw, options.log);
  const fit = { seed: options.seed, restarts: options.restarts };
  const sweepFit = { seed: options.seed, restarts: Math.min(options.restarts, SWEEP_RESTARTS) };
  const sample = sampleRows(matrix, SWEEP_SAMPLE, options.seed);
  // Inertia grows with the number of customers: scale the sample's back to everyone's, comparable with the fit.
  const inertiaScale = matrix.data.length / sample.data.length;
  const silhouetteOptions = { sampleSize: SILHOUETTE_SAMPLE, seed: options.seed };
  const ks = SWEEP_KS.filter((k) => k <= distinctRows(table.raw, 10));
  const share = options.sweep ? 0.8 : 0;
  ctx.progress(0.02, 'features');
  const sweep = options.sweep
    ? elbow(sample, ks, {
        ...sweepFit,
        silhouette: { sampleSize: SWEEP_SILHOUETTE_SAMPLE, seed: options.seed },
        onProgress: (done, total) => {
          ctx.throwIfCancelled();
          ctx.progress(0.02 + (share * done) / total, `k=${ks[done - 1] ?? ''}`);
        },
      }).map(({ k, inertia, silhouette: score }) => ({ k, inertia: inertia * inertiaScale, silhouette: score }))
    : null;
  ctx.throwIfCancelled();
  ctx.progress(0.02 + share, 'fit');
  const result = kmeans(matrix, { ...fit, k: options.k });
  ctx.progress(0.9, 'profiles');
  const score = silhouette(matrix, result.assignments, silhouetteOptions);
  const { clusters, overallMeans } = profiles(table, options, result.assignments, result.centroids);
  const warnings: ClusterSummary['warnings'] = [];
  const smallest = Math.min(...clusters.map((c) => c.size));
  if (smallest < Math.max(5, table.customerIds.length * 0.01))
    warnings.push({
      code: 'TINY_CLUSTER',
      message: `One cluster has only ${smallest} customers: it may be a handful of outliers. Try a smaller k.`,
    });
  const summary: Omit<ClusterSummary, 'runId'> = {
    createdAt: now,
    options,
    customers: table.customerIds.length,
    inertia: result.inertia,
    silhouette: score,
    sweep,
    overallMeans,
    clusters,
    projection: scatter(matrix, result.assignments, options.seed),
    warnings,
  };
  const runId = store(db, summary, table, result.assignments);
  ctx.progress(1, null);
  return { runId, ...summary };
}

interface ClusterRunRow {
  id: number;
  result_json: string;
  names_json: string;
}

function toSummary(row: ClusterRunRow): ClusterSummary {
  const summary = JSON.parse(row.result_json) as Omit<ClusterSummary, 'runId'>;
  const names = JSON.parse(row.names_json) as (string | null)[];
  return {
    runId: row.id,
    ...summary,
    clusters: summary.clusters.map((cluster) => ({ ...cluster, name: names[cluster.index] ?? null })),
  };
}

export function latestClusters(db: Db): ClusterSummary | null {
  const row = db.prepare('SELECT id, result_json, names_json FROM cluster_runs ORDER BY id DESC LIMIT 1').get() as
    ClusterRunRow | undefined;
  return row ? toSummary(row) : null;
}

export function clusterRun(db: Db, runId: number): ClusterSummary {
  const row = db.prepare('SELECT id, result_json, names_json FROM cluster_runs WHERE id = ?').get(runId) as
    ClusterRunRow | undefined;
  if (!row) throw new CoreError('NOT_FOUND', 'That clustering run no longer exists.');
  return toSummary(row);
}

/** Names a cluster (an empty name brings the suggestion back). */
export function renameCluster(db: Db, runId: number, cluster: number, name: string): ClusterSummary {
  const summary = clusterRun(db, runId);
  if (cluster < 0 || cluster >= summary.clusters.length)
    throw new CoreError('NOT_FOUND', `This run has clusters 1 to ${summary.clusters.length}.`);
  const names = summary.clusters.map((c) => c.name);
  names[cluster] = name.trim() === '' ? null : name.trim();
  db.prepare('UPDATE cluster_runs SET names_json = ? WHERE id = ?').run(JSON.stringify(names), runId);
  return clusterRun(db, runId);
}
