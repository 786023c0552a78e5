/**
 * Market-basket mining on UCI Online Retail (basket = invoice, item = StockCode, valid lines only: no 'C'
 * invoice, quantity > 0, price > 0; about 20k baskets × 4k products) at minimum support 0.005, and on
 * Groceries_dataset.csv at the reference's 0.001 (references/README.md). Parsing is timed apart from the mining
 * (the app reads the baskets from its database, not from the CSV); mining times are medians of several runs, the
 * target being under 2 s for Online Retail. Prints JSON.
 *
 * Run: npx tsx bench/basket.ts [runs, default 5]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvParser } from '../src-main/io/csv';
import {
  basketsFromPairs,
  estimateItemsets,
  mineBaskets,
  type BasketOptions,
  type Baskets,
  type BasketResult,
} from '../src-main/ml/basket';
import { round, timed } from './stats';

const ONLINE_RETAIL = fileURLToPath(new URL('../../shared/data/online_retail_uci/online_retail.csv', import.meta.url));
const GROCERIES = fileURLToPath(new URL('../../shared/data/groceries_basket/Groceries_dataset.csv', import.meta.url));

export interface NamedBaskets {
  baskets: Baskets;
  /** Label of each item index. */
  names: string[];
}

/** Dense indices for keys in order of first appearance. */
class Dictionary {
  readonly index = new Map<string, number>();

  id(key: string): number {
    let id = this.index.get(key);
    if (id === undefined) this.index.set(key, (id = this.index.size));
    return id;
  }
}

/** Builds baskets from (basket key, item key) pairs streamed by `forEachLine`. */
function collect(forEachLine: (add: (basket: string, item: string) => void) => void) {
  const basketKeys = new Dictionary();
  const itemKeys = new Dictionary();
  const basketIds: number[] = [];
  const itemIds: number[] = [];
  forEachLine((basket, item) => {
    basketIds.push(basketKeys.id(basket));
    itemIds.push(itemKeys.id(item));
  });
  return {
    baskets: basketsFromPairs(Int32Array.from(basketIds), Int32Array.from(itemIds)),
    itemKeys: [...itemKeys.index.keys()],
  };
}

/** Online Retail's valid lines as baskets; items named "StockCode description" (the first description seen). */
export function loadOnlineRetail(file = ONLINE_RETAIL): NamedBaskets {
  const text = readFileSync(file, 'utf8');
  const descriptions = new Map<string, string>();
  const { baskets, itemKeys } = collect((add) => {
    const parser = new CsvParser();
    let header = true;
    const take = (records: string[][]) => {
      for (const [invoice = '', stockCode = '', description = '', quantity = '', , price = ''] of records) {
        if (header) {
          header = false;
          continue;
        }
        if (invoice.startsWith('C') || !(Number(quantity) > 0) || !(Number(price) > 0)) continue;
        if (description && !descriptions.has(stockCode)) descriptions.set(stockCode, description);
        add(invoice, stockCode);
      }
    };
    // Chunks, so that only one chunk's records are alive at a time.
    for (let at = 0; at < text.length; at += 1 << 20) take(parser.push(text.slice(at, at + (1 << 20))));
    take(parser.end());
  });
  return { baskets, names: itemKeys.map((code) => `${code} ${descriptions.get(code) ?? ''}`.trim()) };
}

/** Groceries: basket = one member on one date; the file has no quoted fields. */
export function loadGroceries(file = GROCERIES): NamedBaskets {
  const { baskets, itemKeys } = collect((add) => {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const [member = '', date = '', item = ''] = line.trim().split(',');
      add(`${member}|${date}`, item);
    }
  });
  return { baskets, names: itemKeys };
}

function describeResult(result: BasketResult, names: string[], topRules: number) {
  return {
    basketsUsed: result.basketsUsed,
    basketsSkipped: result.basketsSkipped,
    minCount: result.minCount,
    frequentItems: result.frequentItemCount,
    itemsetsByLength: result.itemsets.map((sets) => sets.length),
    rules: result.rules.length,
    topRulesByLift: result.rules.slice(0, topRules).map((rule) => ({
      rule: `${rule.antecedent.map((item) => names[item]).join(' + ')} → ${names[rule.consequent]}`,
      support: round(rule.support, 6),
      confidence: round(rule.confidence, 6),
      lift: round(rule.lift, 6),
    })),
  };
}

/** Parses `load` once, then times the estimate and the mining `runs` times each. */
export function benchDataset(
  load: () => NamedBaskets,
  options: Omit<BasketOptions, 'onProgress' | 'throwIfCancelled'>,
  runs: number,
  topRules = 10,
) {
  const parsed = timed(1, load);
  const { baskets, names } = parsed.value;
  const estimate = timed(runs, () => estimateItemsets(baskets, options));
  const mined = timed(runs, () => mineBaskets(baskets, options));
  return {
    parseSeconds: parsed.medianSeconds,
    baskets: baskets.offsets.length - 1,
    products: baskets.itemCount,
    basketLines: baskets.items.length,
    options,
    estimate: {
      medianSeconds: estimate.medianSeconds,
      upperBounds: estimate.value.upperBounds,
      tooMany: estimate.value.tooMany,
    },
    mineMedianSeconds: mined.medianSeconds,
    ...describeResult(mined.value, names, topRules),
  };
}

export function runBasketBench(runs = 5) {
  const onlineRetail = { minSupport: 0.005, minConfidence: 0.05 };
  return {
    bench: 'basket',
    runs,
    onlineRetail: benchDataset(loadOnlineRetail, onlineRetail, runs),
    onlineRetailTriples: benchDataset(loadOnlineRetail, { ...onlineRetail, maxLength: 3 }, runs, 5),
    groceries: benchDataset(loadGroceries, { minSupport: 0.001, minConfidence: 0.05 }, runs, 5),
    goals: { onlineRetailMineSeconds: 2 },
    reference: { groceries: { frequentItems: 149, pairs: 592, rules: 423 } },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5);
  console.log(JSON.stringify(runBasketBench(runs), null, 2));
}
