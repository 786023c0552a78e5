/**
 * The models area's operation names and job kinds as plain lists, for the preload and dto.ts (which must not bundle
 * zod); contract.test.ts checks the names against the contract.
 */
export const MODELS_OPERATION_NAMES = [
  'models.list',
  'models.get',
  'models.delete',
  'models.export',
  'models.import',
  'models.tables',
  'models.scores',
  'models.clvLatest',
  'models.clvCustomers',
] as const;

export const MODELS_JOB_KINDS = ['model-train', 'model-train-table', 'model-score', 'clv'] as const;
