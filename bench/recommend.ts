/**
 * Recommendations on Online Retail and at scale. Prints JSON: precision/recall/hit rate@10 and coverage of every
 * method on the 2011-11-01 time split (the reference's) and on 2011-10-01; the time to fit the default hybrid and
 * list top-10 for every customer; and the same for 100k synthetic customers × 10k products × 2M purchase lines,
 * with peak RSS. Compare with ../shared/data/references/README.md ("Recommendations on Online Retail").
 *
 * Run: npx tsx bench/recommend.ts [--no-synthetic]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { basketsFromPairs, estimateItemsets, mineBaskets } from '../src-main/ml/basket';
import { seededRandom } from '../src-main/ml/kmeans';
import { fitRecommender, recommend, type Interactions, type RecommenderOptions } from '../src-main/ml/recommend';
import { evaluateRecommenders, splitByTime, type MethodSpec } from '../src-main/ml/recommend-evaluate';
import { benchDataset, loadGroceries } from './basket';
import { median, round } from './stats';

const ONLINE_RETAIL = fileURLToPath(new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url));

export interface OnlineRetail {
  /** Valid purchase lines: not cancelled, quantity and price above 0, with a customer. */
  interactions: Interactions;
  customers: string[];
  /** StockCodes, sorted: product index i is products[i]. */
  products: string[];
  /** The first description seen for each product. */
  descriptions: string[];
}

/** Fields of one CSV line; only descriptions are ever quoted in this file (when they hold a comma or a quote). */
function fields(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** 'YYYY-MM-DD HH:MM:SS' read as UTC: only differences of times matter here. */
const parseTime = (text: string) =>
  Date.UTC(
    +text.slice(0, 4),
    +text.slice(5, 7) - 1,
    +text.slice(8, 10),
    +text.slice(11, 13),
    +text.slice(14, 16),
    +text.slice(17, 19),
  );

export function loadOnlineRetail(path = ONLINE_RETAIL): OnlineRetail {
  const rows: { customer: string; product: string; description: string; time: number; order: string }[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line) continue;
    const [order = '', product = '', description = '', quantity, date = '', price, customer = ''] = fields(line);
    if (order.startsWith('C') || !(Number(quantity) > 0) || !(Number(price) > 0) || !customer) continue;
    rows.push({ customer, product, description, time: parseTime(date), order });
  }
  const customers = [...new Set(rows.map((r) => r.customer))].sort((a, b) => Number(a) - Number(b));
  const products = [...new Set(rows.map((r) => r.product))].sort();
  const orders = new Map<string, number>();
  const customerIndex = new Map(customers.map((c, i) => [c, i]));
  const productIndex = new Map(products.map((p, i) => [p, i]));
  const descriptions = new Array<string>(products.length).fill('');
  const interactions: Interactions = {
    userCount: customers.length,
    itemCount: products.length,
    user: new Int32Array(rows.length),
    item: new Int32Array(rows.length),
    time: new Float64Array(rows.length),
    order: new Int32Array(rows.length),
  };
  rows.forEach((row, line) => {
    const item = productIndex.get(row.product) ?? 0;
    if (!descriptions[item]) descriptions[item] = row.description;
    if (!orders.has(row.order)) orders.set(row.order, orders.size);
    interactions.user[line] = customerIndex.get(row.customer) ?? 0;
    interactions.item[line] = item;
    interactions.time[line] = row.time;
    (interactions.order as Int32Array)[line] = orders.get(row.order) ?? 0;
  });
  return { interactions, customers, products, descriptions };
}

const SPLITS = ['2011-11-01', '2011-10-01'];

/** The reference's two methods, then ours; each fitted on the train part alone. */
function methods(itemText: readonly (string | undefined)[]): MethodSpec[] {
  return [
    { name: 'popularity (reference: all history)', options: { method: 'popularity', popularityDays: Infinity } },
    { name: 'popularity (last 30 days)', options: { method: 'popularity' } },
    {
      name: 'item cosine (reference: all neighbours)',
      options: { method: 'item-knn', neighbours: Infinity, shrinkage: 0 },
    },
    { name: 'item-kNN (50 neighbours, shrinkage 20)', options: { method: 'item-knn' } },
    { name: 'item-kNN + recency half-life 60 days', options: { method: 'item-knn', recencyHalfLifeDays: 60 } },
    { name: 'content (TF-IDF of descriptions)', options: { method: 'content', itemText } },
    { name: 'rules (basket confidence)', options: { method: 'rules' } },
    { name: 'hybrid (default)', options: { itemText } },
  ];
}

/** Wall and CPU seconds: on a shared machine the CPU time is the steadier of the two. */
function seconds<T>(work: () => T): { seconds: number; cpuSeconds: number; value: T } {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(cpu);
  return {
    seconds: round((performance.now() - started) / 1000),
    cpuSeconds: round((used.user + used.system) / 1e6),
    value,
  };
}

/** Texts of the products sold before the split only: a product first sold later was not in the catalogue yet. */
function evaluation(data: OnlineRetail, split: string) {
  const { train, test } = splitByTime(data.interactions, Date.parse(`${split}T00:00:00Z`));
  const sold = new Uint8Array(train.itemCount);
  for (const item of train.item) sold[item] = 1;
  const itemText = data.descriptions.map((text, item) => (sold[item] ? text : undefined));
  return methods(itemText).map((spec) => {
    const run = seconds(() => evaluateRecommenders(train, test, [spec]));
    const row = run.value[0];
    return {
      method: spec.name,
      usersEvaluated: row?.usersEvaluated,
      precisionAt10: round(row?.precision ?? NaN, 6),
      recallAt10: round(row?.recall ?? NaN, 6),
      hitRateAt10: round(row?.hitRate ?? NaN, 6),
      coverage: round(row?.coverage ?? NaN, 4),
      fitAndRecommendSeconds: run.seconds,
    };
  });
}

/** Fit on all history and list top-10 for every customer; medians of `runs`. */
function topTenForAll(data: OnlineRetail, options: RecommenderOptions, runs: number) {
  const runsMeasured = Array.from({ length: runs }, () => {
    const fit = seconds(() => fitRecommender(data.interactions, options));
    const lists = seconds(() => recommend(fit.value, { k: 10 }));
    return { fit, lists };
  });
  const fitSeconds = median(runsMeasured.map((r) => r.fit.seconds));
  const recommendSeconds = median(runsMeasured.map((r) => r.lists.seconds));
  return {
    fitSeconds,
    recommendSeconds,
    totalSeconds: round(fitSeconds + recommendSeconds),
    totalCpuSeconds: median(runsMeasured.map((r) => round(r.fit.cpuSeconds + r.lists.cpuSeconds))),
  };
}

/**
 * Market basket on the same Online Retail lines (basket = invoice of a known customer, valid lines only) at minimum
 * support 0.5% with the app's largest basket of 50 products and without a limit: estimate and mining, medians of
 * `runs`; and Groceries at the reference's 0.1% (149 frequent items, 592 pairs, 423 rules). Printed under "basket".
 */
export function basketTimings(data: OnlineRetail, runs = 3): Record<string, unknown> {
  const { order, item } = data.interactions;
  const baskets = basketsFromPairs(order ?? new Int32Array(0), item);
  const mine = (maxBasketSize: number) => {
    const options = { minSupport: 0.005, minConfidence: 0.1, maxBasketSize };
    const estimate = Array.from({ length: runs }, () => seconds(() => estimateItemsets(baskets, options)));
    const mined = Array.from({ length: runs }, () => seconds(() => mineBaskets(baskets, options)));
    const result = mined[0]?.value;
    return {
      maxBasketSize: Number.isFinite(maxBasketSize) ? maxBasketSize : null,
      estimateSeconds: median(estimate.map((run) => run.seconds)),
      mineSeconds: median(mined.map((run) => run.seconds)),
      basketsUsed: result?.basketsUsed,
      basketsSkipped: result?.basketsSkipped,
      frequentItems: result?.frequentItemCount,
      frequentPairs: result?.itemsets[1]?.length,
      rules: result?.rules.length,
    };
  };
  const groceries = benchDataset(loadGroceries, { minSupport: 0.001, minConfidence: 0.05 }, runs, 0);
  return {
    goalSeconds: 2,
    onlineRetail: { baskets: baskets.offsets.length - 1, at50: mine(50), unlimited: mine(Infinity) },
    groceries: {
      mineMedianSeconds: groceries.mineMedianSeconds,
      frequentItems: groceries.frequentItems,
      frequentPairs: groceries.itemsetsByLength[1],
      rules: groceries.rules,
      reference: { frequentItems: 149, pairs: 592, rules: 423 },
    },
  };
}

const ADJECTIVES = ['vintage', 'retro', 'classic', 'small', 'large', 'mini', 'jumbo', 'rustic', 'glass', 'wooden'];
const COLOURS = ['red', 'blue', 'pink', 'white', 'green', 'ivory', 'black', 'gold', 'silver', 'pastel', 'cream'];
const NOUNS = Array.from({ length: 40 }, (_, i) => `noun${i}`);

/**
 * Customers with tastes: 100 overlapping blocks of 300 products each (a customer buys from their block 70% of
 * the time, skewed to its head, otherwise from a catalogue-wide skewed popularity), activity skewed so that some
 * customers buy hundreds of lines, times spread over a year. Names share a noun within a block, so texts relate.
 */
function syntheticShop(customers: number, products: number, lineCount: number) {
  const random = seededRandom(42);
  const user = new Int32Array(lineCount);
  const item = new Int32Array(lineCount);
  const time = new Float64Array(lineCount);
  const start = Date.UTC(2024, 0, 1);
  for (let line = 0; line < lineCount; line++) {
    const u = Math.floor(random() ** 1.3 * customers);
    const block = (u * 7919) % 100;
    user[line] = u;
    item[line] =
      random() < 0.7
        ? (block * Math.floor(products / 100) + Math.floor(random() ** 2 * 300)) % products
        : Math.floor(random() ** 3 * products);
    time[line] = start + random() * 365 * 86_400_000;
  }
  const itemText = Array.from({ length: products }, (_, p) =>
    [
      ADJECTIVES[p % ADJECTIVES.length],
      COLOURS[(p >> 3) % COLOURS.length],
      NOUNS[Math.floor(p / 100) % NOUNS.length],
    ].join(' '),
  );
  return { interactions: { userCount: customers, itemCount: products, user, item, time }, itemText };
}

function synthetic() {
  const made = seconds(() => syntheticShop(100_000, 10_000, 2_000_000));
  const { interactions, itemText } = made.value;
  const fit = seconds(() => fitRecommender(interactions, { itemText }));
  const lists = seconds(() => recommend(fit.value, { k: 10 }));
  return {
    customers: interactions.userCount,
    products: interactions.itemCount,
    purchaseLines: interactions.user.length,
    generateSeconds: made.seconds,
    fitSeconds: fit.seconds,
    recommendSeconds: lists.seconds,
    totalSeconds: round(fit.seconds + lists.seconds),
    totalCpuSeconds: round(fit.cpuSeconds + lists.cpuSeconds),
    coldStartCustomers: lists.value.filter((r) => r.coldStart).length,
    peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    goals: { seconds: 60, peakRssMB: 1024 },
  };
}

/** In a process of its own, so that its peak RSS is its own. */
function syntheticInChild(): unknown {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--synthetic-only'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(output) as unknown;
}

function main(): void {
  if (process.argv.includes('--synthetic-only')) {
    console.log(JSON.stringify(synthetic()));
    return;
  }
  const load = seconds(() => loadOnlineRetail());
  const data = load.value;
  const result: Record<string, unknown> = {
    bench: 'recommend',
    onlineRetail: {
      purchaseLines: data.interactions.user.length,
      customers: data.customers.length,
      products: data.products.length,
      loadSeconds: load.seconds,
    },
    reference: {
      split: '2011-11-01',
      usersEvaluated: 1453,
      popularity: { precisionAt10: 0.034136, recallAt10: 0.018646, hitRateAt10: 0.251893 },
      itemCosine: { precisionAt10: 0.058156, recallAt10: 0.04447, hitRateAt10: 0.342051, scipySeconds: 2.5 },
    },
    /** CPU cores busy with other work while this ran: wall times grow with it. */
    loadAverageAtStart: round(loadavg()[0] ?? NaN, 2),
    evaluation: Object.fromEntries(SPLITS.map((split) => [split, evaluation(data, split)])),
    topTenForAllCustomers: {
      goalSeconds: 3,
      hybrid: topTenForAll(data, { itemText: data.descriptions }, 3),
      itemKnn: topTenForAll(data, { method: 'item-knn' }, 3),
    },
    basket: basketTimings(data),
  };
  if (!process.argv.includes('--no-synthetic')) result.synthetic = syntheticInChild();
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
