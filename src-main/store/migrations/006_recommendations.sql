-- Next-best-product lists and market-basket rules. Only the latest run of each is kept (a run of 100k customers is
-- a million rows); the campaigns area reads the top products of the latest recommendation run from these tables.

CREATE TABLE recommendation_runs (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  options_json TEXT NOT NULL,
  summary_json TEXT NOT NULL
) STRICT;

CREATE TABLE recommendations (
  run_id INTEGER NOT NULL REFERENCES recommendation_runs (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  score REAL NOT NULL,
  -- The method that chose it: the run's, or 'popularity' for a customer without purchases.
  method TEXT NOT NULL,
  reason_kind TEXT NOT NULL CHECK (reason_kind IN ('bought-with', 'popular', 'similar-text')),
  reason_product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
  PRIMARY KEY (run_id, customer_id, rank)
) STRICT;

CREATE TABLE basket_runs (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  options_json TEXT NOT NULL,
  summary_json TEXT NOT NULL
) STRICT;

-- One association rule antecedent → consequent; rank orders the rules by lift (then confidence, support).
CREATE TABLE basket_rules (
  run_id INTEGER NOT NULL REFERENCES basket_runs (id) ON DELETE CASCADE,
  rank INTEGER NOT NULL,
  -- Product ids of the antecedent, ascending, as a JSON array.
  antecedent_json TEXT NOT NULL,
  antecedent_size INTEGER NOT NULL,
  consequent_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  basket_count INTEGER NOT NULL,
  support REAL NOT NULL,
  confidence REAL NOT NULL,
  lift REAL NOT NULL,
  leverage REAL NOT NULL,
  -- NULL: infinite (confidence 1).
  conviction REAL,
  PRIMARY KEY (run_id, rank)
) STRICT;
