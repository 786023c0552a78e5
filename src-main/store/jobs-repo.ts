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

/** Job rows: every state change is written, progress only when the job ends. */
export function createJobsRepo(db: Db) {
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

  return {
    insert(job: JobInfo, params: unknown): void {
      insert.run({
        id: job.id,
        kind: job.kind,
        state: job.state,
        params: JSON.stringify(params),
        createdAt: job.createdAt,
      });
    },
    save(job: JobInfo): void {
      update.run({
        id: job.id,
        state: job.state,
        progress: job.progress,
        startedAt: job.startedAt,
        finishedAt: job.finishedAt,
        result: job.result === null ? null : JSON.stringify(job.result),
        errorCode: job.error?.code ?? null,
        errorMessage: job.error?.message ?? null,
      });
    },
    get(id: string): JobInfo | undefined {
      const row = byId.get(id) as JobRow | undefined;
      return row ? toJobInfo(row) : undefined;
    },
    list(limit = 50): JobInfo[] {
      return (recent.all(limit) as JobRow[]).map(toJobInfo);
    },
    /** Jobs left queued or running by a previous session can never finish: say so. */
    failInterrupted(now = Date.now()): number {
      return interrupt.run(now).changes;
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
