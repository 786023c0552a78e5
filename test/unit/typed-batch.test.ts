import { describe, expect, it } from 'vitest';
import {
  createRowReader,
  isRejection,
  TYPED_KEYS,
  typedKeysOf,
  type Formats,
  type TypedRow,
} from '../../src-main/import/rows';
import type { RejectReason } from '../../src-main/shared/import';
import { forEachRow, packBatch } from '../../src-main/import/typed-batch';
import { FIELD_KEYS, FIELDS, type FieldKey } from '../../src-main/shared/import-fields';

const FORMATS: Formats = { number: { decimal: '.', thousands: '' }, dateOrder: 'ymd' };

/** Values that make each kind of field fill everything it can. */
const SAMPLES: Record<string, readonly string[]> = {
  text: ['C-17', 'Jane Doe', 'cancelled', 'Ann@Example.com', '+44 7700 900123', 'yes'],
  number: ['12.5', '-3'],
  date: ['2024-03-01T10:00:00+08:00', '2024-03-01'],
  flag: ['yes', 'no', 'unsubscribed'],
};

function typedAlone(field: FieldKey, value: string): TypedRow | RejectReason {
  const read = createRowReader(['column'], { [field]: 'column' }, FORMATS, {
    padShortRows: false,
    cancelledPrefix: 'C',
  });
  return read([value]);
}

describe('typed rows in columns', () => {
  it('knows every typed field a mapped field can fill', () => {
    for (const field of FIELD_KEYS) {
      const samples = SAMPLES[FIELDS[field].type] ?? SAMPLES.text ?? [];
      for (const value of [...samples, ...(SAMPLES.text ?? [])]) {
        const row = typedAlone(field, value);
        if (isRejection(row)) continue;
        for (const key of Object.keys(row)) expect(TYPED_KEYS[field], `${field} = ${value}`).toContain(key);
      }
    }
  });

  it('gives back the rows it packed, absent fields absent', () => {
    const rows: TypedRow[] = [
      { orderId: 'A1', status: 'cancelled', quantity: 2, unitPrice: 1.5, orderedAt: 0, utcOffsetMin: 480 },
      { orderId: 'A1', sku: 'X\u0000Y', quantity: -1, emailConsent: 0 },
      { email: 'a@b.c', refunded: 0, status: 'refunded' },
    ];
    const keys = typedKeysOf({
      order_id: 'a',
      order_status: 'b',
      quantity: 'c',
      unit_price: 'd',
      ordered_at: 'e',
      sku: 'f',
      email_consent: 'g',
      email: 'h',
      refunded: 'i',
    });
    const { batch, transfer } = packBatch(rows, [2, 3, 5], keys, { cells: [], rejects: [], progress: 1 });
    expect(transfer).toHaveLength(2);
    const back: { row: TypedRow; rowNo: number }[] = [];
    forEachRow(batch, (row, rowNo) => {
      const present = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
      back.push({ row: present, rowNo });
    });
    expect(back).toEqual([
      {
        row: { orderId: 'A1', status: 'cancelled', quantity: 2, unitPrice: 1.5, orderedAt: 0, utcOffsetMin: 480 },
        rowNo: 2,
      },
      // A NUL in the file means nothing and would split the column: it is dropped.
      { row: { orderId: 'A1', sku: 'XY', quantity: -1, emailConsent: 0 }, rowNo: 3 },
      { row: { email: 'a@b.c', refunded: 0, status: 'refunded' }, rowNo: 5 },
    ]);
  });
});
