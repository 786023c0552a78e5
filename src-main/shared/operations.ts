import type { OperationName } from './contract';
import { MODELS_OPERATION_NAMES } from './models-names';
import { RECOMMENDATIONS_OPERATION_NAMES } from './recommendations-names';
import { CAMPAIGNS_OPERATION_NAMES } from './campaigns-names';

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
  'import.history',
  'import.rejectedCsv',
  'jobs.start',
  'rfm.latest',
  'rfm.customers',
  'rfm.runs',
  'rfm.get',
  'rfm.movement',
  'rfm.defaultMap',
  'dashboard.get',
  'segments.values',
  'segments.preview',
  'segments.list',
  'segments.save',
  'segments.delete',
  'segments.snapshot',
  'segments.members',
  'clusters.latest',
  'clusters.rename',
  'clusters.toSegment',
  'customers.search',
  'customers.get',
  'jobs.cancel',
  'jobs.list',
  'jobs.get',
  ...MODELS_OPERATION_NAMES,
  ...RECOMMENDATIONS_OPERATION_NAMES,
  ...CAMPAIGNS_OPERATION_NAMES,
] as const satisfies readonly OperationName[];
