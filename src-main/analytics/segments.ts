/**
 * Saved rule segments: preview (live count and a sample while the user edits), save, list, delete, freeze the
 * membership as a dated snapshot, and list members. Segments store their rules, not their members, so a saved
 * segment follows every new import; a snapshot is the way to keep who was in it on a given day.
 */
import { CoreError } from '../shared/errors';
import type { FieldValue, RuleGroup, SegmentCustomerRow, SegmentInfo, SegmentPreview } from '../shared/segments';
import type { Db } from '../store/connection';
import { ensureCustomerMetrics } from './customer-metrics';
import { compileRules, SEGMENT_FROM, type CompiledRules } from './segment-sql';

const ROW_COLUMNS = `c.id AS customerId, c.external_id AS externalId, c.email,
  nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '') AS name, c.country,
  coalesce(m.orders, 0) AS orders, coalesce(m.revenue, 0) AS revenue, m.last_order_at AS lastOrderAt`;

function referenceTime(db: Db): number {
  return (db.prepare('SELECT coalesce(max(last_order_at), 0) FROM customer_metrics').pluck().get() as number) ?? 0;
}

/** Compiles against fresh metrics; every read below goes through here. */
export function compileFor(db: Db, rules: RuleGroup): CompiledRules {
  ensureCustomerMetrics(db);
  return compileRules(rules, { referenceTime: referenceTime(db) });
}

export function previewSegment(db: Db, rules: RuleGroup, sampleSize = 20): SegmentPreview {
  const started = performance.now();
  const { where, params } = compileFor(db, rules);
  const reference = referenceTime(db);
  const counted = db
    .prepare(`SELECT count(*) AS members, coalesce(sum(m.revenue), 0) AS revenue FROM ${SEGMENT_FROM} WHERE ${where}`)
    .get(...params) as { members: number; revenue: number };
  const sample = db
    .prepare(
      `SELECT ${ROW_COLUMNS} FROM ${SEGMENT_FROM} WHERE ${where} ORDER BY coalesce(m.revenue, 0) DESC, c.id LIMIT ?`,
    )
    .all(...params, sampleSize) as SegmentCustomerRow[];
  const customers = db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  return {
    ...counted,
    customers,
    sample,
    milliseconds: Math.round(performance.now() - started),
    referenceTime: reference,
  };
}

/** Customer ids of the rule's members, in id order (for snapshots, campaigns and exports). */
export function memberIds(db: Db, rules: RuleGroup): number[] {
  const { where, params } = compileFor(db, rules);
  return db
    .prepare(`SELECT c.id FROM ${SEGMENT_FROM} WHERE ${where} ORDER BY c.id`)
    .pluck()
    .all(...params) as number[];
}

interface SegmentRow {
  id: number;
  name: string;
  description: string;
  kind: 'rules' | 'cluster';
  definition_json: string;
  created_at: number;
  updated_at: number;
}

function countMembers(db: Db, rules: RuleGroup): number {
  const { where, params } = compileFor(db, rules);
  return db
    .prepare(`SELECT count(*) FROM ${SEGMENT_FROM} WHERE ${where}`)
    .pluck()
    .get(...params) as number;
}

function toInfo(db: Db, row: SegmentRow): SegmentInfo {
  const rules = JSON.parse(row.definition_json) as RuleGroup;
  const snapshots = db
    .prepare(
      'SELECT id, taken_at AS takenAt, members FROM segment_snapshots WHERE segment_id = ? ORDER BY taken_at DESC',
    )
    .all(row.id) as SegmentInfo['snapshots'];
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    rules,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    members: countMembers(db, rules),
    snapshots,
  };
}

function segmentRow(db: Db, id: number): SegmentRow {
  const row = db.prepare('SELECT * FROM segments WHERE id = ?').get(id) as SegmentRow | undefined;
  if (!row) throw new CoreError('NOT_FOUND', 'That segment no longer exists.');
  return row;
}

export function listSegments(db: Db): SegmentInfo[] {
  const rows = db.prepare('SELECT * FROM segments ORDER BY name COLLATE NOCASE').all() as SegmentRow[];
  return rows.map((row) => toInfo(db, row));
}

export function getSegment(db: Db, id: number): SegmentInfo {
  return toInfo(db, segmentRow(db, id));
}

export interface SegmentDraft {
  id?: number | undefined;
  name: string;
  description?: string | undefined;
  kind?: 'rules' | 'cluster' | undefined;
  rules: RuleGroup;
}

export function saveSegment(db: Db, draft: SegmentDraft, now = Date.now()): SegmentInfo {
  // Compiling first rejects a rule that cannot run (an empty range) before anything is written.
  compileFor(db, draft.rules);
  const clash = db
    .prepare('SELECT id FROM segments WHERE name = ? COLLATE NOCASE AND id IS NOT ?')
    .pluck()
    .get(draft.name, draft.id ?? null) as number | undefined;
  if (clash !== undefined)
    throw new CoreError('SEGMENT_EXISTS', `A segment named "${draft.name}" already exists. Choose another name.`);
  const definition = JSON.stringify(draft.rules);
  if (draft.id !== undefined) {
    segmentRow(db, draft.id);
    db.prepare('UPDATE segments SET name = ?, description = ?, definition_json = ?, updated_at = ? WHERE id = ?').run(
      draft.name,
      draft.description ?? '',
      definition,
      now,
      draft.id,
    );
    return getSegment(db, draft.id);
  }
  const id = Number(
    db
      .prepare(
        `INSERT INTO segments (name, description, kind, definition_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(draft.name, draft.description ?? '', draft.kind ?? 'rules', definition, now, now).lastInsertRowid,
  );
  return getSegment(db, id);
}

export function deleteSegment(db: Db, id: number): void {
  segmentRow(db, id);
  db.prepare('DELETE FROM segments WHERE id = ?').run(id);
}

/** Freezes who is in the segment now; the snapshot keeps the definition it was taken with. */
export function snapshotSegment(db: Db, id: number, now = Date.now()): SegmentInfo {
  const row = segmentRow(db, id);
  const ids = memberIds(db, JSON.parse(row.definition_json) as RuleGroup);
  db.transaction(() => {
    const snapshotId = Number(
      db
        .prepare('INSERT INTO segment_snapshots (segment_id, taken_at, members, definition_json) VALUES (?, ?, ?, ?)')
        .run(id, now, ids.length, row.definition_json).lastInsertRowid,
    );
    const insert = db.prepare('INSERT INTO segment_members (snapshot_id, customer_id) VALUES (?, ?)');
    for (const customerId of ids) insert.run(snapshotId, customerId);
  })();
  return getSegment(db, id);
}

export function segmentMembers(
  db: Db,
  query: { id: number; snapshotId?: number | undefined; offset: number; limit: number },
): { total: number; rows: SegmentCustomerRow[] } {
  const row = segmentRow(db, query.id);
  if (query.snapshotId !== undefined) {
    const where = 'c.id IN (SELECT customer_id FROM segment_members WHERE snapshot_id = ?)';
    const owner = db.prepare('SELECT segment_id FROM segment_snapshots WHERE id = ?').pluck().get(query.snapshotId);
    if (owner !== query.id) throw new CoreError('NOT_FOUND', 'That snapshot does not belong to this segment.');
    ensureCustomerMetrics(db);
    return page(db, where, [query.snapshotId], query);
  }
  const { where, params } = compileFor(db, JSON.parse(row.definition_json) as RuleGroup);
  return page(db, where, params, query);
}

function page(
  db: Db,
  where: string,
  params: (string | number)[],
  query: { offset: number; limit: number },
): { total: number; rows: SegmentCustomerRow[] } {
  const total = db
    .prepare(`SELECT count(*) FROM ${SEGMENT_FROM} WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  const rows = db
    .prepare(
      `SELECT ${ROW_COLUMNS} FROM ${SEGMENT_FROM} WHERE ${where}
       ORDER BY coalesce(m.revenue, 0) DESC, c.id LIMIT ? OFFSET ?`,
    )
    .all(...params, query.limit, query.offset) as SegmentCustomerRow[];
  return { total, rows };
}

/** The saved segments a customer is in now. */
export function segmentsOfCustomer(db: Db, customerId: number): { id: number; name: string }[] {
  const rows = db.prepare('SELECT * FROM segments ORDER BY name COLLATE NOCASE').all() as SegmentRow[];
  return rows
    .filter((row) => {
      const { where, params } = compileFor(db, JSON.parse(row.definition_json) as RuleGroup);
      return db.prepare(`SELECT 1 FROM ${SEGMENT_FROM} WHERE c.id = ? AND ${where}`).get(customerId, ...params);
    })
    .map((row) => ({ id: row.id, name: row.name }));
}

export type ValueField = 'country' | 'city' | 'productsBought' | 'categoriesBought' | 'rfmSegment';

const VALUE_QUERIES: Record<ValueField, string> = {
  country: `SELECT country AS value, country AS label, count(*) AS customers FROM customers
    WHERE country IS NOT NULL AND (? = '' OR instr(lower(country), ?) > 0) GROUP BY country`,
  city: `SELECT city AS value, city AS label, count(*) AS customers FROM customers
    WHERE city IS NOT NULL AND (? = '' OR instr(lower(city), ?) > 0) GROUP BY city`,
  productsBought: `SELECT p.sku AS value, coalesce(p.name, p.sku) AS label, count(DISTINCT o.customer_id) AS customers
    FROM products p JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id
    WHERE o.status = 'completed' AND (? = '' OR instr(lower(p.sku || ' ' || coalesce(p.name, '')), ?) > 0)
    GROUP BY p.id`,
  categoriesBought: `SELECT p.category AS value, p.category AS label, count(DISTINCT o.customer_id) AS customers
    FROM products p JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id
    WHERE o.status = 'completed' AND p.category IS NOT NULL AND (? = '' OR instr(lower(p.category), ?) > 0)
    GROUP BY p.category`,
  rfmSegment: `SELECT segment AS value, segment AS label, count(*) AS customers FROM rfm_scores
    WHERE run_id = (SELECT max(id) FROM rfm_runs) AND (? = '' OR instr(lower(segment), ?) > 0) GROUP BY segment`,
};

/** Values to pick from for a field, the most common first: countries, products by buyers, RFM segments. */
export function fieldValues(db: Db, field: ValueField, search: string, limit = 50): FieldValue[] {
  const needle = search.trim().toLowerCase();
  return db
    .prepare(`${VALUE_QUERIES[field]} ORDER BY customers DESC, value LIMIT ?`)
    .all(needle, needle, limit) as FieldValue[];
}
