import { parentPort, workerData } from 'node:worker_threads';
import { CoreError } from '../shared/errors';
import { connectWorker } from '../store/connection';
import { JobCancelled, throttleProgress, type JobContext } from './context';
import { JOB_HANDLERS } from './handlers';
import { PROGRESS_RATE_LIMIT, type WorkerInput, type WorkerMessage } from './protocol';

/** Worker thread entry: runs one job on its own connection and reports back. */
async function run(input: WorkerInput): Promise<WorkerMessage> {
  const cancelled = new Int32Array(input.cancelFlag);
  const post = (message: WorkerMessage) => parentPort?.postMessage(message);
  const db = connectWorker(input.dbPath, { nativeBinding: input.nativeBinding });
  try {
    const context: JobContext = {
      db,
      params: input.params,
      progress: throttleProgress(
        (progress, detail) => post({ type: 'progress', progress, detail }),
        PROGRESS_RATE_LIMIT,
      ),
      throwIfCancelled() {
        if (Atomics.load(cancelled, 0) === 1) throw new JobCancelled();
      },
    };
    const result = await JOB_HANDLERS[input.kind](context);
    return { type: 'done', result };
  } catch (error) {
    if (error instanceof JobCancelled) return { type: 'cancelled' };
    // A CoreError's code lets the renderer word the failure as it would the same error from an operation.
    const code = error instanceof CoreError ? error.code : 'INTERNAL';
    return { type: 'failed', code, message: error instanceof Error ? error.message : String(error) };
  } finally {
    db.close();
  }
}

if (parentPort) {
  parentPort.postMessage(await run(workerData as WorkerInput));
}
