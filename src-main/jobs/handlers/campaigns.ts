import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaignInfo, createCampaign } from '../../campaigns/campaign-store';
import { exportCampaign, exportFileName } from '../../campaigns/export-writer';
import type { CampaignExportOptions, CampaignSpec, CampaignsJobResults } from '../../shared/campaigns';
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
  };
