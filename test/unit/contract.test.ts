import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dispatch, type Handlers } from '../../src-main/services/dispatch';
import { contract } from '../../src-main/shared/contract';
import { CoreError, ERROR_CODES } from '../../src-main/shared/errors';
import { OPERATION_NAMES } from '../../src-main/shared/operations';

const names = Object.keys(contract) as (keyof typeof contract)[];

/** Handlers that echo their parsed input, so the tests see exactly what dispatch passed on. */
const echo = Object.fromEntries(names.map((name) => [name, (input: unknown) => input])) as unknown as Handlers;

describe('the contract', () => {
  it('lists the same operations in the preload-safe name list', () => {
    expect([...OPERATION_NAMES].sort()).toEqual([...names].sort());
  });

  it('has a zod request schema for every operation and only known error codes', () => {
    for (const name of names) {
      expect(contract[name].input, name).toBeInstanceOf(z.ZodType);
      for (const code of contract[name].errors) expect(ERROR_CODES).toContain(code);
    }
  });

  it('rejects unknown fields everywhere, so no door can smuggle a path in', () => {
    for (const name of names) {
      const parsed = contract[name].input.safeParse({
        path: '/etc/passwd',
        id: 'x',
        name: 'x',
        kind: 'analyse-project',
        locale: 'en',
      });
      expect(parsed.success, name).toBe(false);
    }
  });
});

describe('dispatch', () => {
  it('passes parsed input to the handler', async () => {
    expect(await dispatch(echo, 'project.create', { name: '  Acme  ' })).toEqual({ ok: true, value: { name: 'Acme' } });
    expect(await dispatch(echo, 'app.info', undefined)).toEqual({ ok: true, value: {} });
  });

  it.each([
    ['project.create', { name: '' }],
    ['project.create', { name: 'a/b' }],
    ['project.create', { name: '..' }],
    ['project.create', { name: 'x'.repeat(81) }],
    ['project.open', { id: 42 }],
    ['jobs.start', { kind: 'mine-bitcoin' }],
    ['settings.update', { locale: 'fr' }],
    ['app.info', 'not an object'],
    ['app.info', { unexpected: true }],
  ])('turns a malformed %s payload into a VALIDATION error', async (name, payload) => {
    const result = await dispatch(echo, name, payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!result.ok) expect(result.error.message).toContain(name);
  });

  it('refuses unknown operations, including prototype names', async () => {
    for (const name of ['project.delete', 'constructor', '__proto__', 'toString']) {
      expect(await dispatch(echo, name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    }
  });

  it('returns CoreErrors as data and hides nothing else but the stack', async () => {
    const failing = {
      ...echo,
      'project.counts': () => {
        throw new CoreError('NO_PROJECT', 'No project is open.');
      },
      'jobs.list': () => {
        throw new TypeError('x is undefined');
      },
    } as Handlers;
    expect(await dispatch(failing, 'project.counts', {})).toEqual({
      ok: false,
      error: { code: 'NO_PROJECT', message: 'No project is open.' },
    });
    const internal = await dispatch(failing, 'jobs.list', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!internal.ok) expect(internal.error.message).toMatch(/jobs\.list: x is undefined/);
  });
});
