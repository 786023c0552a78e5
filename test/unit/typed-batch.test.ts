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
import { BatchPacker, forEachRow } from '../../src-main/import/typed-batch';
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
    const packer = new BatchPacker(keys);
    rows.forEach((row, i) => packer.add(row, [2, 3, 5][i] ?? 0));
    const { batch, transfer } = packer.take({ cells: [], rejects: [], progress: 1 });
    expect(transfer).toHaveLength(2);
    expect(packer.count).toBe(0);
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

  it('reuses one row object without carrying a field from one row to the next', () => {
    const headers = ['Invoice', 'Date', 'Status', 'Qty', 'Name'];
    const read = createRowReader(
      headers,
      { order_id: 'Invoice', ordered_at: 'Date', order_status: 'Status', quantity: 'Qty', full_name: 'Name' },
      FORMATS,
      { padShortRows: false, cancelledPrefix: 'C' },
    );
    const records = [
      ['C1', '2024-01-02', '', '-1', 'Ann Lee'],
      ['2', '2024-01-02', 'paid', '3', ''],
      ['3', '2024-01-03', 'refunded', '', 'Bo'],
    ];
    const fresh = records.map((record) => ({ ...read(record) }));
    const reused: TypedRow = {};
    const again = records.map((record) => {
      const row = read(record, reused);
      return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
    });
    expect(again).toEqual(fresh);
    expect(fresh[1]).toEqual({
      orderId: '2',
      orderedAt: Date.UTC(2024, 0, 2),
      utcOffsetMin: null,
      status: 'completed',
      quantity: 3,
    });
  });

  it('packs batch after batch, however many rows each holds', () => {
    const packer = new BatchPacker(typedKeysOf({ order_id: 'a', quantity: 'b', unit_price: 'c' }));
    for (const size of [6000, 3]) {
      for (let i = 0; i < size; i++) packer.add({ orderId: `O${i}`, quantity: i, unitPrice: i / 2 }, i + 2);
      const { batch } = packer.take({ cells: [], rejects: [], progress: 1 });
      const seen: TypedRow[] = [];
      forEachRow(batch, (row) => seen.push({ ...row }));
      expect(seen).toHaveLength(size);
      expect(seen[size - 1]).toEqual({ orderId: `O${size - 1}`, quantity: size - 1, unitPrice: (size - 1) / 2 });
    }
  });
});
