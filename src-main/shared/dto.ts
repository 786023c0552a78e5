/** Plain data that crosses the contract. Timestamps are epoch milliseconds (UTC). */
import type { ImportPreview, ImportReport } from './import';
import { MODELS_JOB_KINDS } from './models-names';
import type { ModelsJobResults } from './models';
import { RECOMMENDATIONS_JOB_KINDS } from './recommendations-names';
import type { RecommendationsJobResults } from './recommendations';
import { CAMPAIGNS_JOB_KINDS } from './campaigns-names';
import type { CampaignsJobResults } from './campaigns';
import type { ClusterSummary } from './clusters';
import type { Dashboard } from './dashboard';
import type { RfmSummary } from './rfm';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export type Door = 'desktop' | 'browser';

export interface AppInfo {
  version: string;
  door: Door;
  /** True where the door can show the operating system's file dialogs (the desktop app). */
  nativeDialogs: boolean;
  /** Folder where projects are created when there is no file dialog. */
  workspaceDir: string;
}

export interface Settings {
  locale: Locale;
}

export interface ProjectInfo {
  name: string;
  path: string;
  schemaVersion: number;
  sizeBytes: number;
  createdAt: number;
  isDemo: boolean;
}

/** A project file the core knows about; renderers refer to it by `id`, never by path. */
export interface ProjectEntry {
  id: string;
  name: string;
  path: string;
  lastOpenedAt: number | null;
  exists: boolean;
}

export interface TableCount {
  table: string;
  rows: number;
}

export const JOB_KINDS = [
  'analyse-project',
  'import',
  'import-preview',
  'rfm',
  'cluster',
  'dashboard',
  ...MODELS_JOB_KINDS,
  ...RECOMMENDATIONS_JOB_KINDS,
  ...CAMPAIGNS_JOB_KINDS,
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * Jobs that answer a form while the user edits it (the import preview, a campaign's counts). They run one at a time
 * in a worker kept warm for them, beside the long jobs rather than queued behind them, and are not kept in the
 * project's job history.
 */
export const QUICK_JOB_KINDS = ['import-preview', 'campaign-preview'] as const satisfies readonly JobKind[];

export function isQuickJob(kind: JobKind): boolean {
  return (QUICK_JOB_KINDS as readonly JobKind[]).includes(kind);
}

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface ColumnProfile {
  column: string;
  nonNull: number;
  min: number | string | null;
  max: number | string | null;
}

export interface TableProfile {
  table: string;
  rows: number;
  columns: ColumnProfile[];
  /** Earliest and latest value over the table's timestamp columns (`*_at`), if any. */
  dateRange: { column: string; min: number; max: number } | null;
}

export interface AnalyseProjectResult {
  tables: TableProfile[];
  durationMs: number;
}

export interface JobResults extends ModelsJobResults, RecommendationsJobResults, CampaignsJobResults {
  'analyse-project': AnalyseProjectResult;
  import: ImportReport;
  'import-preview': ImportPreview;
  rfm: RfmSummary;
  cluster: ClusterSummary;
  dashboard: Dashboard;
}

interface JobBase {
  id: string;
  state: JobState;
  /** 0..1 */
  progress: number;
  /** What the job is working on now, e.g. a table name; language-neutral. */
  detail: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: { code: string; message: string } | null;
}

/** A job of each kind carries that kind's result once it has succeeded. */
export type JobInfo = {
  [K in JobKind]: JobBase & { kind: K; result: JobResults[K] | null };
}[JobKind];
