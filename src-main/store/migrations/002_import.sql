-- Import bookkeeping: every rejected row of a committed import (for download), the mapping used for each shape of
-- file (offered again for the next file with the same columns), and customer-level tables for the models.

CREATE TABLE import_rejects (
  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  row_no INTEGER NOT NULL,
  reason TEXT NOT NULL,
  values_json TEXT NOT NULL,
  PRIMARY KEY (import_id, row_no)
) STRICT;

CREATE TABLE import_mappings (
  shape TEXT PRIMARY KEY,
  settings_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE customer_table_rows (
  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  label TEXT,
  values_json TEXT NOT NULL,
  PRIMARY KEY (import_id, customer_id)
) STRICT;

CREATE INDEX customers_phone ON customers (phone);
