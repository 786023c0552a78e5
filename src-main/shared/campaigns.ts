/**
 * The campaigns area's part of the contract: its operations, its job requests and their results (merged into
 * contract.ts and dto.ts). A campaign is built from a spec (who, how narrowed, which personal fields, how large a
 * holdout), saved with its members frozen, then exported to destination files and measured against its holdout.
 */
import { z } from 'zod';
import { op } from './op';

const rowId = z.number().int().positive();
const shortText = z.string().trim().min(1).max(80);
/** A file the user picked or uploaded (import.pickFile, POST /upload); jobs.start gives the worker its path. */
const fileId = z.string().min(1).max(200);

/** The destination presets (io/destinations.ts), listed here because the renderer cannot import that module. */
export const CAMPAIGN_PRESETS = ['mailchimp', 'klaviyo', 'brevo', 'hubspot', 'meta', 'google', 'csv', 'xlsx'] as const;
export type CampaignPreset = (typeof CAMPAIGN_PRESETS)[number];
/** Presets that need an email address on every row (Brevo also takes a phone number, so it is not here). */
export const EMAIL_PRESETS: readonly CampaignPreset[] = ['mailchimp', 'klaviyo', 'hubspot'];
/** Presets that ad platforms serve only above about this many matched people. */
export const PRESET_MIN_AUDIENCE: Partial<Record<CampaignPreset, number>> = { meta: 100, google: 100 };

export const PERSONAL_FIELDS = ['firstName', 'segment', 'clvBand', 'recs', 'offer', 'coupon'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const RESPONSE_METRICS = ['orders', 'clicks', 'opens'] as const;
export type ResponseMetric = (typeof RESPONSE_METRICS)[number];

/** What `campaign create --spec` reads and the wizard sends; documented in the README. */
export const campaignSpecSchema = z
  .object({
    name: shortText,
    audience: z
      .object({
        /** Saved segments, by id or by name. */
        segments: z
          .array(z.union([rowId, shortText]))
          .max(50)
          .default([]),
        /** Segment names of the latest RFM analysis ("Champions", "At risk"…). */
        rfmSegments: z.array(shortText).max(50).default([]),
      })
      .strict()
      .refine((a) => a.segments.length + a.rfmSegments.length > 0, 'Choose at least one segment for the audience.'),
    /** Keeps the customers a model rates highest: the best `value` customers, the top `value` %, or score ≥ `value`. */
    score: z
      .object({
        modelId: rowId,
        rule: z.enum(['top', 'topPercent', 'above']),
        value: z.number().finite().min(0),
      })
      .strict()
      .optional(),
    channel: z.enum(['email', 'sms']).default('email'),
    /** Only customers who said yes to marketing on the channel. */
    requireConsent: z.boolean().default(true),
    /** Leave out unsubscribes, bounces, complaints and the do-not-contact list. */
    applySuppressions: z.boolean().default(true),
    /** Leave out customers exported by another campaign in the last N days; 0 keeps them. */
    excludeContactedDays: z.number().int().min(0).max(3650).default(0),
    holdoutPercent: z.number().min(0).max(50).default(10),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    /** Offer text per segment name or value band (`High`, `Medium`, `Low`); `defaultOffer` for everyone else. */
    offers: z.record(z.string().trim().min(1).max(80), z.string().trim().max(200)).default({}),
    defaultOffer: z.string().trim().max(200).default(''),
    /** e.g. `SPRING-{XXXX}-{9999}` (io/coupon-codes.ts); one code per contacted customer. */
    couponPattern: z.string().trim().min(1).max(64).optional(),
    /** Personal columns added to files of destinations that take extra columns. */
    fields: z.array(z.enum(PERSONAL_FIELDS)).max(PERSONAL_FIELDS.length).default([]),
  })
  .strict();

export type CampaignSpec = z.output<typeof campaignSpecSchema>;
export type CampaignSpecInput = z.input<typeof campaignSpecSchema>;

export const exportOptionsSchema = z
  .object({
    preset: z.enum(CAMPAIGN_PRESETS),
    /** Google only (Meta is always hashed). */
    hashed: z.boolean().default(false),
    /** ISO-2 or a country name, for phone numbers and addresses without a country. */
    defaultCountry: z.string().trim().max(60).optional(),
    encoding: z.enum(['utf-8', 'gbk', 'windows-1252']).optional(),
    bom: z.boolean().optional(),
    delimiter: z.enum([',', ';', '\t']).optional(),
    /** Klaviyo: an email list or an SMS list. */
    identifier: z.enum(['email', 'phone']).optional(),
    /** Columns beyond the destination's own; the campaign's personal fields unless given. */
    fields: z.array(z.enum(PERSONAL_FIELDS)).max(PERSONAL_FIELDS.length).optional(),
  })
  .strict();

export type CampaignExportOptions = z.output<typeof exportOptionsSchema>;

export interface FunnelCounts {
  /** Customers in any chosen segment. */
  inSegments: number;
  /** …still there after the model-score rule (equal to inSegments without one). */
  afterScore: number;
  /** Left out for lack of consent on the channel. */
  noConsent: number;
  suppressed: number;
  recentlyContacted: number;
  /** What is left: the campaign's members, holdout included. */
  eligible: number;
  holdout: number;
  /** Members who will be contacted (eligible − holdout). */
  treated: number;
  /** Treated members with an email address / phone number on file (not yet checked for validity). */
  withEmail: number;
  withPhone: number;
}

export interface BalanceRow {
  stratum: string;
  customers: number;
  holdout: number;
  treated: number;
  /** Mean revenue and orders per customer in each group. */
  holdoutRevenue: number | null;
  treatedRevenue: number | null;
  holdoutOrders: number | null;
  treatedOrders: number | null;
}

export interface HoldoutSummary {
  share: number;
  rows: BalanceRow[];
  /** Standardised mean differences overall (|d| < 0.1 is usually called balanced). */
  revenueDifference: number | null;
  ordersDifference: number | null;
}

export interface CampaignPreview {
  funnel: FunnelCounts;
  holdout: HoldoutSummary;
  /** Plain sentences about missing inputs (no CLV yet, no recommendations…). */
  notes: string[];
}

export interface CampaignExportInfo {
  id: number;
  campaignId: number;
  exportedAt: number;
  preset: CampaignPreset;
  fileName: string;
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: string;
  bytes: number;
  rows: number;
  skipped: number;
  hashed: boolean;
}

export interface CampaignInfo {
  id: number;
  name: string;
  createdAt: number;
  spec: CampaignSpec;
  funnel: FunnelCounts;
  exports: number;
  lastExportAt: number | null;
}

export interface CampaignDetail extends CampaignInfo {
  holdout: HoldoutSummary;
  history: CampaignExportInfo[];
  results: CampaignResults[];
}

export interface SkipExample {
  customerId: string;
  reason: string;
  message: string;
}

export interface ExportSummary extends CampaignExportInfo {
  skippedByReason: Record<string, number>;
  /** The first few skipped customers per reason, for the user to fix at the source. */
  examples: SkipExample[];
  warnings: { code: string; message: string }[];
}

export interface GroupFigures {
  customers: number;
  responders: number;
  rate: number;
  revenuePerCustomer: number | null;
}

export interface IntervalFigures {
  estimate: number;
  low: number;
  high: number;
}

export interface CampaignResults {
  id: number;
  campaignId: number;
  measuredAt: number;
  source: 'file' | 'orders';
  /** The results file's name, or null for orders. */
  fileName: string | null;
  metric: ResponseMetric;
  /** Orders after this moment count (orders source), else null. */
  windowStart: number | null;
  windowEnd: number | null;
  /** Rows of the results file that matched a member, of rows read. */
  matchedRows: number | null;
  fileRows: number | null;
  treated: GroupFigures;
  holdout: GroupFigures;
  absolute: IntervalFigures;
  relative: IntervalFigures | null;
  revenue: IntervalFigures | null;
  pValue: number;
  significant: boolean;
}

export interface SuppressionSummary {
  total: number;
  byReason: Record<SuppressionReason, number>;
}

export interface SuppressReport {
  fileName: string;
  rows: number;
  added: number;
  /** Already on the list. */
  duplicates: number;
  /** Rows with no usable email, phone or customer id, with the first few for the user. */
  invalid: number;
  invalidExamples: { row: number; value: string; problem: string }[];
  summary: SuppressionSummary;
}

export interface AudienceOptions {
  segments: { id: number; name: string; members: number }[];
  rfmSegments: { name: string; customers: number }[];
  models: { id: number; name: string; customers: number }[];
  hasClv: boolean;
  hasRecommendations: boolean;
  suppressions: SuppressionSummary;
}

export interface CampaignFile {
  fileName: string;
  mimeType: string;
  /** The file's bytes in base64: exports are binary when XLSX or GBK. */
  base64: string;
}

export const campaignsOperations = {
  /** What an audience can be built from: segments, RFM segments, models, and the suppression list's size. */
  'campaigns.options': op<AudienceOptions>()(z.object({}).strict(), ['NO_PROJECT']),
  'campaigns.list': op<CampaignInfo[]>()(z.object({}).strict(), ['NO_PROJECT']),
  'campaigns.get': op<CampaignDetail>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  'campaigns.delete': op<null>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  /** A logged export's file, for the renderer to offer as a download (re-created from the campaign if need be). */
  'campaigns.download': op<CampaignFile>()(z.object({ exportId: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  'campaigns.clearSuppressions': op<SuppressionSummary>()(z.object({}).strict(), ['NO_PROJECT']),
} as const;

/** Requests `jobs.start` accepts for this area's long work (each a strict object with a literal `kind`). */
export const CAMPAIGNS_JOB_REQUESTS = [
  z.object({ kind: z.literal('campaign-create'), spec: campaignSpecSchema }).strict(),
  exportOptionsSchema.extend({ kind: z.literal('campaign-export'), campaignId: rowId }).strict(),
  /** The funnel counts and holdout balance of a spec, without saving anything. */
  z.object({ kind: z.literal('campaign-preview'), spec: campaignSpecSchema }).strict(),
  /** Response and revenue of contacted against held-out members, from a results file or from later orders. */
  z
    .object({
      kind: z.literal('campaign-measure'),
      campaignId: rowId,
      /** A picked or uploaded results file; without one, the orders imported after the campaign went out. */
      fileId: fileId.optional(),
      metric: z.enum(RESPONSE_METRICS).optional(),
      /** Orders source: days after the first export (or the campaign's creation) that count. */
      days: z.number().int().min(1).max(365).default(30),
    })
    .strict(),
  /** Adds the emails, phones or customer ids of a picked or uploaded file to the do-not-contact list. */
  z
    .object({
      kind: z.literal('campaign-suppress'),
      fileId,
      reason: z.enum(SUPPRESSION_REASONS).default('manual'),
      defaultCountry: z.string().trim().max(60).optional(),
    })
    .strict(),
] as const;

/** The result each of this area's job kinds carries once it has succeeded. */
export interface CampaignsJobResults {
  'campaign-create': CampaignInfo;
  'campaign-export': ExportSummary;
  'campaign-preview': CampaignPreview;
  'campaign-measure': CampaignResults;
  'campaign-suppress': SuppressReport;
}
