import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runImport } from '../import/run-import';
import { CoreError } from '../shared/errors';
import { createProject, type ConnectionOptions } from '../store/connection';

/** The demo's data, a slice of UCI Online Retail (see resources/demo/PROVENANCE.md), relative to resources/. */
export const DEMO_SAMPLE_PATH = join('demo', 'online-retail-sample.csv');

const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/**
 * Creates the demo project at `path` by importing the bundled sample the way a user's file is imported. If
 * anything fails, or a single row is rejected, the half-made file is deleted before the error is rethrown, so
 * the next attempt starts clean; an existing file at `path` is never touched.
 */
export async function buildDemoProject(path: string, resourcesDir: string, options: ConnectionOptions = {}) {
  if (existsSync(path)) throw new CoreError('PROJECT_EXISTS', `${basename(path)} already exists.`);
  const sample = join(resourcesDir, DEMO_SAMPLE_PATH);
  if (!existsSync(sample)) {
    throw new CoreError('NOT_FOUND', `The demo data (${sample}) cannot be read. Reinstall MarketLens to restore it.`);
  }
  mkdirSync(dirname(path), { recursive: true });
  let db;
  try {
    db = createProject(path, options);
    const report = await runImport(
      db,
      { path: sample, settings: { preset: 'uci-online-retail', maxRejectedShare: 0 }, dryRun: false },
      { progress: () => undefined, throwIfCancelled: () => undefined },
    );
    if (!report.committed) {
      throw new Error(
        `The demo data could not be imported: ${report.rejectedSample[0]?.reason ?? report.stoppedBecause}`,
      );
    }
  } catch (error) {
    db?.close();
    for (const suffix of SIDE_FILES) rmSync(`${path}${suffix}`, { force: true });
    throw error;
  }
  db.close();
}
