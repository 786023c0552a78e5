// A stand-in for the parts of electron the shell uses, for tests that run the shell's wiring under plain Node
// (Electron's binary is not installed here). Use it with `vi.mock('electron', () => import('../helpers/fake-electron'))`.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export const appPaths = { appPath: '', userData: '', documents: '' };

export const app = Object.assign(new EventEmitter(), {
  isPackaged: true,
  enableSandbox: vi.fn(),
  getAppPath: () => appPaths.appPath,
  getPath: (name: 'userData' | 'documents') => appPaths[name],
  getLocale: () => 'zh-CN',
  getVersion: () => '9.9.9',
  requestSingleInstanceLock: vi.fn(() => true),
  quit: vi.fn(),
  exit: vi.fn(),
  whenReady: vi.fn(() => Promise.resolve()),
});

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = { frameTreeNodeId: this.id * 1000, parent: null, url: '' };
  readonly send = vi.fn();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }

  getURL() {
    return this.mainFrame.url;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  static getFocusedWindow = () => null;

  readonly webContents = new FakeWebContents();
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();

  constructor(readonly options: unknown) {
    super();
    BrowserWindow.created.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }

  async loadURL(url: string) {
    this.webContents.mainFrame.url = url;
  }

  isDestroyed = () => false;
  isMinimized = () => false;
}

export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };

export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  },
};

export const ipcMain = { handle: vi.fn() };

export const Menu = {
  buildFromTemplate: vi.fn((template: unknown) => ({ template })),
  setApplicationMenu: vi.fn(),
};

export const dialog = {
  showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async () => ({ canceled: true, filePath: '' })),
  showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  showErrorBox: vi.fn(),
};
