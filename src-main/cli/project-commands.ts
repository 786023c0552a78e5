import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyseProject } from '../jobs/handlers/analyse-project';
import type { JobContext } from '../jobs/context';
import {
  createProject,
  openProjectForReading,
  projectNameFromPath,
  readCreatedAt,
  PROJECT_EXTENSION,
} from '../store/connection';
import { formatBytes, formatDate, formatTables, UsageError, type Output } from './output';

export function createCommand(file: string | undefined, out: Output): void {
  if (!file) throw new UsageError('project create needs a file name, e.g. marketlens project create acme.mlens');
  const path = resolve(file.endsWith(PROJECT_EXTENSION) ? file : `${file}${PROJECT_EXTENSION}`);
  const db = createProject(path);
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  db.close();
  out.result({ path, name: projectNameFromPath(path), schemaVersion }, () => `Created ${path}`);
}

/** Reads the project without changing it: a read-only connection and no migrations. */
export function infoCommand(file: string | undefined, out: Output): void {
  if (!file) throw new UsageError('project info needs a project file, e.g. marketlens project info acme.mlens');
  const path = resolve(file);
  const db = openProjectForReading(path);
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  try {
    const context: JobContext = { db, params: {}, progress: () => undefined, throwIfCancelled: () => undefined };
    const analysis = analyseProject(context);
    const info = {
      name: projectNameFromPath(path),
      path,
      schemaVersion,
      sizeBytes: statSync(path).size,
      createdAt: readCreatedAt(db),
      tables: analysis.tables,
    };
    out.result(info, () =>
      [
        `${info.name}  (${path})`,
        `  format ${schemaVersion}, ${formatBytes(info.sizeBytes)}, created ${formatDate(info.createdAt)}`,
        formatTables(analysis),
      ].join('\n'),
    );
  } finally {
    db.close();
  }
}
