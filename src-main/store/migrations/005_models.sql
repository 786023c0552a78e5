-- The models area's tables: the model registry with each model's latest scores, and lifetime value runs with each
-- customer's prediction. The campaigns area reads model_scores and the latest run's clv_customers.

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('propensity', 'churn', 'table')),
  algorithm TEXT NOT NULL CHECK (algorithm IN ('logistic', 'tree', 'forest')),
  -- Format of model_json (shared/models.ts MODEL_FILE_VERSION).
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- The training request, and the id shared by the families trained together.
  options_json TEXT NOT NULL,
  window_json TEXT NOT NULL,
  -- Held-out evaluation, data notes, drivers or rules.
  metrics_json TEXT NOT NULL,
  -- The feature transform and the fitted estimator (refitted on every labelled customer).
  model_json TEXT NOT NULL,
  scored_at INTEGER
) STRICT;

CREATE TABLE model_scores (
  model_id INTEGER NOT NULL REFERENCES models (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  score REAL NOT NULL,
  PRIMARY KEY (model_id, customer_id)
) STRICT;

CREATE TABLE clv_runs (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  options_json TEXT NOT NULL,
  summary_json TEXT NOT NULL
) STRICT;

CREATE TABLE clv_customers (
  run_id INTEGER NOT NULL REFERENCES clv_runs (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  probability_alive REAL NOT NULL,
  expected_30 REAL NOT NULL,
  expected_90 REAL NOT NULL,
  expected_365 REAL NOT NULL,
  clv REAL NOT NULL,
  historic_clv REAL NOT NULL,
  churn_band TEXT NOT NULL CHECK (churn_band IN ('low', 'medium', 'high')),
  next_order_at INTEGER,
  -- Mean days between purchase days; NULL for one-time buyers.
  average_gap_days REAL,
  PRIMARY KEY (run_id, customer_id)
) STRICT;

CREATE INDEX clv_customers_value ON clv_customers (run_id, clv);
