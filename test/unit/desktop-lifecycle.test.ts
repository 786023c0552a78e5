// Drives src-main/index.ts (the Electron entry) with a stand-in for electron and for the desktop it starts:
// Electron's binary is not installed here.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../helpers/fake-electron'));

const desktop = vi.hoisted(() => ({
  showWindow: vi.fn(),
  openProject: vi.fn(),
  close: vi.fn(async () => undefined),
}));
const startDesktop = vi.hoisted(() => vi.fn(async () => desktop));
vi.mock('../../src-main/app/desktop', () => ({ prepareDesktop: vi.fn(), startDesktop }));

const argv = process.argv;
let electron: typeof import('../helpers/fake-electron');

/** Loads the entry afresh (it acts on import), as if the app were launched. */
async function load(args: string[], { locked = false } = {}) {
  vi.clearAllMocks();
  vi.resetModules();
  process.argv = ['/opt/MarketLens/marketlens', ...args];
  // The mocked module outlives resetModules: take the instance the entry will see, and forget the last launch.
  electron = (await import('electron')) as unknown as typeof import('../helpers/fake-electron');
  electron.app.removeAllListeners();
  electron.app.requestSingleInstanceLock.mockReturnValue(!locked);
  await import('../../src-main/index');
}

async function launch(args: string[]) {
  await load(args);
  await vi.waitFor(() => expect(desktop.showWindow).toHaveBeenCalled());
}

const cancellable = () => ({ preventDefault: vi.fn() });

afterEach(() => {
  process.argv = argv;
});

describe('the Electron entry', () => {
  it('quits at once when another MarketLens holds the single-instance lock', async () => {
    await load([], { locked: true });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.app.listenerCount('second-instance')).toBe(0);
  });

  it('shows the window, then opens a project file named on the command line', async () => {
    await launch(['acme.mlens']);
    expect(desktop.openProject).toHaveBeenCalledExactlyOnceWith(resolve(process.cwd(), 'acme.mlens'));
  });

  it('opens what a second launch or the OS hands over', async () => {
    await launch([]);
    expect(desktop.openProject).not.toHaveBeenCalled();

    electron.app.emit('second-instance', {}, ['/opt/MarketLens/marketlens', 'b.mlens'], '/home/u');
    expect(desktop.showWindow).toHaveBeenCalledTimes(2);
    expect(desktop.openProject).toHaveBeenLastCalledWith(resolve('/home/u', 'b.mlens'));

    const openFile = cancellable();
    electron.app.emit('open-file', openFile, '/Users/u/c.mlens');
    expect(openFile.preventDefault).toHaveBeenCalled();
    expect(desktop.openProject).toHaveBeenLastCalledWith('/Users/u/c.mlens');
  });

  it('quits when the last window closes (outside macOS)', async () => {
    await launch([]);
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).toHaveBeenCalledTimes(process.platform === 'darwin' ? 0 : 1);
  });

  it('closes the core before quitting, once', async () => {
    await launch([]);
    const first = cancellable();
    electron.app.emit('will-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    expect(desktop.close).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());

    const second = cancellable();
    electron.app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(desktop.close).toHaveBeenCalledOnce();
  });
});
