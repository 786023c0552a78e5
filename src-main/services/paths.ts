import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locale } from '../shared/dto';

/** The package root (where package.json, resources/ and out/ are), from source or from the bundle. */
export function appRoot(from = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'marketlens'
    ) {
      return dir;
    }
    dir = dirname(dir);
  }
  throw new Error('Cannot find the MarketLens package root');
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Where settings and the demo project live. `MARKETLENS_HOME` overrides it (tests, portable installs);
 * otherwise the platform's usual place.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKETLENS_HOME) return env.MARKETLENS_HOME;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'MarketLens');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'MarketLens');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'marketlens');
}

/** Where new projects are created when there is no save dialog (the browser host). */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKETLENS_HOME) return join(env.MARKETLENS_HOME, 'projects');
  return join(homedir(), 'MarketLens');
}

export function localeFromEnvironment(env: NodeJS.ProcessEnv = process.env): Locale {
  const tag = env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
