import { isAbsolute, join, resolve } from 'node:path';
import type { Locale } from '../shared/dto';
import { defaultWorkspaceDir } from '../services/paths';
import { PROJECT_EXTENSION } from '../store/connection';

export interface DesktopDirs {
  configDir: string;
  workspaceDir: string;
}

/**
 * `MARKETLENS_HOME` keeps everything in one folder (tests, portable use), as it does for the CLI; otherwise
 * settings go where Electron keeps app data and projects where the user keeps documents.
 */
export function desktopDirs(env: NodeJS.ProcessEnv, userDataDir: string, documentsDir: string): DesktopDirs {
  if (env.MARKETLENS_HOME) return { configDir: env.MARKETLENS_HOME, workspaceDir: defaultWorkspaceDir(env) };
  return { configDir: userDataDir, workspaceDir: join(documentsDir, 'MarketLens') };
}

/** Electron's `app.getLocale()` tag ("zh-CN", "zh-TW", "en-US", …) as one of the app's languages. */
export function localeFromTag(tag: string): Locale {
  return tag.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * The project file named on a command line (`MarketLens acme.mlens`, or the argv a second instance passes on),
 * resolved against the directory it was typed in. Switches (Chromium adds some) are skipped; the last file wins.
 */
export function projectPathFromArgv(argv: readonly string[], cwd: string): string | null {
  const files = argv.slice(1).filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith(PROJECT_EXTENSION));
  const last = files.at(-1);
  if (last === undefined) return null;
  return isAbsolute(last) ? last : resolve(cwd, last);
}
