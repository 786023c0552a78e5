import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAudience } from '../../campaigns/audience';
import { campaignInfo, createCampaign } from '../../campaigns/campaign-store';
import { exportCampaign, exportFileName } from '../../campaigns/export-writer';
import { measureFromFile, measureFromOrders } from '../../campaigns/results';
import { importSuppressions } from '../../campaigns/suppressions';
import type {
  CampaignExportOptions,
  CampaignSpec,
  CampaignsJobResults,
  ResponseMetric,
  SuppressionReason,
} from '../../shared/campaigns';
import type { JobContext, JobHandler } from '../context';

/**
 * The app's exports go to a folder of their own under the system's temporary folder: the renderer may not name a
 * path, and it downloads the file through campaigns.download, which writes it again should the folder be cleaned.
 */
function appExportPath(fileName: string): string {
  const dir = join(tmpdir(), 'marketlens-exports', randomUUID());
  mkdirSync(dir, { recursive: true });
  return join(dir, fileName);
}

/** What a job that named a picked or uploaded file by its id is given instead (jobs.start resolves it). */
interface PickedFile {
  path: string;
  fileName: string;
}

type MeasureParams = { campaignId: number; metric?: ResponseMetric; days: number } & Partial<PickedFile>;
type SuppressParams = PickedFile & { reason: SuppressionReason; defaultCountry?: string };

/** The campaigns area's job kinds and the code that runs each inside a worker. */
export const CAMPAIGNS_JOB_HANDLERS: { [K in keyof CampaignsJobResults]: JobHandler<unknown, CampaignsJobResults[K]> } =
  {
    // A million-member audience is hashed against the suppression list and written row by row: seconds of work.
    'campaign-create': (ctx: JobContext) => createCampaign(ctx.db, (ctx.params as { spec: CampaignSpec }).spec, ctx),
    'campaign-export': (ctx: JobContext) => {
      const { campaignId, ...options } = ctx.params as CampaignExportOptions & { campaignId: number };
      const path = appExportPath(exportFileName(campaignInfo(ctx.db, campaignId).name, options));
      return exportCampaign(ctx.db, campaignId, options, path, ctx);
    },
    // The wizard asks again at every change of the spec; on a million customers the counts take seconds.
    'campaign-preview': (ctx: JobContext) => {
      const { spec } = ctx.params as { spec: CampaignSpec };
      const { funnel, balance, notes } = buildAudience(ctx.db, spec, Date.now(), ctx);
      return { funnel, holdout: balance, notes };
    },
    'campaign-measure': (ctx: JobContext) => {
      const { campaignId, metric, days, path, fileName } = ctx.params as MeasureParams;
      if (path === undefined) return measureFromOrders(ctx.db, campaignId, { days }, ctx);
      return measureFromFile(ctx.db, campaignId, path, fileName, { metric, days }, ctx);
    },
    'campaign-suppress': (ctx: JobContext) => {
      const { path, fileName, reason, defaultCountry } = ctx.params as SuppressParams;
      return importSuppressions(ctx.db, path, { reason, fileName, defaultCountry }, ctx);
    },
  };
