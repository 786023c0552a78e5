import { join, resolve } from 'node:path';
import type { Dialog, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { desktopDirs, localeFromTag, projectPathFromArgv } from '../../src-main/app/desktop-paths';
import { nativeDialogs } from '../../src-main/app/dialogs';
import { SHELL_LABELS } from '../../src-main/app/labels';
import { menuTemplate } from '../../src-main/app/menu';
import { electronBindingPath } from '../../src-main/app/native-binding';

describe('electronBindingPath', () => {
  const target = { betterSqlite3: '12.11.1', electron: '42.11.18', platform: 'linux', arch: 'x64' };

  it('keeps the Electron build in native/, named by everything it depends on', () => {
    expect(electronBindingPath('/repo', target)).toBe(
      join('/repo', 'native', 'better-sqlite3-12.11.1-electron-42.11.18-linux-x64', 'better_sqlite3.node'),
    );
  });

  it('never points into node_modules, where the Node build lives', () => {
    expect(electronBindingPath('/repo', target)).not.toContain('node_modules');
  });

  it.each(['betterSqlite3', 'electron', 'platform', 'arch'] as const)('changes when %s changes', (key) => {
    expect(electronBindingPath('/repo', { ...target, [key]: 'other' })).not.toBe(electronBindingPath('/repo', target));
  });
});

describe('desktopDirs', () => {
  it('puts settings in Electron userData and projects in Documents/MarketLens', () => {
    expect(desktopDirs({}, '/home/u/.config/marketlens', '/home/u/Documents')).toEqual({
      configDir: '/home/u/.config/marketlens',
      workspaceDir: join('/home/u/Documents', 'MarketLens'),
    });
  });

  it('keeps everything under MARKETLENS_HOME when it is set, like the CLI', () => {
    expect(desktopDirs({ MARKETLENS_HOME: '/tmp/ml' }, '/ignored', '/ignored')).toEqual({
      configDir: '/tmp/ml',
      workspaceDir: join('/tmp/ml', 'projects'),
    });
  });
});

describe('localeFromTag', () => {
  it.each([
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['en-US', 'en'],
    ['de', 'en'],
    ['', 'en'],
  ])('%s → %s', (tag, locale) => expect(localeFromTag(tag)).toBe(locale));
});

describe('projectPathFromArgv', () => {
  it('finds a project file after the executable, resolved against the working directory', () => {
    expect(projectPathFromArgv(['/opt/MarketLens', 'acme.mlens'], '/home/u')).toBe(resolve('/home/u', 'acme.mlens'));
    expect(projectPathFromArgv(['electron', '.', '/data/Acme.MLENS'], '/x')).toBe('/data/Acme.MLENS');
  });

  it('skips switches and takes the last file', () => {
    const argv = ['exe', '--allow-file-access-from-files', '--x=a.mlens', 'a.mlens', 'b.mlens'];
    expect(projectPathFromArgv(argv, '/w')).toBe(resolve('/w', 'b.mlens'));
    expect(projectPathFromArgv(['exe', 'a.mlens', '--open=b.mlens'], '/w')).toBe(resolve('/w', 'a.mlens'));
  });

  it('returns null when no project file is named', () => {
    expect(projectPathFromArgv(['electron', '.'], '/w')).toBeNull();
    expect(projectPathFromArgv(['acme.mlens'], '/w')).toBeNull();
  });
});

type Item = MenuItemConstructorOptions;
const flatten = (items: Item[]): Item[] => items.flatMap((item) => [item, ...flatten((item.submenu as Item[]) ?? [])]);

describe('menuTemplate', () => {
  const actions = { openProject: vi.fn(), closeProject: vi.fn() };

  it('labels the menus in the chosen language', () => {
    const zh = flatten(menuTemplate(SHELL_LABELS['zh-CN'], { platform: 'linux', developer: false, actions }));
    const en = flatten(menuTemplate(SHELL_LABELS.en, { platform: 'linux', developer: false, actions }));
    expect(zh.map((item) => item.label)).toContain('打开项目…');
    expect(en.map((item) => item.label)).toContain('Open Project…');
    expect(zh.map((item) => item.label)).not.toContain('Open Project…');
  });

  it('gives Chinese labels for every entry the English menu has', () => {
    for (const key of Object.keys(SHELL_LABELS.en) as (keyof typeof SHELL_LABELS.en)[]) {
      expect(SHELL_LABELS['zh-CN'][key], key).not.toBe(SHELL_LABELS.en[key]);
    }
  });

  it('offers reload and the developer tools only to developers', () => {
    const roles = (developer: boolean) =>
      flatten(menuTemplate(SHELL_LABELS.en, { platform: 'linux', developer, actions })).map((item) => item.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });

  it('puts Quit in the File menu, except on macOS where the app menu has it', () => {
    const linux = flatten(menuTemplate(SHELL_LABELS.en, { platform: 'linux', developer: false, actions }));
    const mac = menuTemplate(SHELL_LABELS.en, { platform: 'darwin', developer: false, actions });
    expect(linux.map((item) => item.role)).toContain('quit');
    expect(mac[0]?.role).toBe('appMenu');
    expect(flatten(mac.slice(1)).map((item) => item.role)).not.toContain('quit');
  });

  it('runs the project actions from the File menu', () => {
    const items = flatten(menuTemplate(SHELL_LABELS.en, { platform: 'linux', developer: false, actions }));
    const click = (label: string) => (items.find((item) => item.label === label)?.click as () => void)();
    click('Open Project…');
    click('Close Project');
    expect(actions.openProject).toHaveBeenCalledOnce();
    expect(actions.closeProject).toHaveBeenCalledOnce();
  });
});

describe('nativeDialogs', () => {
  const parent = { id: 1 };
  const dialog = {
    showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/docs/acme.mlens' })),
    showOpenDialog: vi.fn(async () => ({ canceled: false, filePaths: ['/docs/old.mlens'] })),
  };
  const dialogs = nativeDialogs(dialog as unknown as Dialog, {
    parent: () => parent as never,
    labels: () => SHELL_LABELS['zh-CN'],
    workspaceDir: '/docs/MarketLens',
  });

  it('suggests the new project in the workspace folder, filtered to .mlens, attached to the window', async () => {
    expect(await dialogs.chooseNewProjectPath('Acme.mlens')).toBe('/docs/acme.mlens');
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      parent,
      expect.objectContaining({
        title: '新建项目',
        defaultPath: join('/docs/MarketLens', 'Acme.mlens'),
        filters: [{ name: 'MarketLens 项目', extensions: ['mlens'] }],
      }),
    );
  });

  it('returns the chosen file to open', async () => {
    expect(await dialogs.chooseProjectToOpen()).toBe('/docs/old.mlens');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(parent, expect.objectContaining({ properties: ['openFile'] }));
  });

  it('returns null when the user cancels', async () => {
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '/docs/typed-then-cancelled.mlens' });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await dialogs.chooseNewProjectPath('x.mlens')).toBeNull();
    expect(await dialogs.chooseProjectToOpen()).toBeNull();
  });
});
