import { runClusters } from '../../analytics/clusters';
import type { ClusterOptions, ClusterSummary } from '../../shared/clusters';
import type { JobContext } from '../context';

/** k-means and its k = 2..10 sweep take seconds on 100k customers: a worker keeps the window responsive. */
export function cluster(ctx: JobContext): ClusterSummary {
  return runClusters(ctx.db, ctx.params as ClusterOptions, ctx);
}
