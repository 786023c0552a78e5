import type { JobKind, JobResults } from '../../shared/dto';
import type { JobHandler } from '../context';
import { analyseProject } from './analyse-project';
import { cluster } from './cluster';
import { dashboard } from './dashboard';
import { importFile } from './import';
import { rfm } from './rfm';

/** Every job kind and the code that runs it inside a worker. */
export const JOB_HANDLERS: { [K in JobKind]: JobHandler<unknown, JobResults[K]> } = {
  'analyse-project': analyseProject,
  import: importFile,
  rfm,
  cluster,
  dashboard,
};
