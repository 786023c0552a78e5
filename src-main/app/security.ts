import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { APP_ORIGIN } from '../shared/security';

// Only types come from electron here, so that tests can load these decisions under plain Node.

/** Where the window loads the renderer from, and the one origin trusted with navigation and IPC. */
export interface RendererEntry {
  url: string;
  origin: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer comes from `app://marketlens/`. Only an unpackaged app run by `electron-vite dev` (which sets
 * `ELECTRON_RENDERER_URL`) loads it from the loopback dev server instead, so that edits reload live.
 */
export function rendererEntry(devServerUrl: string | undefined, isPackaged: boolean): RendererEntry {
  if (!isPackaged && devServerUrl) {
    const url = parseUrl(devServerUrl);
    if (url && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
      return { url: url.href, origin: originOf(url) };
    }
  }
  return { url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN };
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** WHATWG URLs give custom schemes an opaque origin ("null"), so build the scheme://host[:port] form ourselves. */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

export function isTrustedUrl(url: string, trustedOrigin: string = APP_ORIGIN): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.username === '' && parsed.password === '' && originOf(parsed) === trustedOrigin;
}

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'MarketLens',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      // Chromium's spellchecker downloads its dictionaries, and the app makes no network request.
      spellcheck: false,
    },
  };
}

/** Applied to every WebContents the app creates: it may go nowhere but our own pages and open nothing. */
export function hardenWebContents(contents: WebContents, trustedOrigin: string): void {
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (!isTrustedUrl(event.url, trustedOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The app needs no camera, microphone, notifications, clipboard reads, devices or anything else a page may ask. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
