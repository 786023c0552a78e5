import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodingFromLabel } from '../io/encoding';
import { runImport } from '../import/run-import';
import { presetById } from '../import/mapping';
import { importSettingsSchema, type ImportReport, type ImportSettings } from '../shared/import';
import type { ImportKind } from '../shared/import-fields';
import { PRESETS } from '../shared/import-presets';
import { openProject } from '../store/connection';
import { UsageError, type Output } from './output';

export interface ImportOptions {
  project: string | undefined;
  kind: string | undefined;
  preset: string | undefined;
  mapping: string | undefined;
  encoding: string | undefined;
  dryRun: boolean;
}

const KINDS: Record<string, ImportKind> = {
  'order-lines': 'order_lines',
  orders: 'orders',
  customers: 'customers',
  products: 'products',
  table: 'customer_table',
};

function settingsFrom(options: ImportOptions): ImportSettings {
  const settings: ImportSettings = {};
  if (options.kind !== undefined) {
    const kind = KINDS[options.kind];
    if (!kind) throw new UsageError(`--kind must be one of ${Object.keys(KINDS).join(', ')}`);
    settings.kind = kind;
  }
  if (options.preset !== undefined) {
    if (!presetById(options.preset)) {
      throw new UsageError(`Unknown preset "${options.preset}". Presets: ${PRESETS.map((p) => p.id).join(', ')}`);
    }
    settings.preset = options.preset;
  }
  if (options.encoding !== undefined) {
    const encoding = encodingFromLabel(options.encoding);
    if (!encoding)
      throw new UsageError(`Unknown encoding "${options.encoding}" (try utf-8, gbk, big5, utf-16le, latin1)`);
    settings.encoding = encoding;
  }
  if (options.mapping !== undefined) {
    const parsed = importSettingsSchema.shape.mapping.safeParse(
      JSON.parse(readFileSync(resolve(options.mapping), 'utf8')),
    );
    if (!parsed.success) throw new UsageError(`${options.mapping} is not a mapping of field names to column names`);
    settings.mapping = parsed.data;
  }
  return settings;
}

function summary(report: ImportReport): string {
  const verb = report.dryRun ? 'Would import' : report.committed ? 'Imported' : 'Did not import';
  const lines = [
    `${verb} ${report.file}: ${report.imported} of ${report.rows} rows (${report.kind.replaceAll('_', ' ')}, ${report.preset ?? 'no preset'}, ${report.encoding}) in ${report.seconds} s`,
    `  orders ${report.orders.created} new, ${report.orders.updated} updated (${report.anonymousOrders} anonymous, ${report.cancelledOrders} cancelled); customers ${report.customers.created} new, ${report.customers.updated} updated; products ${report.products.created} new, ${report.products.updated} updated`,
  ];
  if (report.stoppedBecause) lines.push(`  ${report.stoppedBecause}`);
  for (const warning of report.warnings) lines.push(`  note: ${warning.message}`);
  for (const { reason, count } of report.rejectedReasons.slice(0, 5)) lines.push(`  rejected ${count}× ${reason}`);
  return lines.join('\n');
}

export async function importCommand(file: string | undefined, options: ImportOptions, out: Output): Promise<number> {
  if (!file) throw new UsageError('import needs a file, e.g. marketlens import orders.csv --project acme.mlens');
  if (!options.project) throw new UsageError('import needs --project <file.mlens>');
  const settings = settingsFrom(options);
  const db = openProject(resolve(options.project));
  const showProgress = !out.json && process.stderr.isTTY;
  try {
    const report = await runImport(
      db,
      { path: resolve(file), settings, dryRun: options.dryRun },
      {
        progress: (fraction) => {
          if (showProgress) process.stderr.write(`\rImporting… ${Math.round(fraction * 100)}%`);
        },
        throwIfCancelled: () => undefined,
      },
    );
    if (showProgress) process.stderr.write('\r\u001b[K');
    out.result(
      {
        ...report,
        rows: report.rows,
        imported: report.imported,
        rejected: report.rejected,
        orders: report.orders.created + report.orders.updated,
        customers: report.customers.created + report.customers.updated,
        products: report.products.created + report.products.updated,
        details: { orders: report.orders, customers: report.customers, products: report.products },
      },
      () => summary(report),
    );
    return report.committed || report.dryRun ? 0 : 1;
  } finally {
    db.close();
  }
}
