import { randomUUID } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { isQuickJob, type JobInfo, type JobKind, type JobState } from '../shared/dto';
import type { JobsRepo } from '../store/jobs-repo';
import type { ServeInput, WorkerInput, WorkerMessage } from './protocol';

export interface JobRunnerOptions {
  dbPath: string;
  repo: JobsRepo;
  onUpdate: (job: JobInfo) => void;
  /** Jobs that run at once; the rest wait in the queue. Defaults to one less than the cores, at least one. */
  concurrency?: number;
  /** The worker script; tests pass their own to exercise crashes. */
  workerUrl?: URL;
  nativeBinding?: string | undefined;
  maxOldGenerationSizeMb?: number;
  /** How long a cancelled job may take to notice before its worker is terminated. */
  cancelGraceMs?: number;
}

interface Running {
  worker: Worker;
  cancelFlag: Int32Array;
  cancelRequested: boolean;
  killTimer?: NodeJS.Timeout;
}

/** Finished quick jobs kept for `get`, since they are not stored. */
const QUICK_JOBS_REMEMBERED = 20;

/** From source the TypeScript worker goes through tsx; the Electron build has a compiled `job-worker.js` beside it. */
export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts') ? './worker-bootstrap.mjs' : './job-worker.js';
  return new URL(script, here);
}

/** How a job ended, merged into its record. */
interface Outcome {
  state: JobState;
  progress?: number;
  result?: JobInfo['result'];
  error?: JobInfo['error'];
}

const FINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export class JobRunner {
  private readonly queue: { job: JobInfo; params: unknown }[] = [];
  private readonly running = new Map<string, Running>();
  private readonly live = new Map<string, JobInfo>();
  private readonly waiters = new Map<string, ((job: JobInfo) => void)[]>();
  private readonly concurrency: number;
  private closed = false;
  /** The quick jobs' lane (dto.ts QUICK_JOB_KINDS): its waiting jobs, the warm worker, and the job it runs. */
  private readonly quickQueue: { job: JobInfo; params: unknown }[] = [];
  private quickWorker: Worker | null = null;
  private quickRunning: (Running & { job: JobInfo }) | null = null;
  private readonly quickDone = new Map<string, JobInfo>();

  constructor(private readonly options: JobRunnerOptions) {
    this.concurrency = options.concurrency ?? Math.max(1, availableParallelism() - 1);
  }

  start(kind: JobKind, params: unknown = {}): JobInfo {
    const job = {
      id: randomUUID(),
      kind,
      state: 'queued',
      progress: 0,
      detail: null,
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      result: null,
      error: null,
    } as JobInfo;
    this.live.set(job.id, job);
    if (isQuickJob(kind)) {
      this.quickQueue.push({ job, params });
      this.emit(job);
      this.pumpQuick();
      return { ...job };
    }
    this.options.repo.insert(job, params);
    this.queue.push({ job, params });
    this.emit(job);
    this.pump();
    return { ...job };
  }

  cancel(id: string): JobInfo | undefined {
    const job = this.live.get(id);
    if (!job) return this.get(id);
    const queue = isQuickJob(job.kind) ? this.quickQueue : this.queue;
    const queued = queue.findIndex((entry) => entry.job.id === id);
    if (queued >= 0) {
      queue.splice(queued, 1);
      this.finish(job, { state: 'cancelled' });
      return { ...job };
    }
    const running = this.quickRunning?.job === job ? this.quickRunning : this.running.get(id);
    if (running && !running.cancelRequested) {
      running.cancelRequested = true;
      Atomics.store(running.cancelFlag, 0, 1);
      running.killTimer = setTimeout(() => void running.worker.terminate(), this.options.cancelGraceMs ?? 2000);
    }
    return { ...job };
  }

  get(id: string): JobInfo | undefined {
    const job = this.live.get(id) ?? this.quickDone.get(id);
    return job ? { ...job } : this.options.repo.get(id);
  }

  list(): JobInfo[] {
    return this.options.repo.list().map((stored) => {
      const job = this.live.get(stored.id);
      return job ? { ...job } : stored;
    });
  }

  /** Resolves when the job has ended, whatever the outcome. */
  settled(id: string): Promise<JobInfo> {
    const job = this.get(id);
    if (!job) return Promise.reject(new Error(`No job ${id}`));
    if (FINAL_STATES.includes(job.state)) return Promise.resolve(job);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Stops every worker; their jobs end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { job } of [...this.queue.splice(0), ...this.quickQueue.splice(0)]) {
      this.finish(job, { state: 'cancelled' });
    }
    const quick = this.quickWorker;
    this.quickWorker = null;
    if (quick) {
      if (this.quickRunning) this.quickRunning.cancelRequested = true;
      await quick.terminate();
    }
    await Promise.all(
      [...this.running.entries()].map(async ([id, running]) => {
        running.cancelRequested = true;
        await running.worker.terminate();
        const job = this.live.get(id);
        if (job) this.finish(job, { state: 'cancelled' });
      }),
    );
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next) this.launch(next.job, next.params);
    }
  }

  private pumpQuick(): void {
    if (this.closed || this.quickRunning) return;
    const next = this.quickQueue.shift();
    if (!next) return;
    const worker = this.quickWorker ?? this.startQuickWorker();
    const cancelBuffer = new SharedArrayBuffer(4);
    this.quickRunning = { job: next.job, worker, cancelFlag: new Int32Array(cancelBuffer), cancelRequested: false };
    Object.assign(next.job, { state: 'running', startedAt: Date.now() });
    this.emit(next.job);
    const input: WorkerInput = {
      jobId: next.job.id,
      kind: next.job.kind,
      params: next.params,
      dbPath: this.options.dbPath,
      nativeBinding: this.options.nativeBinding,
      cancelFlag: cancelBuffer,
    };
    worker.postMessage(input);
  }

  /** Started once and kept: starting a worker costs more than most quick jobs do. */
  private startQuickWorker(): Worker {
    const input: ServeInput = { serve: true, dbPath: this.options.dbPath, nativeBinding: this.options.nativeBinding };
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerUrl(), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb() },
    });
    // The warm worker must not keep a closing app alive.
    worker.unref();
    this.quickWorker = worker;
    worker.on('message', (message: WorkerMessage) => {
      if (this.quickRunning) this.onMessage(this.quickRunning.job, message);
    });
    const lost = (message: string) => {
      if (this.quickWorker === worker) this.quickWorker = null;
      const running = this.quickRunning;
      if (!running || running.worker !== worker) return;
      if (running.cancelRequested) this.finish(running.job, { state: 'cancelled' });
      else this.finish(running.job, { state: 'failed', error: { code: 'INTERNAL', message } });
    };
    worker.on('error', (error) => lost(`The job failed: ${error.message}`));
    worker.on('exit', (code) => lost(`The job stopped unexpectedly (worker exit code ${code}).`));
    return worker;
  }

  private memoryMb(): number {
    return this.options.maxOldGenerationSizeMb ?? Math.min(4096, Math.floor(totalmem() / 4 / 2 ** 20));
  }

  private launch(job: JobInfo, params: unknown): void {
    const cancelBuffer = new SharedArrayBuffer(4);
    const input: WorkerInput = {
      jobId: job.id,
      kind: job.kind,
      params,
      dbPath: this.options.dbPath,
      nativeBinding: this.options.nativeBinding,
      cancelFlag: cancelBuffer,
    };
    const memoryMb = this.memoryMb();
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerUrl(), {
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
    const running: Running = { worker, cancelFlag: new Int32Array(cancelBuffer), cancelRequested: false };
    this.running.set(job.id, running);
    Object.assign(job, { state: 'running', startedAt: Date.now() });
    this.options.repo.save(job);
    this.emit(job);

    worker.on('message', (message: WorkerMessage) => this.onMessage(job, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const message =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `The job ran out of memory (limit ${memoryMb} MB) and was stopped. Close other programs or work on less data, then try again.`
          : `The job failed: ${error.message}`;
      this.finish(job, { state: 'failed', error: { code: 'INTERNAL', message } });
    });
    worker.on('exit', (code) => {
      if (running.cancelRequested) this.finish(job, { state: 'cancelled' });
      else
        this.finish(job, {
          state: 'failed',
          error: { code: 'INTERNAL', message: `The job stopped unexpectedly (worker exit code ${code}).` },
        });
    });
  }

  private onMessage(job: JobInfo, message: WorkerMessage): void {
    switch (message.type) {
      case 'progress':
        if (job.state !== 'running') return;
        job.progress = message.progress;
        job.detail = message.detail;
        this.emit(job);
        return;
      case 'done':
        this.finish(job, { state: 'succeeded', progress: 1, result: message.result as JobInfo['result'] });
        return;
      case 'cancelled':
        this.finish(job, { state: 'cancelled' });
        return;
      case 'failed':
        this.finish(job, { state: 'failed', error: { code: message.code, message: message.message } });
    }
  }

  /** The first outcome wins: a worker's 'error' is followed by 'exit', which must not overwrite it. */
  private finish(job: JobInfo, outcome: Outcome): void {
    if (FINAL_STATES.includes(job.state)) return;
    Object.assign(job, outcome, { finishedAt: Date.now(), detail: null });
    if (isQuickJob(job.kind)) {
      this.finishQuick(job);
      return;
    }
    const running = this.running.get(job.id);
    if (running) {
      clearTimeout(running.killTimer);
      this.running.delete(job.id);
      if (outcome.state !== 'succeeded' || !running.cancelRequested) void running.worker.terminate();
    }
    this.options.repo.save(job);
    this.live.delete(job.id);
    this.emit(job);
    for (const resolve of this.waiters.get(job.id) ?? []) resolve({ ...job });
    this.waiters.delete(job.id);
    this.pump();
  }

  private finishQuick(job: JobInfo): void {
    if (this.quickRunning?.job === job) {
      const running = this.quickRunning;
      clearTimeout(running.killTimer);
      this.quickRunning = null;
    }
    this.live.delete(job.id);
    this.quickDone.set(job.id, job);
    for (const old of this.quickDone.keys()) {
      if (this.quickDone.size <= QUICK_JOBS_REMEMBERED) break;
      this.quickDone.delete(old);
    }
    this.emit(job);
    for (const resolve of this.waiters.get(job.id) ?? []) resolve({ ...job });
    this.waiters.delete(job.id);
    this.pumpQuick();
  }

  private emit(job: JobInfo): void {
    this.options.onUpdate({ ...job });
  }
}
