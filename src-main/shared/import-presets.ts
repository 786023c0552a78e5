import type { FieldKey, ImportKind } from './import-fields';

/**
 * Known export layouts. A preset is recognised by its signature headers (all present, compared after
 * normaliseHeader) and pins the mapping where generic aliases would guess wrong, e.g. Shopify's `Name` column
 * holds the order number, not a person.
 */
export interface ImportPreset {
  id: string;
  kind: ImportKind;
  label: string;
  signature: readonly string[];
  mapping: Partial<Record<FieldKey, string>>;
  /** Day/month order when the column alone cannot tell. */
  dateOrder?: 'mdy' | 'dmy';
  currency?: string;
  /** Invoices whose id starts with this are cancellations (UCI Online Retail). */
  cancelledPrefix?: string;
}

export const PRESETS: readonly ImportPreset[] = [
  {
    id: 'uci-online-retail',
    kind: 'order_lines',
    label: 'UCI Online Retail',
    signature: [
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ],
    mapping: {
      order_id: 'InvoiceNo',
      sku: 'StockCode',
      product_name: 'Description',
      quantity: 'Quantity',
      ordered_at: 'InvoiceDate',
      unit_price: 'UnitPrice',
      customer_id: 'CustomerID',
      country: 'Country',
    },
    dateOrder: 'mdy',
    currency: 'GBP',
    cancelledPrefix: 'C',
  },
  {
    id: 'shopify-orders',
    kind: 'order_lines',
    label: 'Shopify orders',
    signature: ['Name', 'Email', 'Financial Status', 'Lineitem quantity', 'Lineitem name'],
    mapping: {
      order_id: 'Name',
      email: 'Email',
      order_status: 'Financial Status',
      ordered_at: 'Created at',
      cancelled_at: 'Cancelled at',
      currency: 'Currency',
      refunded: 'Refunded Amount',
      quantity: 'Lineitem quantity',
      product_name: 'Lineitem name',
      unit_price: 'Lineitem price',
      sku: 'Lineitem sku',
      full_name: 'Billing Name',
      phone: 'Phone',
      city: 'Billing City',
      zip: 'Billing Zip',
      region: 'Billing Province',
      country: 'Billing Country',
      email_consent: 'Accepts Marketing',
    },
  },
  {
    id: 'shopify-customers',
    kind: 'customers',
    label: 'Shopify customers',
    signature: ['Customer ID', 'First Name', 'Last Name', 'Email', 'Accepts Email Marketing'],
    mapping: {
      customer_id: 'Customer ID',
      first_name: 'First Name',
      last_name: 'Last Name',
      email: 'Email',
      email_consent: 'Accepts Email Marketing',
      sms_consent: 'Accepts SMS Marketing',
      phone: 'Phone',
      city: 'Default Address City',
      region: 'Default Address Province Code',
      country: 'Default Address Country Code',
      zip: 'Default Address Zip',
    },
  },
  {
    id: 'woocommerce-line-items',
    kind: 'order_lines',
    label: 'WooCommerce orders (line items)',
    signature: ['Order ID', 'Order Date', 'Billing Email', 'Item Name'],
    mapping: {
      order_id: 'Order ID',
      ordered_at: 'Order Date',
      order_status: 'Order Status',
      currency: 'Order Currency',
      email: 'Billing Email',
      first_name: 'Billing First Name',
      last_name: 'Billing Last Name',
      phone: 'Billing Phone',
      country: 'Billing Country',
      city: 'Billing City',
      zip: 'Billing Postcode',
      customer_id: 'Customer ID',
      product_name: 'Item Name',
      sku: 'SKU',
      quantity: 'Quantity',
      unit_price: 'Item Cost',
      line_total: 'Item Total',
    },
  },
  {
    id: 'woocommerce-analytics',
    kind: 'orders',
    label: 'WooCommerce Analytics (orders)',
    signature: ['Date', 'Order #', 'Status', 'Customer', 'Net Sales'],
    mapping: {
      ordered_at: 'Date',
      order_id: 'Order #',
      order_status: 'Status',
      full_name: 'Customer',
      product_name: 'Product(s)',
      quantity: 'Items sold',
      order_total: 'Net Sales',
    },
  },
  {
    id: 'taobao',
    kind: 'orders',
    label: 'Taobao / Tmall 淘宝/天猫',
    signature: ['订单编号', '买家会员名', '买家实际支付金额', '订单状态'],
    mapping: {
      order_id: '订单编号',
      customer_id: '买家会员名',
      order_total: '买家实际支付金额',
      order_status: '订单状态',
      ordered_at: '订单创建时间',
      product_name: '宝贝标题',
      quantity: '宝贝总数量',
      full_name: '收货人姓名',
      phone: '联系手机',
      refunded: '退款金额',
    },
    currency: 'CNY',
  },
  {
    id: 'youzan',
    kind: 'orders',
    label: 'Youzan 有赞',
    signature: ['订单号', '下单时间', '订单状态', '订单实付金额'],
    mapping: {
      order_id: '订单号',
      ordered_at: '下单时间',
      order_status: '订单状态',
      order_total: '订单实付金额',
      phone: '买家手机号',
      full_name: '收货人姓名',
      product_name: '商品名称',
      quantity: '商品数量',
    },
    currency: 'CNY',
  },
  {
    id: 'jd',
    kind: 'orders',
    label: 'JD 京东',
    signature: ['订单号', '下单时间', '订单状态', '下单帐号', '应付金额'],
    mapping: {
      order_id: '订单号',
      ordered_at: '下单时间',
      order_status: '订单状态',
      customer_id: '下单帐号',
      order_total: '应付金额',
      product_name: '商品名称',
      quantity: '订购数量',
      full_name: '客户姓名',
      phone: '联系电话',
    },
    currency: 'CNY',
  },
];
