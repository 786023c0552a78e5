import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../src-main/jobs/runner';
import type { ImportReport } from '../../src-main/shared/import';
import { createProject } from '../../src-main/store/connection';
import { createJobsRepo } from '../../src-main/store/jobs-repo';
import { ROOT } from './support';

const BUILT_WORKER = join(ROOT, 'out', 'main', 'job-worker.js');
const RETAIL_SAMPLE = join(ROOT, 'resources', 'demo', 'online-retail-sample.csv');

/**
 * The desktop app runs the compiled workers, which the browser host and the other suites (from source) never
 * start: the import job and its reading thread must find each other in the build.
 */
describe('the built workers', () => {
  it('import a file with the compiled job worker and its compiled reading thread', async () => {
    expect(existsSync(BUILT_WORKER)).toBe(true);
    expect(existsSync(join(ROOT, 'out', 'main', 'import-reader.js'))).toBe(true);
    const path = join(mkdtempSync(join(tmpdir(), 'marketlens-built-')), 'shop.mlens');
    const db = createProject(path);
    const runner = new JobRunner({
      dbPath: path,
      repo: createJobsRepo(db),
      onUpdate: () => undefined,
      workerUrl: pathToFileURL(BUILT_WORKER),
    });
    const job = runner.start('import', { path: RETAIL_SAMPLE, fileName: 'sample.csv', settings: {}, dryRun: false });
    const done = await runner.settled(job.id);
    await runner.close();
    expect(done.error).toBeNull();
    expect((done.result as ImportReport).rows).toBe(5088);
    expect(db.prepare('SELECT count(*) FROM order_lines').pluck().get()).toBe(5088);
    db.close();
  });
});
