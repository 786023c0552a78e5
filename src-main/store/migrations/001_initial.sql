-- Timestamps are epoch milliseconds (UTC) in columns named *_at; the source's UTC offset is kept where it had one.
-- Money is stored with its currency.

CREATE TABLE project_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  source_name TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('order_lines', 'orders', 'customers', 'products', 'customer_table')),
  encoding TEXT,
  preset TEXT,
  mapping_json TEXT NOT NULL DEFAULT '{}',
  rows_total INTEGER NOT NULL DEFAULT 0,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  email TEXT,
  phone TEXT,
  first_name TEXT,
  last_name TEXT,
  country TEXT,
  region TEXT,
  city TEXT,
  zip TEXT,
  -- 1 = consented, 0 = refused or unsubscribed, NULL = unknown
  email_consent INTEGER CHECK (email_consent IN (0, 1)),
  sms_consent INTEGER CHECK (sms_consent IN (0, 1)),
  signed_up_at INTEGER,
  attributes_json TEXT,
  import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX customers_email ON customers (email);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  name TEXT,
  description TEXT,
  category TEXT,
  price REAL,
  currency TEXT,
  import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL
) STRICT;

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
  ordered_at INTEGER NOT NULL,
  utc_offset_min INTEGER,
  status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('completed', 'pending', 'cancelled', 'refunded')),
  currency TEXT,
  total REAL,
  refunded REAL NOT NULL DEFAULT 0,
  country TEXT,
  import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL
) STRICT;

CREATE INDEX orders_customer ON orders (customer_id, ordered_at);
CREATE INDEX orders_time ON orders (ordered_at);

CREATE TABLE order_lines (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
  line_no INTEGER NOT NULL,
  quantity REAL NOT NULL,
  unit_price REAL NOT NULL,
  UNIQUE (order_id, line_no)
) STRICT;

CREATE INDEX order_lines_product ON order_lines (product_id);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  params_json TEXT NOT NULL DEFAULT '{}',
  progress REAL NOT NULL DEFAULT 0,
  result_json TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
) STRICT;

CREATE INDEX jobs_created ON jobs (created_at);
