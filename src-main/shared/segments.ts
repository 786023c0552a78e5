/**
 * Rule-based segments: a tree of AND/OR groups over customer fields and metrics. The schema is the contract (every
 * door parses it before the core sees it); analytics/segment-sql.ts compiles a parsed tree to parameterised SQL,
 * taking field names from its own table, never from the request.
 */
import { z } from 'zod';

export const TEXT_FIELDS = ['country', 'city', 'email', 'externalId'] as const;
export const NUMBER_FIELDS = [
  'orders',
  'revenue',
  'averageOrderValue',
  'daysSinceLastOrder',
  'distinctProducts',
] as const;
export const DATE_FIELDS = ['firstOrderAt', 'lastOrderAt'] as const;
export const CONSENT_FIELDS = ['emailConsent', 'smsConsent'] as const;
export const BOUGHT_FIELDS = ['productsBought', 'categoriesBought'] as const;

export const TEXT_OPS = ['is', 'isNot', 'contains', 'isEmpty', 'isNotEmpty'] as const;
export const NUMBER_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'between'] as const;
/** `withinDays`/`notWithinDays` count back from the project's latest order, not from today: exports are often old. */
export const DATE_OPS = ['before', 'after', 'between', 'withinDays', 'notWithinDays'] as const;

const text = z.string().trim().max(200);
const values = z.array(text).max(1000);

const textCondition = z
  .object({
    field: z.enum(TEXT_FIELDS),
    op: z.enum(TEXT_OPS),
    /** `is`/`isNot` match any of the values (case-insensitive); `contains` any as a substring. */
    values: values.default([]),
  })
  .strict();

const numberCondition = z
  .object({
    field: z.enum(NUMBER_FIELDS),
    op: z.enum(NUMBER_OPS),
    value: z.number().finite(),
    /** The upper bound of `between` (inclusive). */
    value2: z.number().finite().optional(),
  })
  .strict();

const dateCondition = z
  .object({
    field: z.enum(DATE_FIELDS),
    op: z.enum(DATE_OPS),
    /** Epoch ms for before/after/between; a number of days for withinDays/notWithinDays. */
    value: z.number().finite(),
    value2: z.number().finite().optional(),
  })
  .strict();

const consentCondition = z
  .object({ field: z.enum(CONSENT_FIELDS), op: z.literal('is'), value: z.enum(['yes', 'no', 'unknown']) })
  .strict();

const boughtCondition = z
  .object({
    field: z.enum(BOUGHT_FIELDS),
    /** `any`: bought at least one of them; `none`: bought none of them. SKUs or category names. */
    op: z.enum(['any', 'none']),
    values: values.min(1),
  })
  .strict();

const rfmCondition = z
  .object({
    field: z.literal('rfmSegment'),
    op: z.enum(['in', 'notIn']),
    /** Segment names of the latest RFM analysis. */
    values: values.min(1),
  })
  .strict();

const clusterCondition = z
  .object({
    field: z.literal('cluster'),
    op: z.enum(['in', 'notIn']),
    runId: z.number().int().positive(),
    clusters: z.array(z.number().int().min(0).max(99)).min(1).max(100),
  })
  .strict();

const scoreCondition = z
  .object({
    field: z.literal('modelScore'),
    /** A model that has scored the customers; customers it has not scored never match. */
    modelId: z.number().int().positive(),
    op: z.enum(NUMBER_OPS),
    /** Scores are probabilities, 0 to 1. */
    value: z.number().finite(),
    value2: z.number().finite().optional(),
  })
  .strict();

export const conditionSchema = z.discriminatedUnion('field', [
  textCondition,
  numberCondition,
  dateCondition,
  consentCondition,
  boughtCondition,
  rfmCondition,
  clusterCondition,
  scoreCondition,
]);

export type Condition = z.infer<typeof conditionSchema>;
export type ConditionField = Condition['field'];

export interface RuleGroup {
  combinator: 'and' | 'or';
  rules: (Condition | RuleGroup)[];
}

/** Groups nest at most this deep and hold at most this many conditions in all: enough for people, bounded SQL. */
export const MAX_DEPTH = 4;
export const MAX_CONDITIONS = 50;

function depthAndCount(group: RuleGroup, depth = 1): { depth: number; count: number } {
  let deepest = depth;
  let count = 0;
  for (const rule of group.rules) {
    if ('combinator' in rule) {
      const inner = depthAndCount(rule, depth + 1);
      deepest = Math.max(deepest, inner.depth);
      count += inner.count;
    } else count++;
  }
  return { depth: deepest, count };
}

export const ruleGroupSchema: z.ZodType<RuleGroup> = z
  .lazy(() =>
    z
      .object({
        combinator: z.enum(['and', 'or']),
        rules: z.array(z.union([conditionSchema, ruleGroupSchema])).max(MAX_CONDITIONS),
      })
      .strict(),
  )
  .superRefine((group, ctx) => {
    const { depth, count } = depthAndCount(group);
    if (depth > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: `Groups can nest at most ${MAX_DEPTH} deep.` });
    if (count > MAX_CONDITIONS)
      ctx.addIssue({ code: 'custom', message: `A segment can have at most ${MAX_CONDITIONS} conditions.` });
  });

export function isGroup(rule: Condition | RuleGroup): rule is RuleGroup {
  return 'combinator' in rule;
}

export interface SegmentCustomerRow {
  customerId: number;
  externalId: string;
  email: string | null;
  name: string | null;
  country: string | null;
  orders: number;
  revenue: number;
  lastOrderAt: number | null;
}

export interface SegmentPreview {
  members: number;
  /** Customers in the project, for "12% of customers". */
  customers: number;
  revenue: number;
  sample: SegmentCustomerRow[];
  /** How long the count took, so the builder can show that it is live. */
  milliseconds: number;
  /** The latest order (epoch ms), which "within the last N days" counts back from. */
  referenceTime: number;
}

export interface SegmentInfo {
  id: number;
  name: string;
  description: string;
  kind: 'rules' | 'cluster';
  rules: RuleGroup;
  createdAt: number;
  updatedAt: number;
  /** Members now (rules are evaluated afresh, so this follows new imports). */
  members: number;
  snapshots: { id: number; takenAt: number; members: number }[];
}

export interface FieldValue {
  value: string;
  label: string;
  customers: number;
}
