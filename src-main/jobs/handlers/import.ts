import type { ImportReport } from '../../shared/import';
import { runImport, type ImportRequest } from '../../import/run-import';
import type { JobContext } from '../context';

/** Imports a file on the worker's own connection; the main thread stays free while millions of rows go in. */
export function importFile(ctx: JobContext): Promise<ImportReport> {
  return runImport(ctx.db, ctx.params as ImportRequest, ctx);
}
