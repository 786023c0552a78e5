import type { CustomScheme } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from '../shared/security';

// Only types come from electron here, so that tests can serve files through it under plain Node.

const APP_URL = new URL(APP_ORIGIN);
export const APP_SCHEME = APP_URL.protocol.slice(0, -1);

/**
 * `standard` gives the scheme real origins and relative URLs (and so the bundle's `/assets/…` paths),
 * `secure` makes it a secure context like https. No `corsEnabled`: no other origin may read our files.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that an `app://marketlens/…` URL names, or null when the URL is not ours or would
 * leave `root` (`..`, encoded separators, NUL bytes, absolute paths).
 */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  let pathname: string;
  try {
    parsed = new URL(url);
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (parsed.protocol !== APP_URL.protocol || parsed.host !== APP_URL.host) return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const inside = relative(resolve(root), file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Answers one `app://` request from the built renderer in `root`; every file goes out with the CSP header. */
export async function serveAppFile(root: string, request: Pick<Request, 'method' | 'url'>): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
  const file = resolveAppFile(root, request.url);
  // The router keeps its routes in the hash, so every real request names a file of the bundle.
  const body = file === null ? null : await readFile(file).catch(() => null);
  if (file === null || body === null) return plain(404, 'Not found');
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: {
      'content-type': contentTypeFor(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}
