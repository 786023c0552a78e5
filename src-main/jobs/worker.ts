import { parentPort, workerData } from 'node:worker_threads';
import { CoreError } from '../shared/errors';
import { connectWorker, type Db } from '../store/connection';
import { JobCancelled, throttleProgress, type JobContext } from './context';
import { JOB_HANDLERS } from './handlers';
import { PROGRESS_RATE_LIMIT, type ServeInput, type WorkerInput, type WorkerMessage } from './protocol';

const post = (message: WorkerMessage) => parentPort?.postMessage(message);

/** Runs one job on the given connection and says how it ended. */
async function run(input: WorkerInput, db: Db): Promise<WorkerMessage> {
  const cancelled = new Int32Array(input.cancelFlag);
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
  }
}

/** Worker thread entry: one job on its own connection, or, kept warm, quick jobs one after another. */
if (parentPort) {
  const input = workerData as WorkerInput | ServeInput;
  const db = connectWorker(input.dbPath, { nativeBinding: input.nativeBinding });
  if ('serve' in input) {
    parentPort.on('message', (job: WorkerInput) => void run(job, db).then(post));
  } else {
    try {
      post(await run(input, db));
    } finally {
      db.close();
    }
  }
}
