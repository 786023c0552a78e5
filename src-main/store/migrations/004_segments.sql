-- Segments and clusters. `customer_metrics` holds each customer's order figures (valid orders only, see
-- analytics/valid-orders.ts) so that segment rules filter one row per customer instead of a million orders; it is
-- rebuilt inside every import's transaction.

CREATE TABLE customer_metrics (
  customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  orders INTEGER NOT NULL,
  revenue REAL NOT NULL,
  refunded REAL NOT NULL,
  first_order_at INTEGER NOT NULL,
  last_order_at INTEGER NOT NULL,
  distinct_products INTEGER NOT NULL
) STRICT;

CREATE TABLE segments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('rules', 'cluster')),
  -- A rule group (shared/segments.ts); evaluated afresh on every use, so the segment follows new imports.
  definition_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- A segment's membership frozen at a moment, with the definition it had then.
CREATE TABLE segment_snapshots (
  id INTEGER PRIMARY KEY,
  segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
  taken_at INTEGER NOT NULL,
  members INTEGER NOT NULL,
  definition_json TEXT NOT NULL
) STRICT;

CREATE INDEX segment_snapshots_segment ON segment_snapshots (segment_id, taken_at);

CREATE TABLE segment_members (
  snapshot_id INTEGER NOT NULL REFERENCES segment_snapshots (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  PRIMARY KEY (snapshot_id, customer_id)
) STRICT;

CREATE TABLE cluster_runs (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  options_json TEXT NOT NULL,
  result_json TEXT NOT NULL,
  -- The user's names for the clusters, by cluster index; suggested names until edited.
  names_json TEXT NOT NULL
) STRICT;

CREATE TABLE cluster_assignments (
  run_id INTEGER NOT NULL REFERENCES cluster_runs (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  cluster INTEGER NOT NULL,
  PRIMARY KEY (run_id, customer_id)
) STRICT;
