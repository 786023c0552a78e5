import { runClv } from '../../analytics/clv-runs';
import { scoreModel } from '../../analytics/model-scoring';
import { trainTable } from '../../analytics/model-table';
import { trainPropensity } from '../../analytics/propensity-training';
import type { ClvOptions, ModelsJobResults, PropensityTrainOptions, TableTrainOptions } from '../../shared/models';
import type { JobContext, JobHandler } from '../context';

/**
 * The models area's job kinds and the code that runs each inside a worker: a random forest is a hundred trees
 * fitted twice, and scoring or a lifetime value run touch every customer, so none of them runs on the main thread.
 */
export const MODELS_JOB_HANDLERS: { [K in keyof ModelsJobResults]: JobHandler<unknown, ModelsJobResults[K]> } = {
  'model-train': (ctx: JobContext) => trainPropensity(ctx.db, ctx.params as PropensityTrainOptions, ctx),
  'model-train-table': (ctx: JobContext) => trainTable(ctx.db, ctx.params as TableTrainOptions, ctx),
  'model-score': (ctx: JobContext) => scoreModel(ctx.db, (ctx.params as { modelId: number }).modelId, ctx),
  clv: (ctx: JobContext) => runClv(ctx.db, ctx.params as ClvOptions, ctx),
};
