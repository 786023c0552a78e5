/**
 * The reading half of an import, on a thread of its own: it reads, decodes and parses the file and types its rows,
 * while the import's own thread writes the rows before them to SQLite. Batches go over as columns (typed-batch.ts),
 * a few at a time, so that a slow writer holds the reader back rather than the file piling up in memory.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { CoreError } from '../shared/errors';
import type { ImportKind } from '../shared/import-fields';
import type { Mapping } from './mapping';
import { createRowReader, isRejection, typedKeysOf, type Formats, type TypedRow } from './rows';
import { readRecords, type SourceLayout } from './source';
import { BatchPacker, type TypedBatch } from './typed-batch';

export interface ReaderInput {
  path: string;
  layout: SourceLayout;
  headers: string[];
  mapping: Mapping;
  formats: Formats;
  kind: ImportKind;
  cancelledPrefix: string | undefined;
}

export type ReaderMessage =
  | { type: 'batch'; batch: TypedBatch }
  | { type: 'end'; sha256: string }
  | { type: 'error'; code: string | null; message: string };

/** Batches sent and not yet taken by the writer; the reader waits beyond this. */
export const BATCHES_IN_FLIGHT = 4;

/**
 * Rows the writer may still turn down (a new order without a date, a line without a product, no customer key), or
 * keeps whole (customer tables), travel with their cells, so that a rejected row can be stored as it was in the file.
 */
function needsCells(kind: ImportKind, row: TypedRow): boolean {
  switch (kind) {
    case 'order_lines':
      return row.orderedAt === undefined || (row.sku === undefined && row.productName === undefined);
    case 'orders':
      return row.orderedAt === undefined || row.orderTotal === undefined;
    case 'customers':
      return row.customerId === undefined && row.email === undefined && row.phone === undefined;
    case 'products':
      return row.sku === undefined && row.productName === undefined;
    case 'customer_table':
      return true;
  }
}

async function read(input: ReaderInput, port: NonNullable<typeof parentPort>): Promise<void> {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight--;
    wake?.();
    wake = null;
  });
  const readRow = createRowReader(input.headers, input.mapping, input.formats, {
    padShortRows: input.layout.format === 'xlsx',
    cancelledPrefix: input.cancelledPrefix,
  });
  const packer = new BatchPacker(typedKeysOf(input.mapping));
  const row: TypedRow = {};
  const hash = createHash('sha256');
  for await (const records of readRecords(input.path, input.layout, (bytes) => hash.update(bytes))) {
    const cells: TypedBatch['cells'] = [];
    const rejects: TypedBatch['rejects'] = [];
    for (let i = 0; i < records.records.length; i++) {
      const rowNo = records.firstRecord + i;
      if (rowNo <= input.layout.headerRow + 1) continue;
      const record = records.records[i] ?? [];
      const typed = readRow(record, row);
      if (isRejection(typed)) {
        rejects.push({ rowNo, reason: typed, cells: record });
        continue;
      }
      if (needsCells(input.kind, typed)) cells.push([packer.count, record]);
      packer.add(typed, rowNo);
    }
    const { batch, transfer } = packer.take({ cells, rejects, progress: records.progress });
    port.postMessage({ type: 'batch', batch } satisfies ReaderMessage, transfer);
    inFlight++;
    while (inFlight >= BATCHES_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
  }
  port.postMessage({ type: 'end', sha256: hash.digest('hex') } satisfies ReaderMessage);
}

const port = parentPort;
if (port) {
  port.once('message', (input: ReaderInput) => {
    read(input, port).catch((error: unknown) => {
      const message: ReaderMessage = {
        type: 'error',
        code: error instanceof CoreError ? error.code : null,
        message: error instanceof Error ? error.message : String(error),
      };
      port.postMessage(message);
    });
  });
}
