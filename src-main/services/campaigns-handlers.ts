import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { listSegments } from '../analytics/segments';
import { campaignDetail, deleteCampaign, listCampaigns } from '../campaigns/campaign-store';
import { MIME_TYPES, writeExportFile } from '../campaigns/export-writer';
import { latestClvRunId, latestRecommendationRunId, latestRfmRunId, scoredModels } from '../campaigns/predictions';
import { clearSuppressions, suppressionSummary } from '../campaigns/suppressions';
import type { CampaignExportOptions, campaignsOperations } from '../shared/campaigns';
import type { ParsedInput, Output } from '../shared/contract';
import { CoreError } from '../shared/errors';
import type { Db } from '../store/connection';
import type { AreaContext } from './area-context';

type Ops = keyof typeof campaignsOperations;

function rfmSegments(db: Db): { name: string; customers: number }[] {
  const runId = latestRfmRunId(db);
  if (runId === null) return [];
  return db
    .prepare(
      'SELECT segment AS name, count(*) AS customers FROM rfm_scores WHERE run_id = ? GROUP BY segment ORDER BY customers DESC',
    )
    .all(runId) as { name: string; customers: number }[];
}

/** The logged file, or the same file written again from the campaign's frozen members if it has gone. */
async function exportFile(db: Db, exportId: number) {
  const row = db
    .prepare('SELECT campaign_id, preset, options_json, file_name, file_path FROM campaign_exports WHERE id = ?')
    .get(exportId) as
    { campaign_id: number; preset: string; options_json: string; file_name: string; file_path: string } | undefined;
  if (!row) throw new CoreError('NOT_FOUND', 'That export is not in this project.');
  if (!existsSync(row.file_path)) {
    mkdirSync(dirname(row.file_path), { recursive: true });
    await writeExportFile(db, row.campaign_id, JSON.parse(row.options_json) as CampaignExportOptions, row.file_path);
  }
  return {
    fileName: row.file_name,
    mimeType: row.preset === 'xlsx' ? MIME_TYPES.xlsx : MIME_TYPES.csv,
    base64: readFileSync(row.file_path).toString('base64'),
  };
}

/** The campaigns area's operations. */
export function campaignsHandlers(context: AreaContext): {
  [K in Ops]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
} {
  const db = () => context.requireSession().db;
  return {
    'campaigns.options': () => {
      const project = db();
      return {
        segments: listSegments(project).map(({ id, name, members }) => ({ id, name, members })),
        rfmSegments: rfmSegments(project),
        models: scoredModels(project),
        hasClv: latestClvRunId(project) !== null,
        hasRecommendations: latestRecommendationRunId(project) !== null,
        suppressions: suppressionSummary(project),
      };
    },
    'campaigns.list': () => listCampaigns(db()),
    'campaigns.get': ({ id }) => campaignDetail(db(), id),
    'campaigns.delete': ({ id }) => {
      deleteCampaign(db(), id);
      return null;
    },
    'campaigns.download': ({ exportId }) => exportFile(db(), exportId),
    'campaigns.clearSuppressions': () => clearSuppressions(db()),
  };
}
