/** `rfm`, `segment create` and `cluster`: the Segments area from the command line, on a project file. */
import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { runClusters } from '../analytics/clusters';
import { rfmCustomers, runRfm } from '../analytics/rfm-runs';
import { saveSegment } from '../analytics/segments';
import { csvLine } from '../io/csv-write';
import { CLUSTER_FEATURES, type ClusterFeature } from '../shared/clusters';
import { CoreError } from '../shared/errors';
import { ruleGroupSchema } from '../shared/segments';
import { openProject, type Db } from '../store/connection';
import { formatDate, UsageError, type Output } from './output';

const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };

function withProject<T>(project: string | undefined, command: string, work: (db: Db) => T): T {
  if (!project) throw new UsageError(`${command} needs --project <file.mlens>`);
  const db = openProject(resolve(project));
  try {
    return work(db);
  } finally {
    db.close();
  }
}

function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number)) throw new UsageError(`${name} must be a whole number, not "${value}"`);
  return number;
}

export interface RfmCommandOptions {
  project: string | undefined;
  levels: string | undefined;
  out: string | undefined;
  analysisDate: string | undefined;
}

export async function rfmCommand(options: RfmCommandOptions, out: Output): Promise<void> {
  const levels = integerOption(options.levels, '--levels', 5);
  if (levels !== 3 && levels !== 5) throw new UsageError('--levels must be 3 or 5');
  let analysisDate: number | undefined;
  if (options.analysisDate !== undefined) {
    analysisDate = Date.parse(`${options.analysisDate}T00:00:00Z`);
    if (!Number.isFinite(analysisDate)) throw new UsageError('--analysis-date must look like 2011-12-10');
  }
  const db = options.project ? openProject(resolve(options.project)) : null;
  if (!db) throw new UsageError('rfm needs --project <file.mlens>');
  try {
    const summary = runRfm(db, { levels, ...(analysisDate !== undefined && { analysisDate }) });
    if (options.out) await writeRfmCsv(db, summary.runId, resolve(options.out));
    const segments = Object.fromEntries(summary.segments.map((s) => [s.segment, s.customers]));
    out.result(
      {
        runId: summary.runId,
        customers: summary.customers,
        snapshot: summary.snapshot === null ? null : new Date(summary.snapshot).toISOString(),
        levels: summary.levels,
        segments,
        warnings: summary.warnings,
        ...(options.out && { out: resolve(options.out) }),
      },
      () =>
        [
          `RFM for ${summary.customers} customers${summary.snapshot === null ? '' : ` as of ${formatDate(summary.snapshot)}`}:`,
          ...summary.segments.filter((s) => s.customers > 0).map((s) => `  ${s.segment.padEnd(20)} ${s.customers}`),
          ...summary.warnings.map((w) => `  note: ${w.message}`),
          ...(options.out ? [`Wrote ${resolve(options.out)}`] : []),
        ].join('\n'),
    );
  } finally {
    db.close();
  }
}

/** Streams the scores page by page, so a million customers never sit in memory as one string. */
async function writeRfmCsv(db: Db, runId: number, path: string): Promise<void> {
  const file = createWriteStream(path);
  const write = async (text: string) => {
    if (!file.write(text)) await once(file, 'drain');
  };
  await write(csvLine(['customer_id', 'recency', 'frequency', 'monetary', 'r', 'f', 'm', 'segment']));
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const { rows } = rfmCustomers(db, { runId, offset, limit: pageSize });
    for (const row of rows)
      await write(
        csvLine([
          row.externalId,
          row.recency,
          row.frequency,
          Math.round(row.monetary * 100) / 100,
          row.r,
          row.f,
          row.m,
          row.segment,
        ]),
      );
    if (rows.length < pageSize) break;
  }
  file.end();
  await once(file, 'finish');
}

export interface SegmentCommandOptions {
  project: string | undefined;
  name: string | undefined;
  rules: string | undefined;
}

export function segmentCreateCommand(options: SegmentCommandOptions, out: Output): void {
  if (!options.name) throw new UsageError('segment create needs --name NAME');
  if (!options.rules) throw new UsageError('segment create needs --rules rules.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(options.rules), 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read ${options.rules} as JSON: ${(error as Error).message}`);
  }
  const parsed = ruleGroupSchema.safeParse(json);
  if (!parsed.success)
    throw new CoreError(
      'VALIDATION',
      `${options.rules} is not a rule group: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ')}`,
    );
  const name = options.name;
  const segment = withProject(options.project, 'segment create', (db) => saveSegment(db, { name, rules: parsed.data }));
  out.result({ id: segment.id, name: segment.name, members: segment.members }, () =>
    segment.members === 0
      ? `Saved segment "${segment.name}" (id ${segment.id}): no customer matches these rules yet.`
      : `Saved segment "${segment.name}" (id ${segment.id}) with ${segment.members} customers.`,
  );
}

export interface ClusterCommandOptions {
  project: string | undefined;
  k: string | undefined;
  features: string | undefined;
  seed: string | undefined;
  sweep: boolean;
}

export function clusterCommand(options: ClusterCommandOptions, out: Output): void {
  const k = integerOption(options.k, '--k', 4);
  if (k < 2 || k > 20) throw new UsageError('--k must be between 2 and 20');
  const features = (options.features ?? 'recency,frequency,monetary').split(',').map((f) => f.trim());
  const unknown = features.filter((f) => !(CLUSTER_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new UsageError(`Unknown feature ${unknown.join(', ')}. Features: ${CLUSTER_FEATURES.join(', ')}`);
  const seed = integerOption(options.seed, '--seed', 0);
  const summary = withProject(options.project, 'cluster', (db) =>
    runClusters(
      db,
      { features: features as ClusterFeature[], k, seed, restarts: 10, log: true, sweep: options.sweep },
      quiet,
    ),
  );
  const profiles = summary.clusters.map((c) => ({
    cluster: c.index,
    name: c.suggested,
    size: c.size,
    share: c.share,
    revenueShare: c.revenueShare,
    means: Object.fromEntries(features.map((f, j) => [f, c.means[j] ?? 0])),
  }));
  out.result(
    {
      runId: summary.runId,
      k,
      features,
      customers: summary.customers,
      inertia: summary.inertia,
      silhouette: summary.silhouette,
      sizes: summary.clusters.map((c) => c.size),
      profiles,
      ...(summary.sweep && { sweep: summary.sweep }),
      warnings: summary.warnings,
    },
    () =>
      [
        `${k} clusters of ${summary.customers} customers (inertia ${summary.inertia.toFixed(1)}, silhouette ${summary.silhouette?.toFixed(3) ?? 'n/a'}):`,
        ...profiles.map(
          (p) =>
            `  ${p.cluster + 1}. ${p.name.padEnd(15)} ${String(p.size).padStart(7)} customers  ` +
            features.map((f) => `${f} ${(p.means[f] ?? 0).toFixed(1)}`).join(', '),
        ),
      ].join('\n'),
  );
}
