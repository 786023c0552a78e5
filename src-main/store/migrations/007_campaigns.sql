-- Campaigns: a saved audience with its members frozen (holdout flag, offer, coupon and recommendations each), every
-- export of it (re-creatable: same members, same bytes) with the members it skipped, its measured results, and the
-- do-not-contact list.

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  -- The spec as parsed (shared/campaigns.ts): the audience definition every export logs.
  spec_json TEXT NOT NULL,
  funnel_json TEXT NOT NULL,
  holdout_json TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE campaign_members (
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  holdout INTEGER NOT NULL CHECK (holdout IN (0, 1)),
  -- The audience segment the customer came through: the holdout's stratum and the "segment" personal field.
  segment TEXT NOT NULL,
  -- Personal fields frozen at creation, so that a later CLV run cannot change a re-created file.
  value REAL,
  value_band TEXT,
  offer TEXT,
  coupon TEXT,
  -- Names of the top recommended products of the latest run, best first, separated by U+001F; contacted members only.
  recs TEXT,
  PRIMARY KEY (campaign_id, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE campaign_exports (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  exported_at INTEGER NOT NULL,
  preset TEXT NOT NULL,
  options_json TEXT NOT NULL,
  file_name TEXT NOT NULL,
  -- Where the file was written; the app's downloads re-create it if it has gone.
  file_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  -- The campaign's spec at the time of the export.
  audience_json TEXT NOT NULL
) STRICT;

CREATE INDEX campaign_exports_campaign ON campaign_exports (campaign_id, exported_at);

-- Contacted members an export left out for want of a valid email or phone. An export contacted every other contacted
-- member of its campaign: "contacted in the last N days" reads exports and these, so that an export writes a row per
-- skipped member rather than a date on each of a million members.
CREATE TABLE campaign_export_skips (
  export_id INTEGER NOT NULL REFERENCES campaign_exports (id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  PRIMARY KEY (export_id, customer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE campaign_results (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  measured_at INTEGER NOT NULL,
  result_json TEXT NOT NULL
) STRICT;

-- SHA-256 of the normalised email, E.164 phone or customer external id: the list names nobody in clear.
CREATE TABLE suppressions (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('email', 'phone', 'customer')),
  reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complaint', 'manual')),
  source TEXT NOT NULL,
  added_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
