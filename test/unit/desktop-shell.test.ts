// Runs the shell's wiring (src-main/app/desktop.ts) against a stand-in for electron, with the real core behind it:
// Electron's binary is not installed here, so this is as close to the running app as these tests get.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_SCHEME_PRIVILEGES } from '../../src-main/app/app-protocol';
import { windowOptions } from '../../src-main/app/security';
import type { SenderEvent } from '../../src-main/ipc/handler';
import { EVENT_CHANNEL, invokeChannel } from '../../src-main/shared/api';
import type { Result } from '../../src-main/shared/errors';
import { OPERATION_NAMES } from '../../src-main/shared/operations';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shared/security';
import * as electron from '../helpers/fake-electron';

vi.mock('electron', () => import('../helpers/fake-electron'));

type Handler = (event: SenderEvent, payload: unknown) => Promise<Result<unknown>>;

const home = mkdtempSync(join(tmpdir(), 'marketlens-desktop-'));
const previousHome = process.env.MARKETLENS_HOME;
let desktop: Awaited<ReturnType<typeof import('../../src-main/app/desktop').startDesktop>>;
let window: electron.BrowserWindow;

const handler = (name: (typeof OPERATION_NAMES)[number]) => {
  const call = electron.ipcMain.handle.mock.calls.find(([channel]) => channel === invokeChannel(name));
  return call?.[1] as Handler;
};
const fromWindow = (contents = window.webContents): SenderEvent =>
  ({ sender: contents, senderFrame: contents.mainFrame }) as unknown as SenderEvent;
const menuLabels = () => {
  const template = electron.Menu.buildFromTemplate.mock.calls.at(-1)?.[0] as { label?: string }[];
  return template.map((item) => item.label);
};

beforeAll(async () => {
  electron.appPaths.appPath = join(home, 'app');
  mkdirSync(join(home, 'app', 'out', 'renderer'), { recursive: true });
  writeFileSync(join(home, 'app', 'out', 'renderer', 'index.html'), '<!doctype html><title>MarketLens</title>');
  process.env.MARKETLENS_HOME = join(home, 'config');
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);

  const { prepareDesktop, startDesktop } = await import('../../src-main/app/desktop');
  prepareDesktop();
  desktop = await startDesktop();
  desktop.showWindow();
  window = electron.BrowserWindow.created[0] as electron.BrowserWindow;
});

afterAll(async () => {
  await desktop.close();
  if (previousHome === undefined) delete process.env.MARKETLENS_HOME;
  else process.env.MARKETLENS_HOME = previousHome;
  rmSync(home, { recursive: true, force: true });
});

describe('the desktop shell', () => {
  it('registers app:// as privileged and sandboxes every renderer before the app is ready', () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([APP_SCHEME_PRIVILEGES]);
    expect(electron.app.enableSandbox).toHaveBeenCalled();
  });

  it('opens one window with the hardened options, loading app://marketlens/index.html', () => {
    expect(electron.BrowserWindow.created).toHaveLength(1);
    expect(window.options).toEqual(windowOptions(join(home, 'app', 'out', 'preload', 'index.cjs')));
    expect(window.webContents.getURL()).toBe('app://marketlens/index.html');
  });

  it('hardens every WebContents as it is created', () => {
    expect(window.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    let prevented = false;
    window.webContents.emit('will-navigate', { url: 'https://example.com/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('denies permissions on the default session', () => {
    const [[request]] = electron.session.defaultSession.setPermissionRequestHandler.mock.calls as [
      [(contents: unknown, permission: string, callback: (granted: boolean) => void) => void],
    ];
    const answers: boolean[] = [];
    request({}, 'media', (granted) => answers.push(granted));
    expect(answers).toEqual([false]);
  });

  it('serves the renderer over app:// with the CSP header', async () => {
    const [[scheme, serve]] = electron.protocol.handle.mock.calls as [
      [string, (request: { method: string; url: string }) => Promise<Response>],
    ];
    expect(scheme).toBe('app');
    const response = await serve({ method: 'GET', url: 'app://marketlens/index.html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('says where the missing Electron build of better-sqlite3 should be, and how to make it', () => {
    expect(vi.mocked(console.warn).mock.calls.flat().join(' ')).toMatch(
      /native.*better_sqlite3\.node.*electron-native/,
    );
  });

  it('answers every operation over IPC from its window, and only from its window', async () => {
    expect(electron.ipcMain.handle).toHaveBeenCalledTimes(OPERATION_NAMES.length);
    expect(await handler('app.info')(fromWindow(), {})).toEqual({
      ok: true,
      value: { version: '9.9.9', door: 'desktop', nativeDialogs: true, workspaceDir: join(home, 'config', 'projects') },
    });
    const stranger = new electron.FakeWebContents();
    stranger.mainFrame.url = 'app://marketlens/index.html';
    expect(await handler('app.info')(fromWindow(stranger), {})).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('starts in the system language, and follows the user to another one, menus included', async () => {
    expect(menuLabels()).toContain('文件');
    expect(await handler('settings.get')(fromWindow(), {})).toEqual({ ok: true, value: { locale: 'zh-CN' } });

    await handler('settings.update')(fromWindow(), { locale: 'en' });
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, {
      name: 'settings.changed',
      payload: { locale: 'en' },
    });
    expect(menuLabels()).toContain('File');
  });

  it('takes project paths from the native dialog, never from the renderer', async () => {
    const notAProject = join(home, 'notes.mlens');
    writeFileSync(notAProject, 'just text');
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [notAProject] });
    expect(await handler('project.openDialog')(fromWindow(), {})).toMatchObject({
      ok: false,
      error: { code: 'PROJECT_NOT_SQLITE' },
    });
    expect(await handler('project.openDialog')(fromWindow(), { path: notAProject })).toMatchObject({
      error: { code: 'VALIDATION' },
    });
  });

  it('creates a project where the save dialog says, and tells the window', async () => {
    const target = join(home, 'chosen', 'acme');
    mkdirSync(join(home, 'chosen'));
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    const created = await handler('project.create')(fromWindow(), { name: 'Acme' });
    expect(created).toMatchObject({ ok: true, value: { path: `${target}.mlens`, name: 'acme' } });
    expect(window.webContents.send).toHaveBeenCalledWith(
      EVENT_CHANNEL,
      expect.objectContaining({ name: 'project.changed' }),
    );
  });

  it('shows an error when a file handed over by the OS cannot be opened', async () => {
    desktop.openProject(join(home, 'missing.mlens'));
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox.mock.calls[0]).toContainEqual(
      expect.objectContaining({ type: 'error', message: 'Cannot open the project' }),
    );
  });

  it('focuses the existing window instead of opening a second one', () => {
    desktop.showWindow();
    expect(electron.BrowserWindow.created).toHaveLength(1);
    expect(window.focus).toHaveBeenCalled();
  });
});
