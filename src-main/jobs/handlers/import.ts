import { statSync } from 'node:fs';
import type { ImportPreview, ImportReport, ImportSettings } from '../../shared/import';
import { previewImport } from '../../import/preview';
import { runImport, type ImportRequest } from '../../import/run-import';
import type { JobContext } from '../context';

/** Imports a file on the worker's own connection; the main thread stays free while millions of rows go in. */
export function importFile(ctx: JobContext): Promise<ImportReport> {
  return runImport(ctx.db, ctx.params as ImportRequest, ctx);
}

/** An `import-preview` request with the file's path and name, which jobs.start adds to its `fileId`. */
interface PreviewRequest {
  fileId: string;
  path: string;
  fileName: string;
  settings: ImportSettings;
}

/** Previews a file off the main thread: a large workbook takes seconds to open, and the app must not freeze. */
export function previewFile(ctx: JobContext): Promise<ImportPreview> {
  const { fileId, path, fileName, settings } = ctx.params as PreviewRequest;
  const file = { id: fileId, name: fileName, sizeBytes: statSync(path).size };
  return previewImport(ctx.db, file, path, settings, ctx);
}
