import { statSync } from 'node:fs';
import type { JobInfo, ProjectInfo, TableCount } from '../shared/dto';
import { createProject, openProject, projectNameFromPath, readCreatedAt, type Db } from '../store/connection';
import { createJobsRepo } from '../store/jobs-repo';
import { JobRunner } from '../jobs/runner';

export interface SessionOptions {
  nativeBinding?: string | undefined;
  workerUrl?: URL | undefined;
  onJobUpdate: (job: JobInfo) => void;
}

const COUNTED_TABLES = ['customers', 'orders', 'order_lines', 'products', 'imports'] as const;

/** One open project: its connection and its job runner, opened and closed together. */
export class ProjectSession {
  readonly jobs: JobRunner;

  private constructor(
    readonly path: string,
    readonly db: Db,
    readonly isDemo: boolean,
    options: SessionOptions,
  ) {
    const repo = createJobsRepo(db);
    repo.failInterrupted();
    this.jobs = new JobRunner({
      dbPath: path,
      repo,
      onUpdate: options.onJobUpdate,
      nativeBinding: options.nativeBinding,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
  }

  static open(path: string, options: SessionOptions, isDemo = false): ProjectSession {
    return new ProjectSession(path, openProject(path, { nativeBinding: options.nativeBinding }), isDemo, options);
  }

  static create(path: string, options: SessionOptions): ProjectSession {
    return new ProjectSession(path, createProject(path, { nativeBinding: options.nativeBinding }), false, options);
  }

  info(): ProjectInfo {
    return {
      name: projectNameFromPath(this.path),
      path: this.path,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
      // Recent changes live in the write-ahead log until a checkpoint: both are the project on disk.
      sizeBytes: statSync(this.path).size + (statSync(`${this.path}-wal`, { throwIfNoEntry: false })?.size ?? 0),
      createdAt: readCreatedAt(this.db),
      isDemo: this.isDemo,
    };
  }

  counts(): TableCount[] {
    return COUNTED_TABLES.map((table) => ({
      table,
      rows: (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    }));
  }

  async close(): Promise<void> {
    await this.jobs.close();
    this.db.close();
  }
}
