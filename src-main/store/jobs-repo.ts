import type { JobInfo, JobKind, JobState } from '../shared/dto';
import type { Db } from './connection';

interface JobRow {
  id: string;
  kind: string;
  state: string;
  progress: number;
  result_json: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

function toJobInfo(row: JobRow): JobInfo {
  // The kind column says which result shape the JSON holds.
  return {
    id: row.id,
    kind: row.kind as JobKind,
    state: row.state as JobState,
    progress: row.progress,
    detail: null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result_json ? (JSON.parse(row.result_json) as JobInfo['result']) : null,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  } as JobInfo;
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && (error as { code?: string }).code === 'SQLITE_BUSY';
}

/**
 * Job rows: every state change is written, progress only when the job ends. A job in a worker may hold the
 * project's write lock for a while (a large import), so writes that find it busy are queued and retried in
 * order rather than blocking the main thread; reads see the queued states meanwhile.
 */
export function createJobsRepo(db: Db, retryMs = 100) {
  const insert = db.prepare(
    'INSERT INTO jobs (id, kind, state, params_json, created_at) VALUES (@id, @kind, @state, @params, @createdAt)',
  );
  const update = db.prepare(
    `UPDATE jobs SET state = @state, progress = @progress, started_at = @startedAt, finished_at = @finishedAt,
       result_json = @result, error_code = @errorCode, error_message = @errorMessage WHERE id = @id`,
  );
  const byId = db.prepare('SELECT * FROM jobs WHERE id = ?');
  const recent = db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?');
  const interrupt = db.prepare(
    `UPDATE jobs SET state = 'failed', error_code = 'INTERNAL', finished_at = ?,
       error_message = 'MarketLens closed before this job finished.' WHERE state IN ('queued', 'running')`,
  );

  const queue: { job: JobInfo; write: () => void }[] = [];
  const pending = new Map<string, JobInfo>();
  let retry: NodeJS.Timeout | undefined;

  const flush = (): void => {
    retry = undefined;
    while (queue.length > 0) {
      const next = queue[0];
      if (!next) break;
      try {
        next.write();
      } catch (error) {
        if (!isBusy(error)) throw error;
        retry = setTimeout(flush, retryMs);
        return;
      }
      queue.shift();
      if (!queue.some((entry) => entry.job.id === next.job.id)) pending.delete(next.job.id);
    }
  };
  const enqueue = (job: JobInfo, write: () => void): void => {
    pending.set(job.id, { ...job });
    queue.push({ job, write });
    if (retry === undefined) flush();
  };

  return {
    insert(job: JobInfo, params: unknown): void {
      const row = {
        id: job.id,
        kind: job.kind,
        state: job.state,
        params: JSON.stringify(params),
        createdAt: job.createdAt,
      };
      enqueue(job, () => insert.run(row));
    },
    save(job: JobInfo): void {
      const row = {
        id: job.id,
        state: job.state,
        progress: job.progress,
        startedAt: job.startedAt,
        finishedAt: job.finishedAt,
        result: job.result === null ? null : JSON.stringify(job.result),
        errorCode: job.error?.code ?? null,
        errorMessage: job.error?.message ?? null,
      };
      enqueue(job, () => update.run(row));
    },
    get(id: string): JobInfo | undefined {
      const queued = pending.get(id);
      if (queued) return { ...queued };
      const row = byId.get(id) as JobRow | undefined;
      return row ? toJobInfo(row) : undefined;
    },
    list(limit = 50): JobInfo[] {
      const stored = (recent.all(limit) as JobRow[]).map(toJobInfo);
      const storedIds = new Set(stored.map((job) => job.id));
      const unsaved = [...pending.values()].filter((job) => !storedIds.has(job.id));
      return [...unsaved, ...stored.map((job) => pending.get(job.id) ?? job)]
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, limit);
    },
    /** Writes still waiting for the project's write lock. */
    pendingWrites(): number {
      return queue.length;
    },
    /** Jobs left queued or running by a previous session can never finish: say so. */
    failInterrupted(now = Date.now()): number {
      return interrupt.run(now).changes;
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
