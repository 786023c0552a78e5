import { join } from 'node:path';

/** What an Electron build of better-sqlite3's addon is tied to: change any of them and it must be rebuilt. */
export interface BindingTarget {
  betterSqlite3: string;
  electron: string;
  platform: string;
  arch: string;
}

/**
 * Where the Electron build of better-sqlite3's addon lives: in the git-ignored `native/`, apart from the Node
 * build in node_modules, which tests, the CLI and the browser host keep using. `scripts/electron-native.mjs`
 * writes it here and the desktop app hands it to better-sqlite3 as `nativeBinding`.
 */
export function electronBindingPath(root: string, target: BindingTarget): string {
  const folder = `better-sqlite3-${target.betterSqlite3}-electron-${target.electron}-${target.platform}-${target.arch}`;
  return join(root, 'native', folder, 'better_sqlite3.node');
}
