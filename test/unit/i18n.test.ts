import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { isQuickJob, JOB_KINDS } from '../../src-main/shared/dto';

type Tree = { [key: string]: string | Tree };

const I18N_DIR = '../../src-renderer/src/i18n';
/** Loaded at run time: the renderer's files belong to tsconfig.web.json, not to the Node project that checks tests. */
const loadMessages = async (file: string): Promise<Tree> =>
  ((await import(`${I18N_DIR}/${file}.ts`)) as { default: Tree }).default;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(path, value);
    else for (const [nested, text] of flatten(value, path)) flat.set(nested, text);
  }
  return flat;
}

const placeholders = (message: string): string[] =>
  [...new Set([...message.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => name))].sort();

const locales = { en: flatten(await loadMessages('en')), 'zh-CN': flatten(await loadMessages('zh-CN')) };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(vue|ts)$/.test(entry.name) && !path.includes(join('src', 'i18n')) ? [path] : [];
  });
}

describe('interface messages', () => {
  it('has exactly the same keys in every locale', () => {
    expect([...locales['zh-CN'].keys()].sort()).toEqual([...locales.en.keys()].sort());
  });

  it('names every kind of job the job history shows', () => {
    const shown = JOB_KINDS.filter((kind) => !isQuickJob(kind));
    const missing = shown.filter((kind) => !locales.en.has(`jobs.kinds.${kind}`));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(locales))('%s has no empty message', (_locale, messages) => {
    const empty = [...messages].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in every locale', () => {
    const differing = [...locales.en].filter(
      ([key, text]) => placeholders(text).join() !== placeholders(locales['zh-CN'].get(key) ?? '').join(),
    );
    expect(differing.map(([key]) => key)).toEqual([]);
  });

  // A stray at-sign, brace or bar is message syntax to vue-i18n: render each message to prove users see what we wrote.
  it.each(Object.entries(locales))('%s renders every message as written', (locale, messages) => {
    const i18n = createI18n({ legacy: false, locale, messages: { [locale]: Object.fromEntries(messages) } });
    for (const [key, source] of messages) {
      const params = Object.fromEntries(placeholders(source).map((name) => [name, `<${name}>`]));
      const forms = source.split(' | ');
      forms.forEach((form, index) => {
        // "one | many" is chosen by 1, 2; "none | one | many" by 0, 1, 2 (vue-i18n's default plural rule).
        const count = forms.length === 3 ? index : index + 1;
        const rendered = forms.length > 1 ? i18n.global.t(key, params, count) : i18n.global.t(key, params);
        expect(rendered, key).toBe(form.replace(/\{(\w+)\}/g, '<$1>'));
      });
    }
  });

  it('has a message for every literal key the renderer asks for', () => {
    const used = sourceFiles(join(import.meta.dirname, '../../src-renderer/src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g)].map(([, key = '']) => key),
    );
    expect(used.length).toBeGreaterThan(20);
    expect([...new Set(used)].filter((key) => !locales.en.has(key))).toEqual([]);
  });
});
