import type { JobKind } from '../shared/dto';
import type { ErrorCode } from '../shared/errors';

/** What a job worker is started with (`workerData`) to run one job, or is sent for each quick job. */
export interface WorkerInput {
  jobId: string;
  kind: JobKind;
  params: unknown;
  dbPath: string;
  nativeBinding?: string | undefined;
  /** Int32Array over this buffer; index 0 becomes 1 when the job is cancelled. */
  cancelFlag: SharedArrayBuffer;
}

/** What the warm worker for quick jobs is started with; its jobs then come as messages (WorkerInput). */
export interface ServeInput {
  serve: true;
  dbPath: string;
  nativeBinding?: string | undefined;
}

export type WorkerMessage =
  | { type: 'progress'; progress: number; detail: string | null }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; code: ErrorCode; message: string };

/** Progress messages a worker may send per second, at most. */
export const PROGRESS_RATE_LIMIT = 10;
