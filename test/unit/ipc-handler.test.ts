// Electron cannot run here (its binary is not installed), so these tests drive the IPC helper with plain objects
// shaped like the IpcMainInvokeEvent that ipcMain.handle passes: `sender` (WebContents) and `senderFrame`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebContents } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createIpcHandler, trustedSenders, type SenderEvent } from '../../src-main/ipc/handler';
import { forwardCoreEvents, registerIpcHandlers } from '../../src-main/ipc/register';
import { createCore } from '../../src-main/services/core';
import { EVENT_CHANNEL, invokeChannel } from '../../src-main/shared/api';
import type { Result } from '../../src-main/shared/errors';
import type { CoreEvent } from '../../src-main/shared/events';
import { OPERATION_NAMES } from '../../src-main/shared/operations';
import { APP_ORIGIN } from '../../src-main/shared/security';

const OUR_WINDOW_ID = 1;
const MAIN_FRAME = 100;

interface FakeFrame {
  url: string;
  frameTreeNodeId: number;
  parent: FakeFrame | null;
}

function ipcEvent(
  options: { url?: string; contentsId?: number; frame?: 'main' | 'child' | 'none' | 'detached-top' } = {},
): SenderEvent {
  const url = options.url ?? 'app://marketlens/index.html#/home';
  const mainFrame: FakeFrame = { url, frameTreeNodeId: MAIN_FRAME, parent: null };
  const frames: Record<string, FakeFrame | null> = {
    main: mainFrame,
    child: { url, frameTreeNodeId: 101, parent: mainFrame },
    // A top-level frame that is not this WebContents' main frame (e.g. a fenced frame).
    'detached-top': { url, frameTreeNodeId: 102, parent: null },
    none: null,
  };
  return {
    sender: { id: options.contentsId ?? OUR_WINDOW_ID, mainFrame } as unknown as WebContents,
    senderFrame: frames[options.frame ?? 'main'],
  } as unknown as SenderEvent;
}

const isTrustedSender = trustedSenders(APP_ORIGIN, (contents) => contents.id === OUR_WINDOW_ID);

describe('trustedSenders', () => {
  it('accepts the main frame of our window showing an app:// page', () => {
    expect(isTrustedSender(ipcEvent())).toBe(true);
  });

  it.each([
    ['a frame that has navigated away or gone', ipcEvent({ frame: 'none' })],
    ['an iframe inside our page', ipcEvent({ frame: 'child' })],
    ['a top-level frame that is not the main frame', ipcEvent({ frame: 'detached-top' })],
    ['another WebContents', ipcEvent({ contentsId: 2 })],
    ['a remote page', ipcEvent({ url: 'https://example.com/' })],
    ['a file:// page', ipcEvent({ url: 'file:///tmp/index.html' })],
    ['another app:// host', ipcEvent({ url: 'app://marketlens.example.com/index.html' })],
    ['about:blank', ipcEvent({ url: 'about:blank' })],
  ])('refuses %s', (_what, event) => {
    expect(isTrustedSender(event)).toBe(false);
  });
});

describe('createIpcHandler', () => {
  it('refuses an untrusted sender with UNAUTHORIZED, without reaching the core', async () => {
    const dispatch = vi.fn<(name: string, payload: unknown) => Promise<Result<unknown>>>();
    const handler = createIpcHandler('project.open', dispatch, isTrustedSender);
    const result = await handler(ipcEvent({ frame: 'child' }), { id: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('hands a trusted request to dispatch under its own operation name and returns its result', async () => {
    const answer: Result<unknown> = { ok: true, value: { id: 'job-1' } };
    const dispatch = vi.fn(async () => answer);
    const handler = createIpcHandler('jobs.get', dispatch, isTrustedSender);
    expect(await handler(ipcEvent(), { id: 'job-1' })).toBe(answer);
    expect(dispatch).toHaveBeenCalledExactlyOnceWith('jobs.get', { id: 'job-1' });
  });

  describe('with the real core', () => {
    const home = mkdtempSync(join(tmpdir(), 'marketlens-ipc-'));
    const core = createCore({
      door: 'desktop',
      version: '0.0.0-test',
      configDir: home,
      workspaceDir: join(home, 'projects'),
      resourcesDir: join(home, 'resources'),
    });
    afterAll(async () => {
      await core.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('schema-parses the payload: a malformed one comes back as a VALIDATION error', async () => {
      const update = createIpcHandler('settings.update', core.dispatch, isTrustedSender);
      expect(await update(ipcEvent(), { locale: 'fr' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(await update(ipcEvent(), { locale: 'en', path: '/etc/passwd' })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
      expect(await update(ipcEvent(), { locale: 'zh-CN' })).toEqual({ ok: true, value: { locale: 'zh-CN' } });
    });

    it('changes nothing for a refused sender', async () => {
      const update = createIpcHandler('settings.update', core.dispatch, isTrustedSender);
      const get = createIpcHandler('settings.get', core.dispatch, isTrustedSender);
      await update(ipcEvent(), { locale: 'en' });
      const refused = await update(ipcEvent({ url: 'https://example.com/' }), { locale: 'zh-CN' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(await get(ipcEvent(), {})).toEqual({ ok: true, value: { locale: 'en' } });
    });
  });
});

describe('registerIpcHandlers', () => {
  const handlers = new Map<string, (event: SenderEvent, payload: unknown) => Promise<Result<unknown>>>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: (event: SenderEvent, payload: unknown) => Promise<Result<unknown>>) => {
      handlers.set(channel, handler);
    }),
  };
  const dispatch = vi.fn(async (name: string) => ({ ok: true as const, value: name }));
  registerIpcHandlers(ipcMain, dispatch, isTrustedSender);

  it('registers exactly one handler per contract operation, each on its own channel', () => {
    expect(ipcMain.handle).toHaveBeenCalledTimes(OPERATION_NAMES.length);
    expect([...handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(invokeChannel).sort());
  });

  it('routes every channel to its own operation, and guards every one of them', async () => {
    for (const name of OPERATION_NAMES) {
      const handler = handlers.get(invokeChannel(name));
      expect(await handler?.(ipcEvent(), {})).toEqual({ ok: true, value: name });
      expect(await handler?.(ipcEvent({ contentsId: 7 }), {})).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    expect(dispatch).toHaveBeenCalledTimes(OPERATION_NAMES.length);
  });
});

describe('forwardCoreEvents', () => {
  it('sends each core event on the event channel to the current recipients', () => {
    let listener: ((event: CoreEvent) => void) | undefined;
    const unsubscribe = vi.fn();
    const subscribe = (next: (event: CoreEvent) => void) => {
      listener = next;
      return unsubscribe;
    };
    const window = { send: vi.fn() };
    let recipients = [window];

    expect(forwardCoreEvents(subscribe, () => recipients)).toBe(unsubscribe);
    const event: CoreEvent = { name: 'settings.changed', payload: { locale: 'en' } };
    listener?.(event);
    expect(window.send).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, event);

    recipients = [];
    listener?.(event);
    expect(window.send).toHaveBeenCalledTimes(1);
  });
});
