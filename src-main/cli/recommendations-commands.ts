/** `recommend`, `recommend evaluate`, `similar` and `basket`: the Recommendations area from the command line. */
import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { basketRules, basketRulesCsv, runBasketAnalysis } from '../analytics/basket-runs';
import { isoDay } from '../analytics/recommend-data';
import { evaluateRecommendations } from '../analytics/recommend-evaluation';
import { generateRecommendations, recommendationRows } from '../analytics/recommend-runs';
import { similarFromFile } from '../analytics/recommend-similar';
import { csvLine } from '../io/csv-write';
import {
  basketOptionsSchema,
  evaluateOptionsSchema,
  recommendOptionsSchema,
  type ProductRef,
  type RecommendationItem,
  type RecommendMethodName,
} from '../shared/recommendations';
import { openProject, type Db } from '../store/connection';
import type { CliModule, OptionValues } from './cli-module';
import { UsageError, type Output } from './output';

const quiet = { progress: () => undefined, throwIfCancelled: () => undefined };

/** Command-line names of the methods: `popular` reads better than `popularity` in a command. */
const CLI_METHODS: Record<string, RecommendMethodName> = {
  hybrid: 'hybrid',
  'item-knn': 'item-knn',
  content: 'content',
  popular: 'popularity',
  rules: 'rules',
};
const cliName = (method: RecommendMethodName) =>
  Object.keys(CLI_METHODS).find((name) => CLI_METHODS[name] === method) ?? method;

/** The flag behind each option field, for messages. */
const FLAGS: Record<string, string> = {
  method: '--method',
  k: '--k',
  splitDate: '--split-date',
  minSupport: '--min-support',
  minConfidence: '--min-confidence',
  maxLength: '--max-length',
  maxBasketSize: '--max-basket',
};

const text = (values: OptionValues, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

function numberOption(values: OptionValues, name: string): number | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number))
    throw new UsageError(`--${name} must be a number, not "${value}"`);
  return number;
}

/** Options checked by the same schema as the app's, with the command-line flag named in the message. */
function parseOptions<S extends z.ZodType>(schema: S, input: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  throw new UsageError(`${FLAGS[field] ?? field}: ${issue?.message ?? 'not accepted'}`);
}

/** Runs the work on the project and closes it once the work, asynchronous or not, is done. */
async function withProject<T>(values: OptionValues, command: string, work: (db: Db) => T | Promise<T>): Promise<T> {
  const project = text(values, 'project');
  if (!project) throw new UsageError(`${command} needs --project <file.mlens>`);
  const db = openProject(resolve(project));
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

const productLabel = (ref: ProductRef | null) => (ref ? (ref.name ?? ref.sku) : '');

/** Why a product is on a list, in words a campaign can reuse. */
export function reasonText(item: Pick<RecommendationItem, 'reasonKind' | 'reasonProduct'>): string {
  if (item.reasonKind === 'bought-with') return `often bought with ${productLabel(item.reasonProduct)}`;
  if (item.reasonKind === 'similar-text') return `similar to ${productLabel(item.reasonProduct)}`;
  return 'popular right now';
}

/** Streams the latest run page by page, so that a million rows never sit in memory as one string. */
async function writeRecommendationsCsv(db: Db, path: string): Promise<void> {
  const file = createWriteStream(path);
  const write = async (line: string) => {
    if (!file.write(line)) await once(file, 'drain');
  };
  await write(csvLine(['customer_id', 'rank', 'product_id', 'product_name', 'score', 'reason']));
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const { rows } = recommendationRows(db, { search: '', offset, limit: pageSize });
    for (const row of rows)
      await write(
        csvLine([
          row.externalId,
          row.rank,
          row.product.sku,
          row.product.name,
          Math.round(row.score * 1e6) / 1e6,
          reasonText(row),
        ]),
      );
    if (rows.length < pageSize) break;
  }
  file.end();
  await once(file, 'finish');
}

async function recommendCommand(values: OptionValues, out: Output): Promise<number> {
  const method = text(values, 'method') ?? 'hybrid';
  if (!(method in CLI_METHODS))
    throw new UsageError(`--method must be one of ${Object.keys(CLI_METHODS).join(', ')}, not "${method}"`);
  const options = parseOptions(recommendOptionsSchema, { method: CLI_METHODS[method], k: numberOption(values, 'k') });
  const outPath = text(values, 'out');
  const summary = await withProject(values, 'recommend', async (db) => {
    const run = generateRecommendations(db, options, quiet);
    if (outPath) await writeRecommendationsCsv(db, resolve(outPath));
    return run;
  });
  out.result(
    {
      runId: summary.runId,
      method: cliName(summary.options.method),
      k: summary.options.k,
      customers: summary.customers,
      coldStart: summary.coldStart,
      productsRecommended: summary.productsRecommended,
      rows: summary.rows,
      durationMs: summary.durationMs,
      warnings: summary.warnings,
      ...(outPath && { out: resolve(outPath) }),
    },
    () =>
      [
        `Top ${summary.options.k} products (${cliName(summary.options.method)}) for ${summary.customers} customers, ${summary.productsRecommended} different products in all.`,
        ...(summary.coldStart > 0
          ? [`  ${summary.coldStart} customers have no purchase yet: they get the popular products.`]
          : []),
        ...summary.warnings.filter((w) => w.code !== 'COLD_START').map((w) => `  note: ${w.message}`),
        ...(outPath ? [`Wrote ${resolve(outPath)}`] : []),
      ].join('\n'),
  );
  return 0;
}

async function evaluateCommand(values: OptionValues, out: Output): Promise<number> {
  const day = text(values, 'split-date');
  if (!day) throw new UsageError('recommend evaluate needs --split-date YYYY-MM-DD');
  const splitDate = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(splitDate))
    throw new UsageError(`--split-date must look like 2011-10-01, not "${day}"`);
  const options = parseOptions(evaluateOptionsSchema, { splitDate, k: numberOption(values, 'k') });
  const result = await withProject(values, 'recommend evaluate', (db) => evaluateRecommendations(db, options, quiet));
  const methods = Object.fromEntries(
    result.methods.map(({ method, precision, recall, hitRate, coverage }) => [
      cliName(method),
      { precision, recall, hitRate, coverage },
    ]),
  );
  const k = options.k;
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(9);
  out.result(
    {
      splitDate: isoDay(splitDate),
      k,
      users: result.users,
      trainLines: result.trainLines,
      testLines: result.testLines,
      methods,
      warnings: result.warnings,
    },
    () =>
      [
        `Trained before ${isoDay(splitDate)}, tested on the new products of ${result.users} customers (k = ${k}):`,
        `  ${'method'.padEnd(10)} ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'hit rate'.padStart(9)} ${'coverage'.padStart(9)}`,
        ...result.methods.map(
          (m) =>
            `  ${cliName(m.method).padEnd(10)} ${percent(m.precision)} ${percent(m.recall)} ${percent(m.hitRate)} ${percent(m.coverage)}`,
        ),
        ...result.warnings.map((w) => `  note: ${w.message}`),
      ].join('\n'),
  );
  return 0;
}

function similarCommand(values: OptionValues, out: Output): number {
  const path = text(values, 'products');
  const idColumn = text(values, 'id-col');
  const textColumns = text(values, 'text-col');
  const item = text(values, 'item');
  if (!path || !idColumn || !textColumns || item === undefined)
    throw new UsageError('similar needs --products <file.csv> --id-col ID --text-col TEXT --item ITEM');
  const k = numberOption(values, 'k') ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError('--k must be a whole number from 1 to 100');
  const result = similarFromFile({
    path: resolve(path),
    idColumn,
    textColumns: textColumns.split(',').map((column) => column.trim()),
    item,
    k,
  });
  out.result(result, () =>
    [
      result.similar.length === 0
        ? `No product in ${path} shares a word with "${item}".`
        : `Products whose text reads most like "${item}":`,
      ...result.similar.map(({ id, score }) => `  ${id.padEnd(16)} ${score.toFixed(3)}`),
      ...(result.productsWithoutText > 0
        ? [`  note: ${result.productsWithoutText} products have no text and cannot be compared.`]
        : []),
    ].join('\n'),
  );
  return 0;
}

async function basketCommand(values: OptionValues, out: Output): Promise<number> {
  const options = parseOptions(basketOptionsSchema, {
    // Online Retail's 20,000 orders give readable rules at 0.5%; a small shop may need --min-support 0.01.
    minSupport: numberOption(values, 'min-support') ?? 0.005,
    minConfidence: numberOption(values, 'min-confidence'),
    maxLength: numberOption(values, 'max-length'),
    maxBasketSize: numberOption(values, 'max-basket'),
  });
  const outPath = text(values, 'out');
  const { summary, top } = await withProject(values, 'basket', (db) => {
    const run = runBasketAnalysis(db, options, quiet);
    if (outPath) writeFileSync(resolve(outPath), basketRulesCsv(db).csv);
    const page = { sort: 'lift', descending: true, search: '', offset: 0, limit: 10 } as const;
    return { summary: run, top: run.rules > 0 ? basketRules(db, page).rows : [] };
  });
  const topRules = top.map((rule) => ({
    antecedent: rule.antecedent.map(productLabel),
    consequent: productLabel(rule.consequent),
    support: rule.support,
    confidence: rule.confidence,
    lift: rule.lift,
  }));
  out.result(
    {
      runId: summary.runId,
      baskets: summary.baskets,
      basketsSkipped: summary.basketsSkipped,
      frequentItems: summary.frequentItems,
      frequentPairs: summary.itemsetsByLength[1] ?? 0,
      itemsetsByLength: summary.itemsetsByLength,
      rules: summary.rules,
      durationMs: summary.durationMs,
      topRules,
      warnings: summary.warnings,
      ...(outPath && { out: resolve(outPath) }),
    },
    () =>
      [
        `${summary.baskets} orders: ${summary.frequentItems} frequent products, ${summary.itemsetsByLength[1] ?? 0} frequent pairs, ${summary.rules} rules.`,
        ...topRules.map(
          (r) =>
            `  ${r.antecedent.join(' + ')} → ${r.consequent}  (lift ${r.lift.toFixed(2)}, confidence ${(r.confidence * 100).toFixed(0)}%)`,
        ),
        ...summary.warnings.map((w) => `  note: ${w.message}`),
        ...(outPath ? [`Wrote ${resolve(outPath)}`] : []),
      ].join('\n'),
  );
  return 0;
}

/** The recommendations area's commands. */
export const recommendationsCli: CliModule = {
  help: [
    '  marketlens recommend --project <p.mlens> [--method hybrid|item-knn|content|popular|rules] [--k 10]',
    '                   [--out recs.csv]      Top products for every customer, each with its reason',
    '  marketlens recommend evaluate --project <p.mlens> --split-date YYYY-MM-DD [--k 10]',
    '                                          Precision, recall, hit rate and coverage of each method on a time split',
    '  marketlens similar --products <file.csv> --id-col ID --text-col TEXT[,TEXT2] --item ITEM [--k 5]',
    '                                          Products whose names or descriptions read most alike (no project)',
    '  marketlens basket --project <p.mlens> [--min-support 0.005] [--min-confidence 0.1] [--max-length 2]',
    '                   [--max-basket 50] [--out rules.csv]',
    '                                          Products bought together: frequent itemsets and association rules',
  ],
  options: {
    method: { type: 'string' },
    'split-date': { type: 'string' },
    products: { type: 'string' },
    'id-col': { type: 'string' },
    'text-col': { type: 'string' },
    item: { type: 'string' },
    'min-support': { type: 'string' },
    'min-confidence': { type: 'string' },
    'max-length': { type: 'string' },
    'max-basket': { type: 'string' },
  },
  async run(positionals, values, out) {
    const [command, subcommand] = positionals;
    if (command === 'recommend' && subcommand === 'evaluate') return evaluateCommand(values, out);
    if (command === 'recommend' && subcommand === undefined) return recommendCommand(values, out);
    if (command === 'similar') return similarCommand(values, out);
    if (command === 'basket') return basketCommand(values, out);
    return null;
  },
};
