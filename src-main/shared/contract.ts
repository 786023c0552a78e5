import { z } from 'zod';
import type { ErrorCode } from './errors';
import type { RfmCustomerRow, RfmSummary } from './rfm';
import { importSettingsSchema, type ImportFileRef, type ImportPreview, type ImportSummary } from './import';
import {
  LOCALES,
  type AppInfo,
  type JobInfo,
  type ProjectEntry,
  type ProjectInfo,
  type Settings,
  type TableCount,
} from './dto';

/**
 * Declares one operation: the request schema, the errors it may return besides
 * VALIDATION and INTERNAL, and (as a phantom type) its response.
 */
function op<Output>() {
  return <Input extends z.ZodType, const Errors extends readonly ErrorCode[]>(input: Input, errors: Errors) => ({
    input,
    errors,
    output: undefined as unknown as Output,
  });
}

const empty = z.object({}).strict();
const id = z.string().min(1).max(200);

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
  'import.preview': op<ImportPreview>()(z.object({ fileId: id, settings: importSettingsSchema.default({}) }).strict(), [
    'NO_PROJECT',
    'NOT_FOUND',
    'IMPORT_UNREADABLE',
  ]),
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
          kind: z.literal('rfm'),
          /** Epoch ms; orders from then on are ignored. Default: the last order + 1 day. */
          analysisDate: z.number().int().optional(),
          levels: z.union([z.literal(3), z.literal(5)]).optional(),
        })
        .strict(),
    ]),
    ['NO_PROJECT', 'NOT_FOUND'],
  ),
  'rfm.latest': op<RfmSummary | null>()(empty, ['NO_PROJECT']),
  'rfm.customers': op<{ total: number; rows: RfmCustomerRow[] }>()(
    z
      .object({
        runId: z.number().int().positive(),
        segment: z.string().max(100).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    ['NO_PROJECT'],
  ),

  'jobs.cancel': op<JobInfo>()(z.object({ id }).strict(), ['NO_PROJECT', 'JOB_NOT_FOUND']),
  'jobs.list': op<JobInfo[]>()(empty, ['NO_PROJECT']),
  'jobs.get': op<JobInfo>()(z.object({ id }).strict(), ['NO_PROJECT', 'JOB_NOT_FOUND']),
} as const;

export type Contract = typeof contract;
export type OperationName = keyof Contract;
/** What a caller sends (before defaults and trimming). */
export type Input<K extends OperationName> = z.input<Contract[K]['input']>;
/** What a handler receives (after parsing). */
export type ParsedInput<K extends OperationName> = z.output<Contract[K]['input']>;
export type Output<K extends OperationName> = Contract[K]['output'];
