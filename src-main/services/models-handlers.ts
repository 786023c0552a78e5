import type { ParsedInput, Output } from '../shared/contract';
import type { modelsOperations } from '../shared/models';
import type { AreaContext } from './area-context';
import { clvCustomers, latestClv } from '../analytics/clv-runs';
import {
  deleteModel,
  exportModel,
  importModel,
  listModels,
  modelDetail,
  modelScores,
} from '../analytics/model-registry';
import { tableImports } from '../analytics/model-table';

type Ops = keyof typeof modelsOperations;

/** The models area's operations; training, scoring and lifetime value runs are jobs (jobs.start). */
export function modelsHandlers(context: AreaContext): {
  [K in Ops]: (input: ParsedInput<K>) => Promise<Output<K>> | Output<K>;
} {
  const db = () => context.requireSession().db;
  return {
    'models.list': () => listModels(db()),
    'models.get': ({ id }) => modelDetail(db(), id),
    'models.delete': ({ id }) => {
      deleteModel(db(), id);
      return null;
    },
    'models.export': ({ id }) => exportModel(db(), id),
    'models.import': ({ json }) => importModel(db(), json),
    'models.tables': () => tableImports(db()),
    'models.scores': (query) => modelScores(db(), query),
    'models.clvLatest': () => latestClv(db()),
    'models.clvCustomers': (query) => clvCustomers(db(), query),
  };
}
