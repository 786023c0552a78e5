import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { trustedSenders } from '../ipc/handler';
import { forwardCoreEvents, registerIpcHandlers } from '../ipc/register';
import { createCore } from '../services/core';
import type { Locale } from '../shared/dto';
import type { EventMap } from '../shared/events';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppFile } from './app-protocol';
import { desktopDirs, localeFromTag } from './desktop-paths';
import { nativeDialogs } from './dialogs';
import { SHELL_LABELS } from './labels';
import { menuTemplate } from './menu';
import { electronBindingPath } from './native-binding';
import { denyAllPermissions, hardenWebContents, isTrustedUrl, rendererEntry, windowOptions } from './security';

export interface Desktop {
  /** Brings the window forward, or opens one if there is none (macOS keeps running without windows). */
  showWindow(): void;
  /** Opens a project file named outside the UI: on the command line or by the operating system. */
  openProject(path: string): void;
  close(): Promise<void>;
}

const entry = rendererEntry(process.env.ELECTRON_RENDERER_URL, app.isPackaged);

/** What has to happen before Electron is ready: the `app:` scheme's privileges and the rules for every page. */
export function prepareDesktop(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, entry.origin));
}

/** The Electron build of better-sqlite3 that `npm start` prepares; without it the Node build would fail to load. */
function electronBinding(root: string): string | undefined {
  const { version } = createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string };
  const path = electronBindingPath(root, {
    betterSqlite3: version,
    electron: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
  });
  if (existsSync(path)) return path;
  console.warn(`[marketlens] ${path} is missing, so projects cannot open. Build it: node scripts/electron-native.mjs`);
  return undefined;
}

export async function startDesktop(): Promise<Desktop> {
  const root = app.getAppPath();
  const rendererRoot = join(root, 'out', 'renderer');
  protocol.handle(APP_SCHEME, (request) => serveAppFile(rendererRoot, request));
  denyAllPermissions(session.defaultSession);

  const windows = new Set<BrowserWindow>();
  const liveWindows = () => [...windows].filter((window) => !window.isDestroyed());
  const parentWindow = () => BrowserWindow.getFocusedWindow() ?? liveWindows()[0] ?? null;

  const dirs = desktopDirs(process.env, app.getPath('userData'), app.getPath('documents'));
  let locale: Locale = localeFromTag(app.getLocale());
  const labels = () => SHELL_LABELS[locale];
  const core = createCore({
    door: 'desktop',
    version: app.getVersion(),
    ...dirs,
    resourcesDir: join(root, 'resources'),
    dialogs: nativeDialogs(dialog, { parent: parentWindow, labels, workspaceDir: dirs.workspaceDir }),
    defaultLocale: locale,
    nativeBinding: electronBinding(root),
  });
  locale = (await core.handlers['settings.get']({})).locale;

  const showError = (message: string) => {
    const options = { type: 'error' as const, message: labels().cannotOpenProject, detail: message };
    const parent = parentWindow();
    void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  };

  const applyMenu = () => {
    const template = menuTemplate(labels(), {
      platform: process.platform,
      developer: !app.isPackaged,
      actions: {
        openProject: () =>
          void core.dispatch('project.openDialog', {}).then((result) => {
            if (!result.ok) showError(result.error.message);
          }),
        // Closing cannot fail for a reason the user could act on; the window learns of it by 'project.changed'.
        closeProject: () => void core.dispatch('project.close', {}),
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  applyMenu();
  core.onEvent((event) => {
    if (event.name !== 'settings.changed') return;
    locale = (event.payload as EventMap['settings.changed']).locale;
    applyMenu();
  });

  const isOurWindow = (contents: WebContents) => liveWindows().some((window) => window.webContents.id === contents.id);
  registerIpcHandlers(ipcMain, core.dispatch, trustedSenders(entry.origin, isOurWindow));
  forwardCoreEvents(core.onEvent, () =>
    liveWindows()
      .map((window) => window.webContents)
      .filter((contents) => isTrustedUrl(contents.getURL(), entry.origin)),
  );

  const openWindow = () => {
    const window = new BrowserWindow(windowOptions(join(root, 'out', 'preload', 'index.cjs')));
    windows.add(window);
    window.on('closed', () => windows.delete(window));
    window.once('ready-to-show', () => window.show());
    window.loadURL(entry.url).catch((error: unknown) => console.error(`[marketlens] cannot load ${entry.url}:`, error));
  };

  return {
    showWindow() {
      const window = liveWindows()[0];
      if (!window) return openWindow();
      if (window.isMinimized()) window.restore();
      window.focus();
    },
    openProject(path) {
      core.openPath(path).catch((error: unknown) => showError(error instanceof Error ? error.message : String(error)));
    },
    close: () => core.close(),
  };
}
