-- RFM analyses: each run is kept with its options and summary, so that segments at two analysis dates can be
-- compared, and every customer's scores are stored for the segment builder and campaigns.

CREATE TABLE rfm_runs (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  analysis_date INTEGER,
  snapshot_at INTEGER,
  levels INTEGER NOT NULL CHECK (levels IN (3, 5)),
  summary_json TEXT NOT NULL
) STRICT;

CREATE TABLE rfm_scores (
  run_id INTEGER NOT NULL REFERENCES rfm_runs (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  recency INTEGER NOT NULL,
  frequency INTEGER NOT NULL,
  monetary REAL NOT NULL,
  r INTEGER NOT NULL,
  f INTEGER NOT NULL,
  m INTEGER NOT NULL,
  segment TEXT NOT NULL,
  PRIMARY KEY (run_id, customer_id)
) STRICT;

CREATE INDEX rfm_scores_segment ON rfm_scores (run_id, segment);
