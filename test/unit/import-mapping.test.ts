import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  autoMap,
  detectPreset,
  guessKind,
  missingGroups,
  shapeOf,
} from '../../src-main/import/mapping';
import { normaliseEmail, normaliseId, normalisePhone, normaliseStatus, parseFlag } from '../../src-main/import/rows';
import { normaliseHeader } from '../../src-main/shared/import-fields';

const SHOPIFY_ORDERS = [
  'Name',
  'Email',
  'Financial Status',
  'Paid at',
  'Fulfillment Status',
  'Accepts Marketing',
  'Currency',
  'Subtotal',
  'Shipping',
  'Taxes',
  'Total',
  'Discount Code',
  'Created at',
  'Lineitem quantity',
  'Lineitem name',
  'Lineitem price',
  'Lineitem sku',
  'Billing Name',
  'Billing City',
  'Billing Zip',
  'Billing Province',
  'Billing Country',
  'Cancelled at',
  'Refunded Amount',
  'Phone',
];
const TAOBAO = [
  '订单编号',
  '买家会员名',
  '买家实际支付金额',
  '订单状态',
  '订单创建时间',
  '宝贝标题',
  '宝贝总数量',
  '收货人姓名',
  '联系手机',
  '退款金额',
];

describe('import mapping', () => {
  it('normalises headers: case, spaces, underscores and punctuation do not matter', () => {
    expect(normaliseHeader(' Lineitem_Quantity ')).toBe('lineitemquantity');
    expect(normaliseHeader('Order #')).toBe('order');
    expect(normaliseHeader('国家/地区')).toBe('国家地区');
  });

  it('recognises Shopify orders, where "Name" is the order number, not a person', () => {
    const preset = detectPreset(SHOPIFY_ORDERS);
    expect(preset?.id).toBe('shopify-orders');
    const mapping = autoMap(SHOPIFY_ORDERS, 'order_lines', preset);
    expect(mapping).toMatchObject({
      order_id: 'Name',
      ordered_at: 'Created at',
      quantity: 'Lineitem quantity',
      unit_price: 'Lineitem price',
      sku: 'Lineitem sku',
      full_name: 'Billing Name',
      email_consent: 'Accepts Marketing',
    });
    expect(missingGroups('order_lines', mapping)).toEqual([]);
  });

  it('recognises a Taobao export by its Chinese headers', () => {
    const preset = detectPreset(TAOBAO);
    expect(preset?.id).toBe('taobao');
    expect(autoMap(TAOBAO, 'orders', preset)).toMatchObject({
      order_id: '订单编号',
      customer_id: '买家会员名',
      order_total: '买家实际支付金额',
      ordered_at: '订单创建时间',
    });
  });

  it('maps unknown layouts by alias and guesses the kind of file', () => {
    const lines = ['CustomerID', 'Email', 'Order Date', 'SKU', 'Qty', 'Unit Price'];
    expect(detectPreset(lines)).toBeNull();
    expect(guessKind(lines)).toBe('order_lines');
    expect(autoMap(lines, 'order_lines', null)).toMatchObject({
      customer_id: 'CustomerID',
      email: 'Email',
      ordered_at: 'Order Date',
      sku: 'SKU',
      quantity: 'Qty',
      unit_price: 'Unit Price',
    });
    expect(guessKind(['Email', 'First Name', 'Last Name', 'Accepts Email Marketing'])).toBe('customers');
    expect(guessKind(['SKU', 'Title', 'Category', 'Price'])).toBe('products');
    expect(guessKind(['订单号', '下单时间', '订单实付金额', '买家手机号'])).toBe('orders');
  });

  it("lets the user override and unmap any guess, but only with the file's own headers", () => {
    const headers = ['Order Date', 'Item', 'Qty', 'Notes'];
    const mapping = autoMap(headers, 'order_lines', null);
    expect(mapping.product_name).toBe('Item');
    const changed = applyOverrides(mapping, { product_name: 'Notes', quantity: null, sku: 'No such column' }, headers);
    expect(changed.product_name).toBe('Notes');
    expect(changed.quantity).toBeUndefined();
    expect(changed.sku).toBeUndefined();
  });

  it('gives files with the same columns in another order or case the same shape', () => {
    expect(shapeOf(['A', 'b c'])).toBe(shapeOf(['B_C', 'a']));
    expect(shapeOf(['A', 'b'])).not.toBe(shapeOf(['A', 'c']));
  });
});

describe('row values', () => {
  it.each([
    ['17850.0', '17850'],
    ['A17850.0', 'A17850.0'],
    ['00123', '00123'],
  ])('normalises the id %s to %s', (raw, id) => expect(normaliseId(raw)).toBe(id));

  it('normalises emails and phones, and drops what is neither', () => {
    expect(normaliseEmail(' Ann@Example.COM ')).toBe('ann@example.com');
    expect(normaliseEmail('not an email')).toBeUndefined();
    expect(normalisePhone('+44 7700 900-123')).toBe('+447700900123');
    expect(normalisePhone('186 8888 0641')).toBe('18688880641');
    expect(normalisePhone('12')).toBeUndefined();
  });

  it.each([
    ['Cancelled', 'cancelled'],
    ['交易关闭', 'cancelled'],
    ['refunded', 'refunded'],
    ['等待买家付款', 'pending'],
    ['paid', 'completed'],
    ['交易成功', 'completed'],
  ])('reads the status %s as %s', (raw, status) => expect(normaliseStatus(raw)).toBe(status));

  it.each([
    ['yes', 1],
    ['Subscribed', 1],
    ['是', 1],
    ['no', 0],
    ['Never subscribed', 0],
    ['maybe', null],
  ])('reads the consent flag %s as %s', (raw, flag) => expect(parseFlag(raw)).toBe(flag));
});
