import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, sep } from 'node:path';
import type { Core } from '../services/core';
import type { Result } from '../shared/errors';
import type { ImportFileRef } from '../shared/import';
import { CONTENT_SECURITY_POLICY } from '../shared/security';

export interface WebHostOptions {
  core: Core;
  /** Where uploaded files are kept while the host runs (removed on close). */
  uploadDir: string;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Tests may fix the token; normally each start makes a new one. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const TOKEN_HEADER = 'x-marketlens-token';
const TOKEN_COOKIE = 'marketlens_token';
const MAX_BODY_BYTES = 1 << 20;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function sameToken(expected: Buffer, given: string | undefined): boolean {
  if (!given) return false;
  const candidate = Buffer.from(given);
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': MIME['.json'], 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: 401 | 403 | 404 | 405 | 413, message: string): void {
  const code = status === 401 || status === 403 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'VALIDATION';
  sendJson(res, status, { ok: false, error: { code, message } });
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The browser door: serves the built renderer and carries the contract over HTTP on 127.0.0.1 only.
 * Every request needs the per-start token (query on the first page load, then a same-site cookie for assets
 * and a header for API calls); requests naming another origin or host are refused, which also stops DNS
 * rebinding.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const expected = Buffer.from(token);
  const sseClients = new Set<ServerResponse>();
  let port = 0;

  const unsubscribe = options.core.onEvent((event) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error('[marketlens] web host:', error);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const allowedHosts = [`${HOST}:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) return refuse(res, 403, 'Unknown host.');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
      return refuse(res, 403, 'Requests from other origins are refused.');
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') return refuse(res, 403, 'Cross-site requests are refused.');

    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const queryToken = url.searchParams.get('token') ?? undefined;
    const headerToken = req.headers[TOKEN_HEADER];
    const authorised =
      sameToken(expected, typeof headerToken === 'string' ? headerToken : undefined) ||
      sameToken(expected, queryToken) ||
      sameToken(expected, cookie(req, TOKEN_COOKIE));
    if (!authorised) {
      return refuse(
        res,
        401,
        'This MarketLens page needs its access token: open the full URL that `marketlens serve` printed.',
      );
    }

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST for API calls.');
      const body = await readBody(req);
      if (body === null) return refuse(res, 413, 'The request is too large.');
      let payload: unknown;
      try {
        payload = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' },
        });
      }
      const name = decodeURIComponent(url.pathname.slice('/api/'.length));
      return sendJson(res, 200, await options.core.dispatch(name, payload));
    }

    if (url.pathname === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST to upload a file.');
      return sendJson(res, 200, { ok: true, value: await receiveUpload(req, options) });
    }

    if (url.pathname === '/events') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    const file = staticFile(options.rendererDir, url.pathname);
    if (!file) return refuse(res, 404, 'Not found.');
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    };
    if (queryToken) headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const client of sseClients) client.end();
      sseClients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(options.uploadDir, { recursive: true, force: true });
    },
  };
}

/**
 * The browser door's stand-in for a file dialog: the page streams the chosen file here (raw body, its name in
 * `x-file-name`), and the core hands back an id. Streamed to disk, so a 2 GB export costs no memory.
 */
async function receiveUpload(req: IncomingMessage, options: WebHostOptions): Promise<ImportFileRef> {
  const header = req.headers['x-file-name'];
  const name = basename(decodeURIComponent(typeof header === 'string' ? header : 'upload')).slice(0, 200) || 'upload';
  mkdirSync(options.uploadDir, { recursive: true });
  const path = join(options.uploadDir, `${randomUUID()}-${name.replace(/[^\p{L}\p{N}._ -]/gu, '_')}`);
  await pipeline(req, createWriteStream(path));
  return options.core.registerFile(path, name);
}

/** Maps a URL path to a file inside the renderer folder; refuses anything that would leave it. */
export function staticFile(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const candidate = normalize(join(root, relative));
  if (candidate !== root && !candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return existsSync(candidate) && statSync(candidate).isFile() ? candidate : null;
}
