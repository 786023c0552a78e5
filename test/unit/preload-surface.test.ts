import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildBridge } from '../../src-main/preload/bridge';
import { EVENT_CHANNEL, invokeChannel } from '../../src-main/shared/api';
import { contract, type OperationName } from '../../src-main/shared/contract';
import { OPERATION_NAMES } from '../../src-main/shared/operations';

const contractNames = Object.keys(contract).sort();

// The preload itself imports electron, whose binary is not installed here: a stand-in records what it exposes.
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(async () => ({ ok: true, value: 'from main' })), on: vi.fn(), removeListener: vi.fn() },
}));
vi.mock('electron', () => electron);

describe('OPERATION_NAMES', () => {
  it('equals the contract keys, without repeats', () => {
    expect([...OPERATION_NAMES].sort()).toEqual(contractNames);
    expect(new Set(OPERATION_NAMES).size).toBe(OPERATION_NAMES.length);
  });
});

describe('buildBridge', () => {
  const invoke = vi.fn(async (channel: string, payload: unknown) => ({ channel, payload }));
  const unsubscribe = vi.fn();
  const subscribe = vi.fn((_channel: string, _listener: (payload: unknown) => void) => unsubscribe);
  const bridge = buildBridge(invoke, subscribe);

  it('exposes the api and onEvent, nothing else', () => {
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent']);
  });

  it('has exactly one api method per contract operation', () => {
    expect(Object.keys(bridge.api).sort()).toEqual(contractNames);
    for (const name of contractNames) expect(typeof bridge.api[name as OperationName], name).toBe('function');
  });

  it('binds every method to its own channel and returns what the main process answered', async () => {
    const channels = new Set<string>();
    for (const name of OPERATION_NAMES) {
      invoke.mockClear();
      const payload = { probe: name };
      const call = bridge.api[name] as (input: unknown) => Promise<unknown>;
      expect(await call(payload)).toEqual({ channel: invokeChannel(name), payload });
      expect(invoke).toHaveBeenCalledExactlyOnceWith(invokeChannel(name), payload);
      channels.add(invokeChannel(name));
    }
    expect(channels.size).toBe(OPERATION_NAMES.length);
  });

  it('subscribes onEvent to the event channel and hands back its unsubscribe', () => {
    const listener = vi.fn();
    expect(bridge.onEvent(listener)).toBe(unsubscribe);
    expect(subscribe).toHaveBeenCalledWith(EVENT_CHANNEL, expect.any(Function));
    const forward = subscribe.mock.calls[0]?.[1];
    const event = { name: 'project.changed', payload: null };
    forward?.(event);
    expect(listener).toHaveBeenCalledExactlyOnceWith(event);
  });
});

describe('the preload script', async () => {
  await import('../../src-main/preload/index');
  const [world, exposed] = electron.contextBridge.exposeInMainWorld.mock.calls[0] ?? [];
  const bridge = exposed as ReturnType<typeof buildBridge>;

  it('exposes one object, window.marketlens, through the context bridge', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(world).toBe('marketlens');
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent']);
    expect(Object.keys(bridge.api).sort()).toEqual(contractNames);
  });

  it('invokes over ipcRenderer on the operation channel', async () => {
    expect(await bridge.api['jobs.start']({ kind: 'analyse-project' })).toEqual({ ok: true, value: 'from main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(invokeChannel('jobs.start'), {
      kind: 'analyse-project',
    });
  });

  it('passes events on without the IPC event object, and unsubscribes the same listener', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.onEvent(listener);
    const [channel, forward] = electron.ipcRenderer.on.mock.calls[0] as unknown as [
      string,
      (...args: unknown[]) => void,
    ];
    expect(channel).toBe(EVENT_CHANNEL);
    const event = { name: 'settings.changed', payload: { locale: 'en' } };
    forward({ sender: 'ipcRenderer' }, event);
    expect(listener).toHaveBeenCalledExactlyOnceWith(event);
    unsubscribe();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledExactlyOnceWith(EVENT_CHANNEL, forward);
  });
});

/** Value imports of a source file (`import type` is erased; everything else, even `import {}`, stays). */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^;]*?\sfrom\s+)?'([^']+)'/gms)].map((m) => m[1] ?? '');
}

describe('what the sandboxed preload bundles', () => {
  it('reaches only electron and files in preload/ and shared/ (so no zod, no Node modules)', () => {
    const preloadDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src-main/preload');
    const allowedDirs = [preloadDir, resolve(preloadDir, '../shared')];
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      expect(
        allowedDirs.some((dir) => file.startsWith(dir + '/')),
        file,
      ).toBe(true);
      for (const specifier of runtimeImports(file)) {
        if (specifier.startsWith('.')) visit(`${join(dirname(file), specifier)}.ts`);
        else external.add(specifier);
      }
    };
    visit(join(preloadDir, 'index.ts'));
    expect([...external]).toEqual(['electron']);
    expect(seen.size).toBeGreaterThan(2);
  });
});
