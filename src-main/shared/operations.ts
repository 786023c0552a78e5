import type { OperationName } from './contract';

/**
 * The operation names as a plain list, for the preload (which must not bundle zod).
 * `test/unit/contract.test.ts` keeps it equal to the contract's keys.
 */
export const OPERATION_NAMES = [
  'app.info',
  'settings.get',
  'settings.update',
  'project.current',
  'project.recent',
  'project.browse',
  'project.create',
  'project.openDialog',
  'project.open',
  'project.openDemo',
  'project.close',
  'project.forget',
  'project.counts',
  'import.pickFile',
  'import.preview',
  'import.history',
  'import.rejectedCsv',
  'jobs.start',
  'rfm.latest',
  'rfm.customers',
  'jobs.cancel',
  'jobs.list',
  'jobs.get',
] as const satisfies readonly OperationName[];
