import { z } from 'zod';
import { op } from './op';
import { modelsOperations, MODELS_JOB_REQUESTS } from './models';
import { recommendationsOperations, RECOMMENDATIONS_JOB_REQUESTS } from './recommendations';
import { campaignsOperations, CAMPAIGNS_JOB_REQUESTS } from './campaigns';
import { CLUSTER_FEATURES, type ClusterSummary } from './clusters';
import { CUSTOMER_SORTS, type CustomerDetail, type CustomerListRow } from './customers';
import type { Dashboard } from './dashboard';
import {
  rfmOptionsSchema,
  type RfmCustomerRow,
  type RfmMovement,
  type RfmRunInfo,
  type RfmSummary,
  type SegmentRuleDto,
} from './rfm';
import {
  ruleGroupSchema,
  type FieldValue,
  type SegmentCustomerRow,
  type SegmentInfo,
  type SegmentPreview,
} from './segments';
import { importSettingsSchema, type ImportFileRef, type ImportSummary } from './import';
import {
  LOCALES,
  type AppInfo,
  type JobInfo,
  type ProjectEntry,
  type ProjectInfo,
  type Settings,
  type TableCount,
} from './dto';

const empty = z.object({}).strict();
const id = z.string().min(1).max(200);
const rowId = z.number().int().positive();
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) };
const segmentName = z.string().trim().min(1).max(80);

const PROJECT_OPEN_ERRORS = [
  'PROJECT_NOT_FOUND',
  'PROJECT_NOT_SQLITE',
  'PROJECT_NOT_MARKETLENS',
  'PROJECT_CORRUPT',
  'PROJECT_NEWER_VERSION',
  'PROJECT_READ_ONLY',
] as const;

/** Every operation any door offers. The preload, the IPC registration and the HTTP host derive from this map. */
export const contract = {
  'app.info': op<AppInfo>()(empty, []),
  'settings.get': op<Settings>()(empty, []),
  'settings.update': op<Settings>()(z.object({ locale: z.enum(LOCALES) }).strict(), []),

  'project.current': op<ProjectInfo | null>()(empty, []),
  'project.recent': op<ProjectEntry[]>()(empty, []),
  'project.browse': op<ProjectEntry[]>()(empty, []),
  /** `null` when the user cancels the save dialog. */
  'project.create': op<ProjectInfo | null>()(
    z
      .object({
        name: z
          .string()
          .trim()
          .min(1)
          .max(80)
          // Characters that no file system accepts in a name, control characters included.
          // eslint-disable-next-line no-control-regex
          .regex(/^[^/\\:*?"<>|\u0000-\u001f]+$/, 'Use letters, digits, spaces, dots, dashes or underscores')
          .refine((name) => !/^\.+$/.test(name), 'A name cannot be only dots'),
      })
      .strict(),
    ['PROJECT_EXISTS', 'PROJECT_READ_ONLY'],
  ),
  /** `null` when the user cancels the open dialog. */
  'project.openDialog': op<ProjectInfo | null>()(empty, PROJECT_OPEN_ERRORS),
  'project.open': op<ProjectInfo>()(z.object({ id }).strict(), [...PROJECT_OPEN_ERRORS, 'NOT_FOUND']),
  'project.openDemo': op<ProjectInfo>()(empty, PROJECT_OPEN_ERRORS),
  'project.close': op<null>()(empty, []),
  'project.forget': op<ProjectEntry[]>()(z.object({ id }).strict(), ['NOT_FOUND']),
  'project.counts': op<TableCount[]>()(empty, ['NO_PROJECT']),

  /** `null` when the user cancels the dialog; the browser door uploads files instead (POST /upload). */
  'import.pickFile': op<ImportFileRef | null>()(empty, []),
  'import.history': op<ImportSummary[]>()(empty, ['NO_PROJECT']),
  /** The rejected rows of a committed import, as CSV text for download. */
  'import.rejectedCsv': op<{ fileName: string; csv: string }>()(
    z.object({ importId: z.number().int().positive() }).strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),

  'jobs.start': op<JobInfo>()(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('analyse-project') }).strict(),
      z
        .object({
          kind: z.literal('import'),
          fileId: id,
          settings: importSettingsSchema.default({}),
          dryRun: z.boolean().default(false),
        })
        .strict(),
      z
        .object({
          kind: z.literal('import-preview'),
          fileId: id,
          settings: importSettingsSchema.default({}),
        })
        .strict(),
      rfmOptionsSchema.extend({ kind: z.literal('rfm') }).strict(),
      z
        .object({
          kind: z.literal('cluster'),
          features: z.array(z.enum(CLUSTER_FEATURES)).min(1).max(CLUSTER_FEATURES.length),
          k: z.number().int().min(2).max(20),
          sweep: z.boolean().default(true),
          seed: z.number().int().min(0).default(0),
          restarts: z.number().int().min(1).max(20).default(10),
          log: z.boolean().default(true),
        })
        .strict(),
      z.object({ kind: z.literal('dashboard') }).strict(),
      ...MODELS_JOB_REQUESTS,
      ...RECOMMENDATIONS_JOB_REQUESTS,
      ...CAMPAIGNS_JOB_REQUESTS,
    ]),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
  'rfm.latest': op<RfmSummary | null>()(empty, ['NO_PROJECT']),
  'rfm.customers': op<{ total: number; rows: RfmCustomerRow[] }>()(
    z.object({ runId: rowId, segment: z.string().max(100).optional(), ...page }).strict(),
    ['NO_PROJECT'],
  ),
  'rfm.runs': op<RfmRunInfo[]>()(empty, ['NO_PROJECT']),
  'rfm.get': op<RfmSummary>()(z.object({ runId: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  'rfm.movement': op<RfmMovement>()(z.object({ fromRunId: rowId, toRunId: rowId }).strict(), [
    'NO_PROJECT',
    'NOT_FOUND',
  ]),
  /** The map from score patterns to segment names that analyses use unless the user edits it. */
  'rfm.defaultMap': op<SegmentRuleDto[]>()(empty, []),

  /** The kept dashboard, or null when there is none or an import has made it stale (start a dashboard job). */
  'dashboard.get': op<Dashboard | null>()(empty, ['NO_PROJECT']),

  'segments.values': op<FieldValue[]>()(
    z
      .object({
        field: z.enum(['country', 'city', 'productsBought', 'categoriesBought', 'rfmSegment']),
        search: z.string().max(100).default(''),
      })
      .strict(),
    ['NO_PROJECT'],
  ),
  'segments.preview': op<SegmentPreview>()(z.object({ rules: ruleGroupSchema }).strict(), ['NO_PROJECT']),
  'segments.list': op<SegmentInfo[]>()(empty, ['NO_PROJECT']),
  'segments.save': op<SegmentInfo>()(
    z
      .object({
        id: rowId.optional(),
        name: segmentName,
        description: z.string().trim().max(500).default(''),
        rules: ruleGroupSchema,
      })
      .strict(),
    ['NO_PROJECT', 'NOT_FOUND', 'SEGMENT_EXISTS'],
  ),
  'segments.delete': op<null>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  /** Freezes the segment's current members as a dated snapshot. */
  'segments.snapshot': op<SegmentInfo>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),
  'segments.members': op<{ total: number; rows: SegmentCustomerRow[] }>()(
    z.object({ id: rowId, snapshotId: rowId.optional(), ...page }).strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),

  'clusters.latest': op<ClusterSummary | null>()(empty, ['NO_PROJECT']),
  /** An empty name brings back the suggested one. */
  'clusters.rename': op<ClusterSummary>()(
    z.object({ runId: rowId, cluster: z.number().int().min(0), name: z.string().trim().max(80) }).strict(),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
  'clusters.toSegment': op<SegmentInfo>()(
    z.object({ runId: rowId, cluster: z.number().int().min(0), name: segmentName }).strict(),
    ['NO_PROJECT', 'NOT_FOUND', 'SEGMENT_EXISTS'],
  ),

  'customers.search': op<{ total: number; rows: CustomerListRow[] }>()(
    z
      .object({ search: z.string().max(200).default(''), sort: z.enum(CUSTOMER_SORTS).default('revenue'), ...page })
      .strict(),
    ['NO_PROJECT'],
  ),
  'customers.get': op<CustomerDetail>()(z.object({ id: rowId }).strict(), ['NO_PROJECT', 'NOT_FOUND']),

  'jobs.cancel': op<JobInfo>()(z.object({ id }).strict(), ['NO_PROJECT', 'JOB_NOT_FOUND']),
  'jobs.list': op<JobInfo[]>()(empty, ['NO_PROJECT']),
  'jobs.get': op<JobInfo>()(z.object({ id }).strict(), ['NO_PROJECT', 'JOB_NOT_FOUND']),

  ...modelsOperations,
  ...recommendationsOperations,
  ...campaignsOperations,
} as const;

export type Contract = typeof contract;
export type OperationName = keyof Contract;
/** What a caller sends (before defaults and trimming). */
export type Input<K extends OperationName> = z.input<Contract[K]['input']>;
/** What a handler receives (after parsing). */
export type ParsedInput<K extends OperationName> = z.output<Contract[K]['input']>;
export type Output<K extends OperationName> = Contract[K]['output'];
