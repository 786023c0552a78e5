import { Worker } from 'node:worker_threads';
import { CoreError, isErrorCode } from '../shared/errors';
import type { ReaderInput, ReaderMessage } from './reader-worker';
import type { TypedBatch } from './typed-batch';

/** From source the reader goes through tsx; the Electron build has a compiled `import-reader.js` beside this code. */
function readerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './reader-bootstrap.mjs' : './import-reader.js', here);
}

/**
 * A text file is read a chunk at a time and its reader holds a few megabytes; capping its heap makes V8 collect
 * instead of growing (measured on a 4× Online Retail file: peak RSS 485 MB without the cap, 381 MB with it). A
 * workbook's shared strings are held whole, so its reader is not capped.
 */
const TEXT_READER_HEAP_MB = 128;

/** The reading thread of one import (reader-worker.ts), started early so that it boots while the import plans. */
export class TypedRowReader {
  private readonly worker: Worker;
  private readonly queue: ReaderMessage[] = [];
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(workbook: boolean) {
    this.worker = new Worker(
      readerUrl(),
      workbook ? {} : { resourceLimits: { maxOldGenerationSizeMb: TEXT_READER_HEAP_MB } },
    );
    this.worker.on('message', (message: ReaderMessage) => this.push(message));
    this.worker.on('error', (error) => {
      this.failure = error;
      this.push(null);
    });
    this.worker.on('exit', (code) => {
      this.failure ??= new Error(`The import's reading thread stopped (exit code ${code}).`);
      this.push(null);
    });
  }

  /** The file's typed rows in batches; returns the SHA-256 of its bytes. */
  async *read(input: ReaderInput): AsyncGenerator<TypedBatch, string> {
    this.worker.postMessage(input);
    for (;;) {
      const message = this.queue.shift() ?? (await this.next());
      if (message.type === 'batch') {
        this.worker.postMessage('taken');
        yield message.batch;
      } else if (message.type === 'end') {
        return message.sha256;
      } else {
        throw isErrorCode(message.code) ? new CoreError(message.code, message.message) : new Error(message.message);
      }
    }
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private push(message: ReaderMessage | null): void {
    if (message) this.queue.push(message);
    this.waiting?.();
    this.waiting = null;
  }

  private async next(): Promise<ReaderMessage> {
    for (;;) {
      const message = this.queue.shift();
      if (message) return message;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
