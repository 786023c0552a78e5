/**
 * Compiles a rule tree (shared/segments.ts) to a SQL condition over `customers c LEFT JOIN customer_metrics m`.
 * Every value the user typed becomes a `?` parameter; column names and operators come from the tables below, so no
 * request can change the shape of the statement (DESIGN.md §5).
 */
import { CoreError } from '../shared/errors';
import { isGroup, type Condition, type RuleGroup } from '../shared/segments';

const DAY_MS = 86_400_000;

export interface CompiledRules {
  where: string;
  params: (string | number)[];
}

export interface CompileContext {
  /** Epoch ms that "days since" and "within N days" count back from: the project's latest order. */
  referenceTime: number;
}

/** The FROM clause every compiled condition is written against. */
export const SEGMENT_FROM = 'customers c LEFT JOIN customer_metrics m ON m.customer_id = c.id';

const TEXT_COLUMNS = { country: 'c.country', city: 'c.city', email: 'c.email', externalId: 'c.external_id' } as const;
const NUMBER_COLUMNS = {
  orders: 'coalesce(m.orders, 0)',
  revenue: 'coalesce(m.revenue, 0)',
  // NULL for customers without orders, so every comparison leaves them out.
  averageOrderValue: 'm.revenue / m.orders',
  daysSinceLastOrder: `((? - m.last_order_at) / ${DAY_MS})`,
  distinctProducts: 'coalesce(m.distinct_products, 0)',
} as const;
const NUMBER_OPERATORS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;
const DATE_COLUMNS = { firstOrderAt: 'm.first_order_at', lastOrderAt: 'm.last_order_at' } as const;
const CONSENT_COLUMNS = { emailConsent: 'c.email_consent', smsConsent: 'c.sms_consent' } as const;
const BOUGHT_COLUMNS = { productsBought: 'p.sku', categoriesBought: 'p.category' } as const;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function range(value: number, value2: number | undefined): [number, number] {
  if (value2 === undefined)
    throw new CoreError('VALIDATION', '"Between" needs two values: a lower and an upper bound.');
  if (value2 < value)
    throw new CoreError('VALIDATION', `"Between ${value} and ${value2}" is empty: put the smaller value first.`);
  return [value, value2];
}

function compileCondition(rule: Condition, context: CompileContext, params: (string | number)[]): string {
  switch (rule.field) {
    case 'country':
    case 'city':
    case 'email':
    case 'externalId': {
      const column = TEXT_COLUMNS[rule.field];
      if (rule.op === 'isEmpty') return `(${column} IS NULL OR trim(${column}) = '')`;
      if (rule.op === 'isNotEmpty') return `(${column} IS NOT NULL AND trim(${column}) <> '')`;
      const wanted = rule.values.filter((value) => value !== '').map((value) => value.toLowerCase());
      if (wanted.length === 0)
        throw new CoreError('VALIDATION', `Give at least one value to compare ${rule.field} with.`);
      params.push(...wanted);
      if (rule.op === 'contains') return `(${wanted.map(() => `instr(lower(${column}), ?) > 0`).join(' OR ')})`;
      const list = `lower(trim(${column})) IN (${placeholders(wanted.length)})`;
      return rule.op === 'is' ? list : `(${column} IS NULL OR NOT ${list})`;
    }
    case 'orders':
    case 'revenue':
    case 'averageOrderValue':
    case 'daysSinceLastOrder':
    case 'distinctProducts': {
      const column = NUMBER_COLUMNS[rule.field];
      if (rule.field === 'daysSinceLastOrder') params.push(context.referenceTime);
      if (rule.op === 'between') {
        params.push(...range(rule.value, rule.value2));
        return `${column} BETWEEN ? AND ?`;
      }
      params.push(rule.value);
      return `${column} ${NUMBER_OPERATORS[rule.op]} ?`;
    }
    case 'firstOrderAt':
    case 'lastOrderAt': {
      const column = DATE_COLUMNS[rule.field];
      switch (rule.op) {
        case 'before':
          params.push(rule.value);
          return `${column} < ?`;
        case 'after':
          params.push(rule.value);
          return `${column} >= ?`;
        case 'between':
          params.push(...range(rule.value, rule.value2));
          return `${column} BETWEEN ? AND ?`;
        case 'withinDays':
          params.push(context.referenceTime - rule.value * DAY_MS);
          return `${column} >= ?`;
        case 'notWithinDays':
          params.push(context.referenceTime - rule.value * DAY_MS);
          return `(${column} IS NULL OR ${column} < ?)`;
      }
      break;
    }
    case 'emailConsent':
    case 'smsConsent': {
      const column = CONSENT_COLUMNS[rule.field];
      if (rule.value === 'unknown') return `${column} IS NULL`;
      params.push(rule.value === 'yes' ? 1 : 0);
      return `${column} = ?`;
    }
    case 'productsBought':
    case 'categoriesBought': {
      params.push(...rule.values);
      const buyers =
        'SELECT o.customer_id FROM products p JOIN order_lines l ON l.product_id = p.id JOIN orders o ON o.id = l.order_id ' +
        `WHERE o.status = 'completed' AND o.customer_id IS NOT NULL AND ${BOUGHT_COLUMNS[rule.field]} IN (${placeholders(rule.values.length)})`;
      return `c.id ${rule.op === 'any' ? 'IN' : 'NOT IN'} (${buyers})`;
    }
    case 'rfmSegment': {
      params.push(...rule.values);
      const members =
        'SELECT customer_id FROM rfm_scores WHERE run_id = (SELECT max(id) FROM rfm_runs) ' +
        `AND segment IN (${placeholders(rule.values.length)})`;
      return `c.id ${rule.op === 'in' ? 'IN' : 'NOT IN'} (${members})`;
    }
    case 'modelScore': {
      const score = '(SELECT s.score FROM model_scores s WHERE s.model_id = ? AND s.customer_id = c.id)';
      params.push(rule.modelId);
      if (rule.op === 'between') {
        params.push(...range(rule.value, rule.value2));
        return `${score} BETWEEN ? AND ?`;
      }
      params.push(rule.value);
      return `${score} ${NUMBER_OPERATORS[rule.op]} ?`;
    }
    case 'cluster': {
      params.push(rule.runId, ...rule.clusters);
      const members = `SELECT customer_id FROM cluster_assignments WHERE run_id = ? AND cluster IN (${placeholders(rule.clusters.length)})`;
      return `c.id ${rule.op === 'in' ? 'IN' : 'NOT IN'} (${members})`;
    }
  }
  throw new CoreError('VALIDATION', 'That condition is not one MarketLens knows.');
}

function compileGroup(group: RuleGroup, context: CompileContext, params: (string | number)[]): string {
  // An empty group matches everyone: a new segment starts as "all customers" and narrows as rules are added.
  if (group.rules.length === 0) return '1';
  const parts = group.rules.map((rule) =>
    isGroup(rule) ? compileGroup(rule, context, params) : compileCondition(rule, context, params),
  );
  return `(${parts.join(group.combinator === 'and' ? ' AND ' : ' OR ')})`;
}

export function compileRules(group: RuleGroup, context: CompileContext): CompiledRules {
  const params: (string | number)[] = [];
  const where = compileGroup(group, context, params);
  return { where, params };
}
