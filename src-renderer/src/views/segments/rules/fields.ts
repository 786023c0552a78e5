import type { Condition, ConditionField, RuleGroup } from '@shared/segments';
import { isGroup } from '@shared/segments';

/** How a field is edited: which operators it offers and what kind of value box. */
export type FieldKind = 'text' | 'number' | 'date' | 'consent' | 'bought' | 'rfm' | 'cluster' | 'score';

const KIND: Record<ConditionField, FieldKind> = {
  country: 'text',
  city: 'text',
  email: 'text',
  externalId: 'text',
  orders: 'number',
  revenue: 'number',
  averageOrderValue: 'number',
  daysSinceLastOrder: 'number',
  distinctProducts: 'number',
  firstOrderAt: 'date',
  lastOrderAt: 'date',
  emailConsent: 'consent',
  smsConsent: 'consent',
  productsBought: 'bought',
  categoriesBought: 'bought',
  rfmSegment: 'rfm',
  cluster: 'cluster',
  modelScore: 'score',
};

/** The clusters of the latest clustering run, for the "cluster is" condition. */
export interface ClusterChoice {
  runId: number;
  clusters: { value: number; label: string }[];
}

/** What the analysis fields can refer to: the latest clusters, and the models that have scored customers. */
export interface AnalysisChoices {
  clusters: ClusterChoice | null;
  models: { value: number; label: string }[];
}

export const kindOf = (field: ConditionField): FieldKind => KIND[field];

/** The field menu, grouped the way a marketer thinks: who they are, how they buy, what they bought, our analyses. */
export const FIELD_GROUPS: { key: string; fields: ConditionField[] }[] = [
  { key: 'customer', fields: ['country', 'city', 'email', 'externalId', 'emailConsent', 'smsConsent'] },
  {
    key: 'orders',
    fields: [
      'orders',
      'revenue',
      'averageOrderValue',
      'daysSinceLastOrder',
      'distinctProducts',
      'firstOrderAt',
      'lastOrderAt',
    ],
  },
  { key: 'purchases', fields: ['productsBought', 'categoriesBought'] },
  { key: 'analyses', fields: ['rfmSegment', 'cluster', 'modelScore'] },
];

export const OPERATORS: Record<FieldKind, string[]> = {
  text: ['is', 'isNot', 'contains', 'isEmpty', 'isNotEmpty'],
  number: ['ge', 'gt', 'le', 'lt', 'eq', 'ne', 'between'],
  date: ['withinDays', 'notWithinDays', 'before', 'after', 'between'],
  consent: ['is'],
  bought: ['any', 'none'],
  rfm: ['in', 'notIn'],
  cluster: ['in', 'notIn'],
  score: ['ge', 'gt', 'le', 'lt', 'between'],
};

/** Fields whose values the core can list (most common first) for the value picker. */
export const LISTED_VALUES = ['country', 'city', 'productsBought', 'categoriesBought', 'rfmSegment'] as const;
export type ListedField = (typeof LISTED_VALUES)[number];
export const isListed = (field: ConditionField): field is ListedField =>
  (LISTED_VALUES as readonly string[]).includes(field);

const DAY_MS = 86_400_000;

/** A sensible first condition for a field, so that choosing a field gives something that already counts. */
export function defaultCondition(field: ConditionField, choices: AnalysisChoices): Condition {
  switch (kindOf(field)) {
    case 'text':
      return { field, op: 'is', values: [] } as Condition;
    case 'number':
      return { field, op: 'ge', value: field === 'daysSinceLastOrder' ? 90 : field === 'orders' ? 2 : 0 } as Condition;
    case 'date':
      return { field, op: 'withinDays', value: 90 } as Condition;
    case 'consent':
      return { field, op: 'is', value: 'yes' } as Condition;
    case 'bought':
      return { field, op: 'any', values: [] } as Condition;
    case 'rfm':
      return { field: 'rfmSegment', op: 'in', values: [] };
    case 'cluster':
      return { field: 'cluster', op: 'in', runId: choices.clusters?.runId ?? 1, clusters: [] };
    case 'score':
      return { field: 'modelScore', modelId: choices.models[0]?.value ?? 1, op: 'ge', value: 0.5 };
  }
}

/** Keeps what a condition's new operator can use; dates switch between days and calendar dates. */
export function withOperator(condition: Condition, op: string, today: number): Condition {
  const next = { ...condition, op } as Condition & { value?: number; value2?: number };
  if (kindOf(condition.field) === 'date') {
    const counts = op === 'withinDays' || op === 'notWithinDays';
    const wasCount = condition.op === 'withinDays' || condition.op === 'notWithinDays';
    if (counts && !wasCount) next.value = 90;
    if (!counts && wasCount) next.value = today - 90 * DAY_MS;
  }
  if (op === 'between' && next.value2 === undefined && next.value !== undefined)
    next.value2 = kindOf(condition.field) === 'date' ? next.value + 30 * DAY_MS : next.value * 2 || 100;
  if (op !== 'between') delete next.value2;
  return next;
}

/** A condition the user has not finished (no value chosen yet) is left out of the count and blocks saving. */
export function isComplete(condition: Condition): boolean {
  if ('values' in condition)
    return condition.values.length > 0 || condition.op === 'isEmpty' || condition.op === 'isNotEmpty';
  if ('clusters' in condition) return condition.clusters.length > 0;
  if (condition.op === 'between') return 'value2' in condition && condition.value2 !== undefined;
  return true;
}

export function completeRules(group: RuleGroup): RuleGroup {
  return {
    combinator: group.combinator,
    rules: group.rules.flatMap((rule): (Condition | RuleGroup)[] =>
      isGroup(rule) ? [completeRules(rule)] : isComplete(rule) ? [rule] : [],
    ),
  };
}

export function countIncomplete(group: RuleGroup): number {
  return group.rules.reduce((n, rule) => n + (isGroup(rule) ? countIncomplete(rule) : isComplete(rule) ? 0 : 1), 0);
}
