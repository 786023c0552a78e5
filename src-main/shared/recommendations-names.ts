/**
 * The recommendations area's operation names and job kinds as plain lists, for the preload and dto.ts (which must not bundle
 * zod); contract.test.ts checks the names against the contract.
 */
export const RECOMMENDATIONS_OPERATION_NAMES = [
  'recommendations.status',
  'recommendations.forCustomer',
  'recommendations.list',
  'recommendations.basketEstimate',
  'recommendations.basketRules',
  'recommendations.basketCsv',
] as const;

export const RECOMMENDATIONS_JOB_KINDS = ['recommend-evaluate', 'recommend', 'basket'] as const;
