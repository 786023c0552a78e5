import type { RejectReason } from '../shared/import';
import type { OrderStatus, TypedRow } from './rows';

/**
 * Typed rows on their way from the reading thread to the writing one, by column: every text field of the batch in
 * one string and every number in one Float64Array. A structured clone of a million small row objects costs more
 * than typing them did; one string and one buffer cost a copy.
 */
export interface TypedBatch {
  /** 1-based record number of each row, header included. */
  rowNos: Int32Array;
  textFields: TextField[];
  /** Values of `textFields`, row by row, joined by SEPARATOR; an empty value means absent. */
  text: string;
  numberFields: NumberField[];
  /** Values of `numberFields`, row by row; NaN means absent. */
  numbers: Float64Array;
  /** The file's cells of the rows the writer may still reject or keeps whole, by index in the batch. */
  cells: [number, string[]][];
  /** Rows that could not be typed, with the reason. */
  rejects: { rowNo: number; reason: RejectReason; cells: string[] }[];
  /** Share of the file read so far, 0..1. */
  progress: number;
}

export const TEXT_FIELDS = [
  'orderId',
  'currency',
  'sku',
  'productName',
  'description',
  'category',
  'customerId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'country',
  'region',
  'city',
  'zip',
  'label',
] as const satisfies readonly (keyof TypedRow)[];

export const NUMBER_FIELDS = [
  'orderedAt',
  'utcOffsetMin',
  'status',
  'orderTotal',
  'refunded',
  'quantity',
  'unitPrice',
  'lineTotal',
  'price',
  'emailConsent',
  'smsConsent',
  'signedUpAt',
] as const satisfies readonly (keyof TypedRow)[];

type TextField = (typeof TEXT_FIELDS)[number];
type NumberField = (typeof NUMBER_FIELDS)[number];

/** Text cut from a file holds no NUL that means anything, so it can separate values. */
const SEPARATOR = '\u0000';
const STATUSES: readonly OrderStatus[] = ['completed', 'pending', 'cancelled', 'refunded'];

function numberOf(row: TypedRow, field: NumberField): number {
  const value = row[field];
  if (value === undefined || value === null) return NaN;
  return field === 'status' ? STATUSES.indexOf(value as OrderStatus) : (value as number);
}

/**
 * Packs typed rows into batches as they are read, so that no row object outlives its row; `keys` are the fields
 * the rows may hold (rows.ts typedKeysOf).
 */
export class BatchPacker {
  private readonly textFields: TextField[];
  private readonly numberFields: NumberField[];
  private texts: string[] = [];
  private numbers = new Float64Array(16_384);
  private numberCount = 0;
  private rowNos: number[] = [];

  constructor(keys: ReadonlySet<keyof TypedRow>) {
    this.textFields = TEXT_FIELDS.filter((field) => keys.has(field));
    this.numberFields = NUMBER_FIELDS.filter((field) => keys.has(field));
  }

  /** Rows added since the last batch was taken. */
  get count(): number {
    return this.rowNos.length;
  }

  add(row: TypedRow, rowNo: number): void {
    for (const field of this.textFields) {
      const value = row[field] ?? '';
      this.texts.push(value.includes(SEPARATOR) ? value.replaceAll(SEPARATOR, '') : value);
    }
    if (this.numberCount + this.numberFields.length > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    for (const field of this.numberFields) this.numbers[this.numberCount++] = numberOf(row, field);
    this.rowNos.push(rowNo);
  }

  /** The rows added so far as one batch, and the buffers to transfer with it; the packer starts again empty. */
  take(extras: Pick<TypedBatch, 'cells' | 'rejects' | 'progress'>): { batch: TypedBatch; transfer: ArrayBuffer[] } {
    const batch: TypedBatch = {
      rowNos: Int32Array.from(this.rowNos),
      textFields: this.textFields,
      text: this.texts.join(SEPARATOR),
      numberFields: this.numberFields,
      numbers: this.numbers.slice(0, this.numberCount),
      ...extras,
    };
    this.texts = [];
    this.rowNos = [];
    this.numberCount = 0;
    return { batch, transfer: [batch.rowNos.buffer as ArrayBuffer, batch.numbers.buffer as ArrayBuffer] };
  }
}

/**
 * Calls `visit` with each row of the batch. The row object is reused from one row to the next: the writer copies
 * what it keeps.
 */
export function forEachRow(batch: TypedBatch, visit: (row: TypedRow, rowNo: number, index: number) => void): void {
  const texts = batch.textFields.length > 0 ? batch.text.split(SEPARATOR) : [];
  const row: TypedRow = {};
  const { textFields, numberFields, numbers } = batch;
  let text = 0;
  let number = 0;
  for (let index = 0; index < batch.rowNos.length; index++) {
    const record = row as Record<string, unknown>;
    for (const field of textFields) {
      const value = texts[text++];
      record[field] = value === '' ? undefined : value;
    }
    for (const field of numberFields) {
      const value = numbers[number++] ?? NaN;
      record[field] = Number.isNaN(value) ? undefined : field === 'status' ? STATUSES[value] : value;
    }
    visit(row, batch.rowNos[index] ?? 0, index);
  }
}
