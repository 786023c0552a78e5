import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/services/core';
import type { AnalyseProjectResult, JobInfo } from '../../src-main/shared/dto';
import type { CoreEvent } from '../../src-main/shared/events';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shared/security';
import { startWebHost, staticFile, type WebHost } from '../../src-main/web/server';
import { latestSchemaVersion } from '../../src-main/store/migrations';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();
const open: { core: Core; host: WebHost }[] = [];

afterEach(async () => {
  for (const { core, host } of open.splice(0)) {
    await host.close();
    await core.close();
  }
});

async function start(): Promise<{ core: Core; host: WebHost; base: string; home: string }> {
  const home = tempDir();
  const rendererDir = join(home, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MarketLens</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(home, 'secret.txt'), 'not for the browser');
  const core = createCore({
    door: 'browser',
    version: '0.0.0-test',
    configDir: home,
    workspaceDir: join(home, 'projects'),
    resourcesDir: join(home, 'resources'),
  });
  const host = await startWebHost({ core, rendererDir, port: 0, uploadDir: join(home, 'uploads') });
  open.push({ core, host });
  return { core, host, base: `http://127.0.0.1:${host.port}`, home };
}

function api(host: WebHost, name: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${host.port}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-marketlens-token': host.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A raw request, for headers that fetch will not let us set. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  it('listens on 127.0.0.1 with a fresh token per start and prints the full URL', async () => {
    const a = await start();
    const b = await start();
    expect(a.host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(a.host.token).not.toBe(b.host.token);
  });

  it('answers 401 without the token, for pages, assets, API calls and events', async () => {
    const { host, base } = await start();
    for (const path of ['/', '/assets/app.js', '/events']) expect((await fetch(base + path)).status).toBe(401);
    const call = await api(host, 'app.info', {}, { 'x-marketlens-token': 'wrong' });
    expect(call.status).toBe(401);
    expect(await call.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('serves the page with the CSP and a token cookie that then opens the assets', async () => {
    const { host, base } = await start();
    const page = await fetch(`${base}/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses other origins and other host names', async () => {
    const { host } = await start();
    const foreign = await api(host, 'app.info', {}, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const sameOrigin = await api(host, 'app.info', {}, { origin: `http://127.0.0.1:${host.port}` });
    expect(sameOrigin.status).toBe(200);
    const rebinding = await rawGet(host.port, `/?token=${host.token}`, { host: `evil.example:${host.port}` });
    expect(rebinding).toBe(403);
  });

  it('keeps files outside the renderer folder out of reach', async () => {
    const { home, host } = await start();
    const root = join(home, 'renderer');
    expect(staticFile(root, '/../secret.txt')).toBeNull();
    expect(staticFile(root, '/%2e%2e/secret.txt')).toBeNull();
    expect(staticFile(root, '/assets/%00app.js')).toBeNull();
    expect(staticFile(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(await rawGet(host.port, `/%2e%2e/secret.txt?token=${host.token}`, {})).toBe(404);
  });

  it('takes an uploaded file and previews it for import without the page ever naming a path', async () => {
    const { host, base } = await start();
    await api(host, 'project.create', { name: 'Shop' });
    const csv =
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,MUG,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n';
    const upload = await fetch(`${base}/upload`, {
      method: 'POST',
      headers: { 'x-marketlens-token': host.token, 'x-file-name': encodeURIComponent('../../订单 march.csv') },
      body: csv,
    });
    const file = (await upload.json()) as { ok: true; value: { id: string; name: string; sizeBytes: number } };
    expect(file.value).toMatchObject({ name: '订单 march.csv', sizeBytes: Buffer.byteLength(csv) });
    const previewJob = (await (
      await api(host, 'jobs.start', { kind: 'import-preview', fileId: file.value.id })
    ).json()) as { value: JobInfo };
    await expect
      .poll(
        async () =>
          ((await (await api(host, 'jobs.get', { id: previewJob.value.id })).json()) as { value: JobInfo }).value,
        { timeout: 15_000 },
      )
      .toMatchObject({
        state: 'succeeded',
        result: { file: file.value, detected: { preset: { id: 'uci-online-retail' } }, missing: [] },
      });
    const job = (await (await api(host, 'jobs.start', { kind: 'import', fileId: file.value.id })).json()) as {
      value: JobInfo;
    };
    await expect
      .poll(
        async () => ((await (await api(host, 'jobs.get', { id: job.value.id })).json()) as { value: JobInfo }).value,
        {
          timeout: 15_000,
        },
      )
      .toMatchObject({ state: 'succeeded', result: { file: '订单 march.csv', committed: true, rows: 1 } });
    expect((await fetch(`${base}/upload`, { method: 'POST', body: 'x' })).status).toBe(401);
  });

  it('turns malformed payloads into validation errors, not crashes', async () => {
    const { host } = await start();
    const badJson = await api(host, 'app.info', '{not json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const badName = await (await api(host, 'project.create', { name: '../../etc/passwd' })).json();
    expect(badName).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const extraField = await (await api(host, 'project.create', { name: 'ok', path: '/tmp/x' })).json();
    expect(extraField).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const unknown = await (await api(host, 'project.delete', {})).json();
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    const noProject = await (await api(host, 'jobs.start', { kind: 'analyse-project' })).json();
    expect(noProject).toMatchObject({ ok: false, error: { code: 'NO_PROJECT' } });
    // The host is still serving.
    expect(await (await api(host, 'app.info', {})).json()).toMatchObject({ ok: true, value: { door: 'browser' } });
  });

  it('creates a project and streams job progress over server-sent events', async () => {
    const { host, base } = await start();
    const events: CoreEvent[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${base}/events?token=${host.token}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body?.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read().catch(() => undefined);
        if (!chunk || chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as CoreEvent);
        }
      }
    })();

    const created = await (await api(host, 'project.create', { name: 'Acme' })).json();
    expect(created).toMatchObject({ ok: true, value: { name: 'Acme', schemaVersion: latestSchemaVersion() } });
    const duplicate = await (await api(host, 'project.create', { name: 'Acme' })).json();
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'PROJECT_EXISTS' } });
    const started = (await (await api(host, 'jobs.start', { kind: 'analyse-project' })).json()) as { value: JobInfo };
    await expect
      .poll(() => events.find((e) => e.name === 'job.updated' && (e.payload as JobInfo).state === 'succeeded'), {
        timeout: 15_000,
      })
      .toBeTruthy();
    const done = events.findLast((e) => e.name === 'job.updated')?.payload as JobInfo;
    expect(done.id).toBe(started.value.id);
    expect((done.result as AnalyseProjectResult | null)?.tables.map((t) => t.table)).toContain('order_lines');
    expect(events.some((e) => e.name === 'project.changed')).toBe(true);
    controller.abort();
    await reading;
  });
});
