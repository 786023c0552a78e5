import { basketRules, basketRulesCsv, estimateProjectBaskets } from '../analytics/basket-runs';
import { customerRecommendations, recommendationRows } from '../analytics/recommend-runs';
import { recommendationsStatus } from '../analytics/recommend-status';
import type { ParsedInput, Output } from '../shared/contract';
import type { recommendationsOperations } from '../shared/recommendations';
import type { AreaContext } from './area-context';

type Ops = keyof typeof recommendationsOperations;

/** The recommendations area's operations; the long work (evaluate, generate, mine) runs as jobs. */
export function recommendationsHandlers(context: AreaContext): {
  [K in Ops]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
} {
  const db = () => context.requireSession().db;
  return {
    'recommendations.status': () => recommendationsStatus(db()),
    'recommendations.forCustomer': ({ customerId }) => customerRecommendations(db(), customerId),
    'recommendations.list': (query) => recommendationRows(db(), query),
    'recommendations.basketEstimate': (options) => estimateProjectBaskets(db(), options),
    'recommendations.basketRules': (query) => basketRules(db(), query),
    'recommendations.basketCsv': () => basketRulesCsv(db()),
  };
}
