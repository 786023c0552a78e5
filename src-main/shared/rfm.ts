import { z } from 'zod';

const scoreRange = z.tuple([z.number().min(1).max(5), z.number().min(1).max(5)]);

/** One line of the map from score patterns to segment names: inclusive ranges on the 1–5 scale; first match wins. */
export const segmentRuleSchema = z
  .object({
    segment: z.string().trim().min(1).max(60),
    r: scoreRange.optional(),
    f: scoreRange.optional(),
    m: scoreRange.optional(),
    /** The average of the F and M scores. */
    fm: scoreRange.optional(),
  })
  .strict();
export type SegmentRuleDto = z.infer<typeof segmentRuleSchema>;

const cuts = z.array(z.number().finite()).min(2).max(4);

/** What the user can change about an analysis; the core checks that breaks increase (with a plain message). */
export const rfmOptionsSchema = z
  .object({
    /** Epoch ms; orders from then on are ignored. Default: the last order + 1 day. */
    analysisDate: z.number().int().optional(),
    levels: z.union([z.literal(3), z.literal(5)]).optional(),
    /** Cut points per metric instead of quantiles (levels − 1 of them). */
    breaks: z
      .object({ recency: cuts.optional(), frequency: cuts.optional(), monetary: cuts.optional() })
      .strict()
      .optional(),
    netOfRefunds: z.boolean().optional(),
    segmentMap: z.array(segmentRuleSchema).min(1).max(30).optional(),
  })
  .strict();
export type RfmRunOptions = z.infer<typeof rfmOptionsSchema>;

export interface RfmRunInfo {
  runId: number;
  createdAt: number;
  analysisDate: number | null;
  snapshot: number | null;
  levels: 3 | 5;
  customers: number;
}

/** How customers moved between segments from one analysis to another. */
export interface RfmMovement {
  from: RfmRunInfo;
  to: RfmRunInfo;
  /** Customers by (segment in `from`, segment in `to`); `null` = not scored in that run (new or gone). */
  flows: { from: string | null; to: string | null; customers: number }[];
}

/** An RFM analysis as the UI shows it; every customer's scores stay in the project (see `rfm.customers`). */
export interface RfmSummary {
  runId: number;
  createdAt: number;
  /** The date chosen by the user, or null for "last order + 1 day". */
  analysisDate: number | null;
  /** Epoch ms the recency is measured to. */
  snapshot: number | null;
  levels: 3 | 5;
  /** The options the analysis ran with (absent on analyses from before options were kept). */
  options?: RfmRunOptions;
  customers: number;
  segments: { segment: string; customers: number; revenue: number; revenueShare: number }[];
  /** rfGrid[r − 1][f − 1] */
  rfGrid: { r: number; f: number; customers: number; averageMonetary: number | null }[][];
  warnings: { code: string; message: string }[];
}

export interface RfmCustomerRow {
  customerId: number;
  externalId: string;
  email: string | null;
  recency: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: string;
}
