import { detectDateFormat, parseDate, type DateOrder } from '../io/dates';
import { cleanCell, detectNumberFormat, parseNumber, type NumberFormat } from '../io/values';
import { FIELDS, type FieldKey } from '../shared/import-fields';
import type { DetectedSettings, RejectReason } from '../shared/import';
import type { Mapping } from './mapping';

export type OrderStatus = 'completed' | 'pending' | 'cancelled' | 'refunded';

/** One row of the file with its mapped fields typed; absent fields are undefined. */
export interface TypedRow {
  orderId?: string;
  orderedAt?: number;
  utcOffsetMin?: number | null;
  status?: OrderStatus;
  currency?: string;
  orderTotal?: number;
  refunded?: number;
  sku?: string;
  productName?: string;
  description?: string;
  category?: string;
  quantity?: number;
  unitPrice?: number;
  lineTotal?: number;
  price?: number;
  customerId?: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  region?: string;
  city?: string;
  zip?: string;
  emailConsent?: 0 | 1;
  smsConsent?: 0 | 1;
  signedUpAt?: number;
  label?: string;
}

export interface Formats {
  number: NumberFormat;
  dateOrder: DateOrder;
}

export type Detection = Pick<DetectedSettings, 'numbers' | 'dates'>;

/** Decides number and date formats from every sampled value of the mapped columns of each type. */
export function detectFormats(
  headers: readonly string[],
  records: readonly string[][],
  mapping: Mapping,
  hint?: 'mdy' | 'dmy',
): Detection {
  const columnValues = (type: 'number' | 'date') =>
    (Object.entries(mapping) as [FieldKey, string][])
      .filter(([field]) => FIELDS[field].type === type)
      .flatMap(([, header]) => {
        const index = headers.indexOf(header);
        return records.map((record) => cleanCell(record[index] ?? '')).filter((value) => value !== '');
      });
  const numbers = detectNumberFormat(columnValues('number'));
  const dates = detectDateFormat(columnValues('date'), hint);
  return {
    numbers: {
      decimal: numbers.decimal,
      thousands: numbers.thousands,
      ambiguous: numbers.ambiguous,
      evidence: numbers.evidence,
    },
    dates: dates
      ? { order: dates.order, ambiguous: dates.ambiguous, label: dates.label, example: dates.example }
      : null,
  };
}

const STATUS_WORDS: [OrderStatus, readonly string[]][] = [
  [
    'cancelled',
    [
      'cancelled',
      'canceled',
      'cancel',
      'voided',
      'void',
      'closed',
      'failed',
      'trade_closed',
      '已取消',
      '取消',
      '交易关闭',
      '订单关闭',
      '已关闭',
    ],
  ],
  ['refunded', ['refunded', 'partially_refunded', 'returned', '已退款', '退款成功', '退款', '已退货']],
  [
    'pending',
    [
      'pending',
      'unpaid',
      'on-hold',
      'on hold',
      'authorized',
      'processing',
      '等待买家付款',
      '待付款',
      '未付款',
      '待支付',
    ],
  ],
];

export function normaliseStatus(text: string): OrderStatus {
  const lower = text.toLowerCase();
  for (const [status, words] of STATUS_WORDS) if (words.includes(lower)) return status;
  return 'completed';
}

const YES = new Set([
  '1',
  'y',
  'yes',
  'true',
  'subscribed',
  'subscribe',
  'opted in',
  'opt-in',
  'accepted',
  '是',
  '同意',
  '已订阅',
]);
const NO = new Set([
  '0',
  'n',
  'no',
  'false',
  'unsubscribed',
  'not subscribed',
  'never subscribed',
  'opted out',
  'declined',
  '否',
  '不同意',
  '已退订',
]);

export function parseFlag(text: string): 0 | 1 | null {
  const lower = text.toLowerCase();
  if (YES.has(lower)) return 1;
  if (NO.has(lower)) return 0;
  return null;
}

/** Ids written by spreadsheets as floats (`17850.0`) are the same customer as `17850`. */
export function normaliseId(text: string): string {
  return text.endsWith('.0') && /^\d+\.0$/.test(text) ? text.slice(0, -2) : text;
}

export function normaliseEmail(text: string): string | undefined {
  const email = text.trim().toLowerCase();
  return email.includes('@') && !email.includes(' ') ? email : undefined;
}

/** Digits with a leading + kept; anything shorter than 6 digits is not a phone number. */
export function normalisePhone(text: string): string | undefined {
  const digits = text.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return digits.replace('+', '').length >= 6 ? digits : undefined;
}

type Setter = (row: TypedRow, value: string) => RejectReason | null;

/** The typed fields each mapped field may fill, so that a batch of rows is laid out before it is read. */
export const TYPED_KEYS: Record<FieldKey, readonly (keyof TypedRow)[]> = {
  order_id: ['orderId', 'status'],
  ordered_at: ['orderedAt', 'utcOffsetMin'],
  order_status: ['status'],
  cancelled_at: ['status'],
  currency: ['currency'],
  order_total: ['orderTotal'],
  refunded: ['refunded'],
  sku: ['sku'],
  product_name: ['productName'],
  description: ['description'],
  category: ['category'],
  quantity: ['quantity'],
  unit_price: ['unitPrice'],
  line_total: ['lineTotal'],
  price: ['price'],
  customer_id: ['customerId'],
  email: ['email'],
  phone: ['phone'],
  first_name: ['firstName'],
  last_name: ['lastName'],
  full_name: ['firstName', 'lastName'],
  country: ['country'],
  region: ['region'],
  city: ['city'],
  zip: ['zip'],
  email_consent: ['emailConsent'],
  sms_consent: ['smsConsent'],
  unsubscribed: ['emailConsent'],
  signed_up_at: ['signedUpAt'],
  label: ['label'],
};

export function typedKeysOf(mapping: Mapping): Set<keyof TypedRow> {
  return new Set((Object.keys(mapping) as FieldKey[]).flatMap((field) => TYPED_KEYS[field]));
}

const MISSING_VALUES = new Set(['NA', 'N/A', 'NULL', 'null', '-', '—', 'nan', 'NaN']);
/** Longer values are not looked up: hashing every cell of a million rows costs more than reading it. */
const MISSING_MAX_LENGTH = Math.max(...[...MISSING_VALUES].map((value) => value.length));

/** `Quantity "x"`, or `Quantity` alone when the rejection stands for every value of the kind. */
function quoted({ column = '', value }: RejectReason['params']): string {
  return value === undefined ? column : `${column} "${value}"`;
}

/** Tells a rejection from a typed row (which never has a `code`). */
export function isRejection(value: TypedRow | RejectReason): value is RejectReason {
  return (value as RejectReason).code !== undefined;
}

/** A rejection in English, for the stored import and the rejected rows' CSV ("InvoiceDate "2011-13-45" is not a date"). */
export function describeRejection({ code, params }: RejectReason): string {
  switch (code) {
    case 'not_a_number':
      return `${quoted(params)} is not a number`;
    case 'not_a_date':
      return `${quoted(params)} is not a date`;
    case 'too_many_fields':
      return `has ${params.fields ?? 0} fields but the header has ${params.expected ?? 0}: a delimiter inside an unquoted value?`;
    case 'too_few_fields':
      return `has ${params.fields ?? 0} fields but the header has ${params.expected ?? 0}`;
    case 'no_order_date':
      return 'has no order date';
    case 'no_product':
      return 'has no SKU or product name';
    case 'no_order_total':
      return 'has no order total';
    case 'no_customer':
      return 'has no customer id, email or phone';
  }
}

/** Compiles the mapping into one function per row: it returns the typed row, or why it cannot be used. */
export function createRowReader(
  headers: readonly string[],
  mapping: Mapping,
  formats: Formats,
  options: { padShortRows: boolean; cancelledPrefix?: string | undefined },
): (cells: readonly string[], into?: TypedRow) => TypedRow | RejectReason {
  const number =
    (header: string, assign: (row: TypedRow, value: number) => void): Setter =>
    (row, value) => {
      const parsed = parseNumber(value, formats.number);
      if (parsed === null) return { code: 'not_a_number', params: { column: header, value } };
      assign(row, parsed);
      return null;
    };
  const date = (header: string, assign: (row: TypedRow, epochMs: number, offset: number | null) => void): Setter => {
    // The lines of one order follow one another with the same timestamp: the last one read is kept.
    let lastValue = '';
    let last: ReturnType<typeof parseDate> = null;
    return (row, value) => {
      if (value !== lastValue) {
        last = parseDate(value, formats.dateOrder);
        lastValue = value;
      }
      if (last === null) return { code: 'not_a_date', params: { column: header, value } };
      assign(row, last.epochMs, last.utcOffsetMin);
      return null;
    };
  };
  const text =
    (assign: (row: TypedRow, value: string) => void): Setter =>
    (row, value) => {
      assign(row, value);
      return null;
    };
  const flag =
    (assign: (row: TypedRow, value: 0 | 1) => void): Setter =>
    (row, value) => {
      const parsed = parseFlag(value);
      if (parsed !== null) assign(row, parsed);
      return null;
    };

  const setterFor = (field: FieldKey, header: string): Setter => {
    switch (field) {
      case 'order_id':
        return text((r, v) => {
          r.orderId = normaliseId(v);
          if (options.cancelledPrefix && v.startsWith(options.cancelledPrefix)) r.status = 'cancelled';
        });
      case 'ordered_at':
        return date(header, (r, ms, offset) => {
          r.orderedAt = ms;
          r.utcOffsetMin = offset;
        });
      case 'order_status':
        return text((r, v) => {
          r.status = r.status === 'cancelled' ? 'cancelled' : normaliseStatus(v);
        });
      case 'cancelled_at':
        return text((r) => {
          r.status = 'cancelled';
        });
      case 'currency':
        return text((r, v) => (r.currency = v.toUpperCase()));
      case 'order_total':
        return number(header, (r, v) => (r.orderTotal = v));
      case 'refunded':
        return number(header, (r, v) => (r.refunded = v));
      case 'sku':
        return text((r, v) => (r.sku = normaliseId(v)));
      case 'product_name':
        return text((r, v) => (r.productName = v));
      case 'description':
        return text((r, v) => (r.description = v));
      case 'category':
        return text((r, v) => (r.category = v));
      case 'quantity':
        return number(header, (r, v) => (r.quantity = v));
      case 'unit_price':
        return number(header, (r, v) => (r.unitPrice = v));
      case 'line_total':
        return number(header, (r, v) => (r.lineTotal = v));
      case 'price':
        return number(header, (r, v) => (r.price = v));
      case 'customer_id':
        return text((r, v) => (r.customerId = normaliseId(v)));
      case 'email':
        return text((r, v) => {
          const email = normaliseEmail(v);
          if (email) r.email = email;
        });
      case 'phone':
        return text((r, v) => {
          const phone = normalisePhone(v);
          if (phone) r.phone = phone;
        });
      case 'first_name':
        return text((r, v) => (r.firstName = v));
      case 'last_name':
        return text((r, v) => (r.lastName = v));
      case 'full_name':
        return text((r, v) => {
          // "Jane Doe" → first and last; a single word or CJK name stays whole as the first name.
          const space = v.lastIndexOf(' ');
          r.firstName ??= space > 0 ? v.slice(0, space) : v;
          if (space > 0) r.lastName ??= v.slice(space + 1);
        });
      case 'country':
        return text((r, v) => (r.country = v));
      case 'region':
        return text((r, v) => (r.region = v));
      case 'city':
        return text((r, v) => (r.city = v));
      case 'zip':
        return text((r, v) => (r.zip = v));
      case 'email_consent':
        return flag((r, v) => (r.emailConsent = v));
      case 'sms_consent':
        return flag((r, v) => (r.smsConsent = v));
      case 'unsubscribed':
        return flag((r, v) => {
          if (v === 1) r.emailConsent = 0;
        });
      case 'signed_up_at':
        return date(header, (r, ms) => (r.signedUpAt = ms));
      case 'label':
        return text((r, v) => (r.label = v));
    }
  };

  // Order-level fields before the fields that depend on them (status after the invoice prefix).
  const plan = (Object.entries(mapping) as [FieldKey, string][])
    .map(([field, header]) => ({ index: headers.indexOf(header), set: setterFor(field, header) }))
    .filter((column) => column.index >= 0);
  const width = headers.length;

  // A row object reused from row to row keeps one shape and makes no garbage; every field it may hold is reset.
  const fields = [...typedKeysOf(mapping)];
  return (cells, into) => {
    if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) {
      return { code: 'too_many_fields', params: { fields: cells.length, expected: width } };
    }
    if (cells.length < width && !options.padShortRows) {
      return { code: 'too_few_fields', params: { fields: cells.length, expected: width } };
    }
    const row: TypedRow = into ?? {};
    if (into) for (const field of fields) (into as Record<string, unknown>)[field] = undefined;
    for (const column of plan) {
      const value = cleanCell(cells[column.index] ?? '');
      if (value === '' || (value.length <= MISSING_MAX_LENGTH && MISSING_VALUES.has(value))) continue;
      const problem = column.set(row, value);
      if (problem !== null) return problem;
    }
    return row;
  };
}
