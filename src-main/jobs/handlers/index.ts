import type { JobKind, JobResults } from '../../shared/dto';
import type { JobHandler } from '../context';
import { analyseProject } from './analyse-project';
import { cluster } from './cluster';
import { dashboard } from './dashboard';
import { importFile, previewFile } from './import';
import { MODELS_JOB_HANDLERS } from './models';
import { RECOMMENDATIONS_JOB_HANDLERS } from './recommendations';
import { CAMPAIGNS_JOB_HANDLERS } from './campaigns';

import { rfm } from './rfm';

/** Every job kind and the code that runs it inside a worker. */
export const JOB_HANDLERS: { [K in JobKind]: JobHandler<unknown, JobResults[K]> } = {
  'analyse-project': analyseProject,
  import: importFile,
  'import-preview': previewFile,
  rfm,
  cluster,
  dashboard,
  ...MODELS_JOB_HANDLERS,
  ...RECOMMENDATIONS_JOB_HANDLERS,
  ...CAMPAIGNS_JOB_HANDLERS,
};
