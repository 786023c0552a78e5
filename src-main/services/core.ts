import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Unsubscribe } from '../shared/api';
import type { Door, Locale, ProjectEntry, ProjectInfo } from '../shared/dto';
import { CoreError, type Result } from '../shared/errors';
import type { CoreEvent, EventMap, EventName } from '../shared/events';
import { PROJECT_EXTENSION, projectNameFromPath } from '../store/connection';
import { buildDemoProject } from './demo-project';
import { dispatch, type Handlers } from './dispatch';
import { ProjectSession } from './project-session';
import { SettingsStore } from './settings-store';
import { history, ImportFiles, rejectedCsv } from './import-service';
import { latestRfm, listRfmRuns, rfmCustomers, rfmMovement, rfmRun } from '../analytics/rfm-runs';
import { DEFAULT_SEGMENT_MAP } from '../analytics/rfm';
import { cachedDashboard } from '../analytics/dashboard';
import {
  deleteSegment,
  fieldValues,
  listSegments,
  previewSegment,
  saveSegment,
  segmentMembers,
  snapshotSegment,
} from '../analytics/segments';
import { clusterRun, latestClusters, renameCluster } from '../analytics/clusters';
import { customerDetail, searchCustomers } from '../analytics/customers';
import { modelsHandlers } from './models-handlers';
import { recommendationsHandlers } from './recommendations-handlers';
import { campaignsHandlers } from './campaigns-handlers';

import type { ImportFileRef } from '../shared/import';

/** What a door can show the user; the desktop app has real file dialogs, the browser host has none. */
export interface Dialogs {
  chooseNewProjectPath(suggestedName: string): Promise<string | null>;
  chooseProjectToOpen(): Promise<string | null>;
  chooseImportFile(): Promise<string | null>;
}

export interface CoreOptions {
  door: Door;
  version: string;
  /** Settings and the demo project live here. */
  configDir: string;
  /** New projects go here when there is no save dialog; the browser host lists it for opening. */
  workspaceDir: string;
  resourcesDir: string;
  dialogs?: Dialogs;
  defaultLocale?: Locale;
  nativeBinding?: string;
  workerUrl?: URL;
}

export interface Core {
  readonly handlers: Handlers;
  dispatch(name: string, payload: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: CoreEvent) => void): Unsubscribe;
  /** Makes a file the user handed over (browser upload) available to import operations by id. */
  registerFile(path: string, name?: string): ImportFileRef;
  /** Opens a file named by the user outside the UI (command line, OS file association). */
  openPath(path: string): Promise<ProjectInfo>;
  close(): Promise<void>;
}

export const DEMO_PROJECT_NAME = 'Demo - Online Retail';

export function createCore(options: CoreOptions): Core {
  const settings = new SettingsStore(options.configDir, options.defaultLocale ?? 'en');
  const listeners = new Set<(event: CoreEvent) => void>();
  /** Ids handed out by project.browse; the renderer never sends a path. */
  const browsed = new Map<string, string>();
  const importFiles = new ImportFiles();
  let session: ProjectSession | null = null;

  const emit = <K extends EventName>(name: K, payload: EventMap[K]) => {
    for (const listener of listeners) listener({ name, payload } as CoreEvent);
  };
  const sessionOptions = {
    nativeBinding: options.nativeBinding,
    workerUrl: options.workerUrl,
    onJobUpdate: (job: EventMap['job.updated']) => emit('job.updated', job),
  };
  const demoPath = join(options.configDir, 'demo', `${DEMO_PROJECT_NAME}${PROJECT_EXTENSION}`);

  const requireSession = (): ProjectSession => {
    if (!session) throw new CoreError('NO_PROJECT', 'No project is open. Create or open a project first.');
    return session;
  };

  const replaceSession = async (open: () => ProjectSession): Promise<ProjectInfo> => {
    // Open the new file before closing the old one, so that a file that cannot be opened leaves the user where they were.
    const next = open();
    const previous = session;
    session = next;
    await previous?.close();
    if (!next.isDemo) settings.touch(next.path);
    const info = next.info();
    emit('project.changed', info);
    return info;
  };

  const toEntry = (id: string, path: string, lastOpenedAt: number | null): ProjectEntry => ({
    id,
    name: projectNameFromPath(path),
    path,
    lastOpenedAt,
    exists: existsSync(path),
  });

  const resolveId = (id: string): string => {
    const path = settings.recentProjects().find((entry) => entry.id === id)?.path ?? browsed.get(id);
    if (!path) throw new CoreError('NOT_FOUND', 'That project is no longer in the list. Open it with Open… instead.');
    return path;
  };

  const area = { requireSession, files: importFiles };
  const handlers: Handlers = {
    ...modelsHandlers(area),
    ...recommendationsHandlers(area),
    ...campaignsHandlers(area),
    'app.info': () => ({
      version: options.version,
      door: options.door,
      nativeDialogs: options.dialogs !== undefined,
      workspaceDir: options.workspaceDir,
    }),
    'settings.get': () => settings.settings(),
    'settings.update': ({ locale }) => {
      const updated = settings.setLocale(locale);
      emit('settings.changed', updated);
      return updated;
    },
    'project.current': () => session?.info() ?? null,
    'project.recent': () => settings.recentProjects().map((r) => toEntry(r.id, r.path, r.lastOpenedAt)),
    'project.browse': () => {
      if (!existsSync(options.workspaceDir)) return [];
      browsed.clear();
      return readdirSync(options.workspaceDir)
        .filter((file) => file.endsWith(PROJECT_EXTENSION))
        .sort((a, b) => a.localeCompare(b))
        .map((file) => {
          const id = randomUUID();
          const path = join(options.workspaceDir, file);
          browsed.set(id, path);
          return toEntry(id, path, settings.recentProjects().find((r) => r.path === path)?.lastOpenedAt ?? null);
        });
    },
    'project.create': async ({ name }) => {
      let path: string | null;
      if (options.dialogs) {
        path = await options.dialogs.chooseNewProjectPath(`${name}${PROJECT_EXTENSION}`);
        if (path === null) return null;
        if (!path.endsWith(PROJECT_EXTENSION)) path += PROJECT_EXTENSION;
      } else {
        mkdirSync(options.workspaceDir, { recursive: true });
        path = join(options.workspaceDir, `${name}${PROJECT_EXTENSION}`);
      }
      const target = path;
      return replaceSession(() => ProjectSession.create(target, sessionOptions));
    },
    'project.openDialog': async () => {
      const path = options.dialogs ? await options.dialogs.chooseProjectToOpen() : null;
      return path === null ? null : replaceSession(() => ProjectSession.open(path, sessionOptions));
    },
    'project.open': ({ id }) => {
      const path = resolveId(id);
      return replaceSession(() => ProjectSession.open(path, sessionOptions));
    },
    'project.openDemo': async () => {
      if (session?.path === demoPath) return session.info();
      if (!existsSync(demoPath)) {
        await buildDemoProject(demoPath, options.resourcesDir, { nativeBinding: options.nativeBinding });
      }
      return replaceSession(() => ProjectSession.open(demoPath, sessionOptions, true));
    },
    'project.close': async () => {
      const previous = session;
      session = null;
      await previous?.close();
      if (previous) emit('project.changed', null);
      return null;
    },
    'project.forget': ({ id }) => {
      if (!settings.forget(id)) throw new CoreError('NOT_FOUND', 'That project is not in the recent list.');
      return handlers['project.recent']({});
    },
    'project.counts': () => requireSession().counts(),
    'rfm.latest': () => latestRfm(requireSession().db),
    'rfm.customers': (query) => rfmCustomers(requireSession().db, query),
    'rfm.runs': () => listRfmRuns(requireSession().db),
    'rfm.get': ({ runId }) => rfmRun(requireSession().db, runId),
    'rfm.movement': ({ fromRunId, toRunId }) => rfmMovement(requireSession().db, fromRunId, toRunId),
    'rfm.defaultMap': () =>
      DEFAULT_SEGMENT_MAP.map(({ segment, r, f, m, fm }) => ({
        segment,
        ...(r && { r: [...r] }),
        ...(f && { f: [...f] }),
        ...(m && { m: [...m] }),
        ...(fm && { fm: [...fm] }),
      })),
    'dashboard.get': () => cachedDashboard(requireSession().db),
    'segments.values': ({ field, search }) => fieldValues(requireSession().db, field, search),
    'segments.preview': ({ rules }) => previewSegment(requireSession().db, rules),
    'segments.list': () => listSegments(requireSession().db),
    'segments.save': (draft) => saveSegment(requireSession().db, draft),
    'segments.delete': ({ id }) => {
      deleteSegment(requireSession().db, id);
      return null;
    },
    'segments.snapshot': ({ id }) => snapshotSegment(requireSession().db, id),
    'segments.members': (query) => segmentMembers(requireSession().db, query),
    'clusters.latest': () => latestClusters(requireSession().db),
    'clusters.rename': ({ runId, cluster, name }) => renameCluster(requireSession().db, runId, cluster, name),
    'clusters.toSegment': ({ runId, cluster, name }) => {
      const db = requireSession().db;
      if (!clusterRun(db, runId).clusters[cluster])
        throw new CoreError('NOT_FOUND', 'That cluster is not in this clustering run.');
      return saveSegment(db, {
        name,
        kind: 'cluster',
        rules: { combinator: 'and', rules: [{ field: 'cluster', op: 'in', runId, clusters: [cluster] }] },
      });
    },
    'customers.search': (query) => searchCustomers(requireSession().db, query),
    'customers.get': ({ id }) => customerDetail(requireSession().db, id),
    'import.pickFile': async () => {
      const path = options.dialogs ? await options.dialogs.chooseImportFile() : null;
      return path === null ? null : importFiles.register(path);
    },
    'import.history': () => history(requireSession().db),
    'import.rejectedCsv': ({ importId }) => rejectedCsv(requireSession().db, importId),
    'jobs.start': (request) => {
      const jobs = requireSession().jobs;
      const { kind, ...params } = request;
      if (!('fileId' in params) || typeof params.fileId !== 'string') return jobs.start(kind, params);
      // Workers read files by path; the doors only ever name a file the user picked or uploaded, by its id.
      const { path, ref } = importFiles.resolve(params.fileId);
      return jobs.start(kind, { ...params, path, fileName: ref.name });
    },
    'jobs.cancel': ({ id }) => {
      const job = requireSession().jobs.cancel(id);
      if (!job) throw new CoreError('JOB_NOT_FOUND', 'That job does not exist in this project.');
      return job;
    },
    'jobs.list': () => requireSession().jobs.list(),
    'jobs.get': ({ id }) => {
      const job = requireSession().jobs.get(id);
      if (!job) throw new CoreError('JOB_NOT_FOUND', 'That job does not exist in this project.');
      return job;
    },
  };

  return {
    handlers,
    dispatch: (name, payload) => dispatch(handlers, name, payload),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    registerFile: (path, name) => importFiles.register(path, name),
    openPath: (path) => replaceSession(() => ProjectSession.open(path, sessionOptions)),
    async close() {
      await session?.close();
      session = null;
      listeners.clear();
    },
  };
}
