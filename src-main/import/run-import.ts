import { rebuildCustomerMetrics } from '../analytics/customer-metrics';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { CoreError } from '../shared/errors';
import type { ImportReport, ImportSettings, RejectedRow, RejectReason } from '../shared/import';
import type { Db } from '../store/connection';
import { missingFields, planImport, saveSettings, type ImportPlan } from './plan';
import { TypedRowReader } from './read-typed';
import { describeRejection } from './rows';
import { isWorkbook } from './source';
import { forEachRow } from './typed-batch';
import { ImportWriter } from './writer';

const REJECTED_SAMPLE = 100;
const NO_CELLS: readonly string[] = [];

export interface ImportRequest {
  path: string;
  /** The name the user knows the file by (an upload is stored under another); the path's own name if absent. */
  fileName?: string;
  settings: ImportSettings;
  dryRun: boolean;
}

export interface ImportProgress {
  progress(fraction: number, detail?: string | null): void;
  throwIfCancelled(): void;
}

/** Files this large are worth bulk-building the table's secondary indexes for, rather than updating them per row. */
const BULK_BYTES = 8 << 20;

/**
 * Drops `table`'s own secondary indexes for a large import into a table that holds little yet, returning the
 * statements that rebuild them. Inside the import's transaction, so a rollback restores them too. Building an
 * index once from sorted keys is several times faster than updating it for each of a million random inserts.
 */
function deferIndexes(db: Db, table: string | null, fileBytes: number): string[] {
  if (table === null || fileBytes < BULK_BYTES) return [];
  const existing = db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT 100000)`).pluck().get() as number;
  if (existing >= 100_000) return [];
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
    .all(table) as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  return indexes.map((index) => index.sql);
}

function assertComplete(plan: ImportPlan): void {
  const missing = missingFields(plan);
  if (missing.length === 0) return;
  const names = missing.map((group) => group.map((field) => field.replaceAll('_', ' ')).join(' or '));
  throw new CoreError(
    'IMPORT_MAPPING_INCOMPLETE',
    `Map a column to ${names.join(', and to ')} before importing (kind: ${plan.kind.replaceAll('_', ' ')}).`,
  );
}

/** The settings that reproduce this plan, saved for the next file of the same shape. */
function settingsOf(plan: ImportPlan): ImportSettings {
  return {
    kind: plan.kind,
    preset: plan.preset?.id ?? null,
    mapping: plan.mapping,
    decimal: plan.formats.number.decimal,
    thousands: plan.formats.number.thousands,
    dateOrder: plan.formats.dateOrder,
    ...(plan.currency ? { currency: plan.currency } : {}),
  };
}

/**
 * Imports a file in one transaction: it commits whole or not at all, whether it fails, is cancelled, rejects too
 * many rows, or is a dry run (which is the same import, rolled back, so its counts are exact).
 */
export async function runImport(db: Db, request: ImportRequest, ctx: ImportProgress): Promise<ImportReport> {
  const reader = new TypedRowReader(isWorkbook(request.path));
  try {
    return await importWith(reader, db, request, ctx);
  } finally {
    await reader.stop();
  }
}

async function importWith(
  reader: TypedRowReader,
  db: Db,
  request: ImportRequest,
  ctx: ImportProgress,
): Promise<ImportReport> {
  const started = performance.now();
  const plan = await planImport(db, request.path, request.settings);
  assertComplete(plan);
  const fileName = request.fileName ?? basename(request.path);

  // Inserts append to the tables and their unique indexes, and the product index is built at the end, so 32 MB of
  // pages is enough (on a 4× Online Retail file: as fast as 128 MB, and 67 MB less resident).
  db.pragma('cache_size = -32768');
  db.exec('BEGIN IMMEDIATE');
  try {
    const importId = Number(
      db
        .prepare(
          `INSERT INTO imports (source_name, source_hash, kind, encoding, preset, mapping_json, started_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          fileName,
          '',
          plan.kind,
          plan.layout.encoding?.encoding ?? null,
          plan.preset?.id ?? null,
          JSON.stringify(plan.mapping),
          Date.now(),
        ).lastInsertRowid,
    );
    const deferred = deferIndexes(db, plan.kind === 'order_lines' ? 'order_lines' : null, statSync(request.path).size);
    const writer = new ImportWriter(db, plan.kind, importId, plan.currency, plan.headers);
    const insertReject = db.prepare(
      'INSERT INTO import_rejects (import_id, row_no, reason, values_json) VALUES (?, ?, ?, ?)',
    );
    const reasons = new Map<string, RejectReason & { reason: string; count: number }>();
    const rejectedSample: RejectedRow[] = [];
    let rows = 0;
    let rejected = 0;
    const reject = (row: number, why: RejectReason, values: readonly string[]) => {
      rejected++;
      const reason = `Row ${row} ${describeRejection(why)}`;
      // Counted by the kind of problem, not the value: Quantity "x" and Quantity "y" are one reason.
      const kind = { code: why.code, params: { ...why.params } };
      delete kind.params.value;
      const key = `${kind.code} ${kind.params.column ?? ''} ${kind.params.fields ?? ''}`;
      const counted = reasons.get(key) ?? { ...kind, reason: describeRejection(kind), count: 0 };
      counted.count++;
      reasons.set(key, counted);
      if (rejectedSample.length < REJECTED_SAMPLE) rejectedSample.push({ row, reason, ...why, values: [...values] });
      insertReject.run(importId, row, reason, JSON.stringify(values));
    };

    const batches = reader.read({
      path: request.path,
      layout: plan.layout,
      headers: plan.headers,
      mapping: plan.mapping,
      formats: plan.formats,
      kind: plan.kind,
      cancelledPrefix: plan.preset?.cancelledPrefix,
    });
    let next = await batches.next();
    for (; !next.done; next = await batches.next()) {
      ctx.throwIfCancelled();
      const batch = next.value;
      const cells = new Map(batch.cells);
      // Rows the reader could not type are reported in file order with the rest.
      let unread = 0;
      forEachRow(batch, (row, rowNo, index) => {
        for (; unread < batch.rejects.length && (batch.rejects[unread]?.rowNo ?? 0) < rowNo; unread++) {
          const { rowNo: at, reason, cells: values } = batch.rejects[unread] as (typeof batch.rejects)[number];
          reject(at, reason, values);
        }
        const problem = writer.add(row, rowNo, cells.get(index) ?? NO_CELLS);
        if (problem !== null) reject(rowNo, { code: problem, params: {} }, cells.get(index) ?? NO_CELLS);
      });
      for (const { rowNo: at, reason, cells: values } of batch.rejects.slice(unread)) reject(at, reason, values);
      rows += batch.rowNos.length + batch.rejects.length;
      ctx.progress(batch.progress * 0.9, 'rows');
    }
    const sha256 = next.value;
    if (rows === 0) {
      throw new CoreError('IMPORT_UNREADABLE', `${fileName} has a header but no rows: there is nothing to import.`);
    }
    ctx.throwIfCancelled();
    // The last steps take minutes on a file of millions of rows: each says what it is doing (IMPORT_STAGES).
    ctx.progress(0.9, 'orders');
    writer.finish();
    ctx.progress(0.93, 'indexes');
    for (const sql of deferred) db.exec(sql);

    const anonymousOrders = writer.anonymousOrders();
    const warnings = [...plan.warnings];
    const orderCount = writer.orders.created + writer.orders.updated;
    if (anonymousOrders > 0) {
      const share = anonymousOrders / Math.max(1, orderCount);
      warnings.push({
        code: 'ANONYMOUS_ORDERS',
        share,
        params: { count: anonymousOrders },
        message: `${Math.round(share * 100)}% of orders have no customer: they are kept as anonymous orders.`,
      });
    }
    const cancelledOrders = writer.cancelledOrders();
    if (cancelledOrders > 0) {
      warnings.push({
        code: 'CANCELLATIONS',
        share: cancelledOrders / Math.max(1, orderCount),
        params: { count: cancelledOrders },
        message: `${cancelledOrders} cancelled or refunded orders are kept and flagged; they are left out of revenue.`,
      });
    }
    const rejectedShare = rejected / rows;
    if (rejected > 0) {
      warnings.push({
        code: 'REJECTED_ROWS',
        share: rejectedShare,
        params: { count: rejected },
        message: `${rejected} rows (${(rejectedShare * 100).toFixed(1)}%) cannot be imported; each is listed with its reason.`,
      });
    }
    const rejectedReasons = [...reasons.values()].sort((a, b) => b.count - a.count);
    const commonest = rejectedReasons[0];
    const stopped =
      rejectedShare > plan.maxRejectedShare && commonest
        ? {
            share: rejectedShare,
            limit: plan.maxRejectedShare,
            commonest: { code: commonest.code, params: commonest.params },
          }
        : null;
    const stoppedBecause = stopped
      ? `${(rejectedShare * 100).toFixed(1)}% of rows would be rejected, more than the ${(plan.maxRejectedShare * 100).toFixed(0)}% allowed, so nothing was imported. The commonest reason: ${commonest?.reason ?? ''}. Check the mapping and formats, or raise the limit.`
      : null;
    const commit = !request.dryRun && stoppedBecause === null;
    if (commit) {
      db.prepare(
        `UPDATE imports SET source_hash = ?, rows_total = ?, rows_imported = ?, rows_rejected = ?, finished_at = ?
         WHERE id = ?`,
      ).run(sha256, rows, rows - rejected, rejected, Date.now(), importId);
      saveSettings(db, plan.shape, settingsOf(plan));
      ctx.progress(0.96, 'customer_metrics');
      rebuildCustomerMetrics(db, writer.imported);
      ctx.progress(0.98, 'saving');
      db.exec('COMMIT');
    } else {
      db.exec('ROLLBACK');
    }
    ctx.progress(1, null);
    return {
      importId: commit ? importId : null,
      dryRun: request.dryRun,
      committed: commit,
      stoppedBecause,
      stopped,
      file: fileName,
      kind: plan.kind,
      preset: plan.preset?.id ?? null,
      encoding: plan.layout.encoding?.encoding ?? 'xlsx',
      delimiter: plan.layout.delimiter?.delimiter ?? null,
      rows,
      imported: rows - rejected,
      rejected,
      orders: writer.orders,
      customers: writer.customers,
      products: writer.products,
      lines: writer.lines,
      anonymousOrders,
      cancelledOrders,
      warnings,
      rejectedReasons,
      rejectedSample,
      seconds: Math.round(performance.now() - started) / 1000,
    };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
