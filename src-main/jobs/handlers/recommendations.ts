import { runBasketAnalysis } from '../../analytics/basket-runs';
import { evaluateRecommendations } from '../../analytics/recommend-evaluation';
import { generateRecommendations } from '../../analytics/recommend-runs';
import type {
  BasketRunOptions,
  EvaluateOptions,
  RecommendationsJobResults,
  RecommendOptions,
} from '../../shared/recommendations';
import type { JobHandler } from '../context';

/**
 * The recommendations area's job kinds and the code that runs each inside a worker: fitting neighbour lists and
 * mining baskets take seconds on a large shop. Params arrive parsed by the contract (defaults filled in).
 */
export const RECOMMENDATIONS_JOB_HANDLERS: {
  [K in keyof RecommendationsJobResults]: JobHandler<unknown, RecommendationsJobResults[K]>;
} = {
  'recommend-evaluate': (ctx) => evaluateRecommendations(ctx.db, ctx.params as EvaluateOptions, ctx),
  recommend: (ctx) => generateRecommendations(ctx.db, ctx.params as RecommendOptions, ctx),
  basket: (ctx) => runBasketAnalysis(ctx.db, ctx.params as BasketRunOptions, ctx),
};
