import { computeDashboard } from '../../analytics/dashboard';
import type { Dashboard } from '../../shared/dashboard';
import type { JobContext } from '../context';

/** The dashboard reads every order line once; on millions of lines that belongs in a worker. */
export function dashboard(ctx: JobContext): Dashboard {
  return computeDashboard(ctx.db, ctx);
}
