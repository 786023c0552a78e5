import { runRfm } from '../../analytics/rfm-runs';
import type { RfmRunOptions, RfmSummary } from '../../shared/rfm';
import type { JobContext } from '../context';

/** RFM in a worker: a million customers' scores are written without holding up the window. */
export function rfm(ctx: JobContext): RfmSummary {
  ctx.progress(0.05, 'rfm');
  const summary = runRfm(ctx.db, ctx.params as RfmRunOptions);
  ctx.progress(1, null);
  return summary;
}
