/**
 * The campaigns area's operation names and job kinds as plain lists, for the preload and dto.ts (which must not bundle
 * zod); contract.test.ts checks the names against the contract.
 */
export const CAMPAIGNS_OPERATION_NAMES = [
  'campaigns.options',
  'campaigns.list',
  'campaigns.get',
  'campaigns.delete',
  'campaigns.download',
  'campaigns.clearSuppressions',
] as const;

export const CAMPAIGNS_JOB_KINDS = [
  'campaign-create',
  'campaign-export',
  'campaign-preview',
  'campaign-measure',
  'campaign-suppress',
] as const;
