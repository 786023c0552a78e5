// Electron's binary is not installed where these tests run, so the shell's decisions live in modules that import
// only types from electron, and are checked here with plain objects standing in for WebContents and Session.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  contentTypeFor,
  resolveAppFile,
  serveAppFile,
} from '../../src-main/app/app-protocol';
import {
  denyAllPermissions,
  hardenWebContents,
  isTrustedUrl,
  rendererEntry,
  windowOptions,
} from '../../src-main/app/security';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../../src-main/shared/security';

describe('windowOptions', () => {
  const { webPreferences } = windowOptions('/app/out/preload/index.cjs');

  it('isolates the renderer: context isolation, sandbox, no Node, web security, no <webview>', () => {
    expect(webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('turns off the spellchecker, which would download dictionaries', () => {
    expect(webPreferences?.spellcheck).toBe(false);
  });
});

describe('rendererEntry', () => {
  it('loads the renderer from app://marketlens/index.html', () => {
    expect(rendererEntry(undefined, false)).toEqual({ url: 'app://marketlens/index.html', origin: APP_ORIGIN });
    expect(rendererEntry(undefined, true)).toEqual({ url: 'app://marketlens/index.html', origin: APP_ORIGIN });
  });

  it('ignores a dev-server URL in a packaged app', () => {
    expect(rendererEntry('http://localhost:5173', true).origin).toBe(APP_ORIGIN);
  });

  it('uses the electron-vite dev server only on the loopback interface over http', () => {
    expect(rendererEntry('http://localhost:5173', false)).toEqual({
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
    expect(rendererEntry('http://127.0.0.1:5173', false).origin).toBe('http://127.0.0.1:5173');
    expect(rendererEntry('http://example.com:5173', false).origin).toBe(APP_ORIGIN);
    expect(rendererEntry('https://localhost:5173', false).origin).toBe(APP_ORIGIN);
    expect(rendererEntry('not a url', false).origin).toBe(APP_ORIGIN);
  });
});

describe('isTrustedUrl', () => {
  it.each(['app://marketlens/index.html', 'app://marketlens/', 'app://marketlens/index.html#/segments?x=1'])(
    'trusts %s',
    (url) => expect(isTrustedUrl(url)).toBe(true),
  );

  it.each([
    'https://marketlens/index.html',
    'http://localhost:5173/',
    'file:///app/out/renderer/index.html',
    'app://evil/index.html',
    'app://marketlens.evil.example/index.html',
    'app://user:pw@marketlens/index.html',
    'app://user@marketlens/index.html',
    'app://:pw@marketlens/index.html',
    'app://marketlens:8080/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    '',
    'app:marketlens',
  ])('does not trust %s', (url) => expect(isTrustedUrl(url)).toBe(false));

  it('trusts another origin only when told to', () => {
    expect(isTrustedUrl('http://localhost:5173/#/x', 'http://localhost:5173')).toBe(true);
    expect(isTrustedUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

/** Enough of a WebContents for hardenWebContents: events plus the window-open handler it installs. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler(handler: typeof openHandler) {
      openHandler = handler;
    },
  });
  const fire = (name: string, url: string) => {
    let prevented = false;
    emitter.emit(name, { url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('hardenWebContents', () => {
  const { contents, fire, open } = fakeContents();
  hardenWebContents(contents, APP_ORIGIN);

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s stays within the app origin', (event) => {
    expect(fire(event, 'app://marketlens/index.html#/customers')).toBe(false);
    expect(fire(event, 'https://example.com/')).toBe(true);
    expect(fire(event, 'file:///etc/passwd')).toBe(true);
    expect(fire(event, 'app://elsewhere/index.html')).toBe(true);
  });

  it('refuses to attach a <webview>', () => {
    expect(fire('will-attach-webview', 'app://marketlens/index.html')).toBe(true);
  });

  it('denies every window.open, even to the app itself', () => {
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(open('app://marketlens/index.html')).toEqual({ action: 'deny' });
  });
});

describe('denyAllPermissions', () => {
  const handlers: Record<string, (...args: never[]) => unknown> = {};
  const session = {
    setPermissionRequestHandler: (handler: (...args: never[]) => unknown) => (handlers.request = handler),
    setPermissionCheckHandler: (handler: (...args: never[]) => unknown) => (handlers.check = handler),
    setDevicePermissionHandler: (handler: (...args: never[]) => unknown) => (handlers.device = handler),
  };
  denyAllPermissions(session as unknown as Session);

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])(
    'answers a request for %s with no',
    (permission) => {
      const answers: boolean[] = [];
      const request = handlers.request as unknown as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
      request({}, permission, (granted) => answers.push(granted));
      expect(answers).toEqual([false]);
    },
  );

  it('answers every permission check and device request with no', () => {
    expect((handlers.check as unknown as (...args: unknown[]) => boolean)({}, 'media', APP_ORIGIN, {})).toBe(false);
    expect((handlers.device as unknown as (...args: unknown[]) => boolean)({ deviceType: 'usb' })).toBe(false);
  });
});

describe('the app:// scheme', () => {
  it('is the scheme of APP_ORIGIN, registered standard and secure, and not readable cross-origin', () => {
    expect(`${APP_SCHEME}://marketlens`).toBe(APP_ORIGIN);
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });
});

describe('resolveAppFile', () => {
  const root = '/srv/renderer';

  it('maps app URLs to files under the root, / to index.html', () => {
    expect(resolveAppFile(root, 'app://marketlens/')).toBe('/srv/renderer/index.html');
    expect(resolveAppFile(root, 'app://marketlens/assets/index-1a2b.js?v=1#x')).toBe(
      '/srv/renderer/assets/index-1a2b.js',
    );
    expect(resolveAppFile(root, 'app://marketlens/fonts/%E5%AD%97.woff2')).toBe('/srv/renderer/fonts/字.woff2');
    expect(resolveAppFile(root, 'app://marketlens/..notes.txt')).toBe('/srv/renderer/..notes.txt');
  });

  it.each([
    'app://marketlens/..%2f..%2fetc%2fpasswd',
    'app://marketlens/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd',
    'app://marketlens/..%5c..%5cwindows%5cwin.ini',
    'app://marketlens/index.html%00.png',
    'app://marketlens/%E0%A4%A',
    'app://other/index.html',
    'app://user@marketlens/index.html',
    'https://marketlens/index.html',
    'file:///srv/renderer/index.html',
  ])('refuses %s', (url) => expect(resolveAppFile(root, url)).toBeNull());

  it('keeps dot segments inside the root, as the URL parser already removed them', () => {
    expect(resolveAppFile(root, 'app://marketlens/../../etc/passwd')).toBe('/srv/renderer/etc/passwd');
  });
});

describe('serveAppFile', () => {
  let root: string;
  let outside: string;

  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'marketlens-protocol-'));
    root = join(outside, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>MarketLens</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(outside, 'secret.txt'), 'do not serve');
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => serveAppFile(root, { method, url });

  it('serves index.html with the CSP header, which has no unsafe-eval', async () => {
    const response = await get('app://marketlens/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>MarketLens</title>');
  });

  it('serves scripts as JavaScript, with the CSP header too', async () => {
    const response = await get('app://marketlens/assets/app.js');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toBe('console.log(1)');
  });

  it('refuses to leave the renderer folder', async () => {
    const response = await get('app://marketlens/..%2fsecret.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('do not serve');
  });

  it('answers 404 for files the bundle does not have, and for folders', async () => {
    expect((await get('app://marketlens/assets/missing.js')).status).toBe(404);
    expect((await get('app://marketlens/segments/new')).status).toBe(404);
    expect((await get('app://marketlens/assets/')).status).toBe(404);
  });

  it('answers 405 to anything but GET and HEAD', async () => {
    expect((await get('app://marketlens/index.html', 'POST')).status).toBe(405);
    const head = await get('app://marketlens/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('names content types by extension, and nothing it does not know as runnable', () => {
    expect(contentTypeFor('a/b.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a/b.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a/b.exe')).toBe('application/octet-stream');
  });
});
