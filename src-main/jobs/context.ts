import type { Db } from '../store/connection';

export class JobCancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'JobCancelled';
  }
}

/** What a job handler gets: its own connection, progress reporting and a cancellation check. */
export interface JobContext<Params = unknown> {
  db: Db;
  params: Params;
  /** Reports progress 0..1; throttled, so it is cheap to call often. */
  progress(fraction: number, detail?: string | null): void;
  /** Throws JobCancelled once the user has cancelled. Call it between chunks of work. */
  throwIfCancelled(): void;
}

export type JobHandler<Params, Result> = (context: JobContext<Params>) => Result | Promise<Result>;

/** Limits messages to `perSecond`, always letting the final 100% through. */
export function throttleProgress(
  send: (fraction: number, detail: string | null) => void,
  perSecond: number,
  now: () => number = () => performance.now(),
): (fraction: number, detail?: string | null) => void {
  const interval = 1000 / perSecond;
  let last = -Infinity;
  return (fraction, detail = null) => {
    const t = now();
    if (fraction < 1 && t - last < interval) return;
    last = t;
    send(Math.max(0, Math.min(1, fraction)), detail);
  };
}
