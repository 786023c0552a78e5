import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/**
 * The numbered SQL files next to this module. The build copies them beside the bundle, so the same
 * relative lookup works from source (tests, CLI) and from `out/main` (Electron).
 */
export function loadMigrations(dir = fileURLToPath(new URL('./migrations/', import.meta.url))): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2] ?? file,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migrations must be numbered 001, 002, … without gaps; found ${migration.version} at ${index + 1}`,
      );
    }
  });
  return migrations;
}

let cached: Migration[] | undefined;

export function latestSchemaVersion(): number {
  cached ??= loadMigrations();
  return cached.length;
}

/** Applies every migration newer than the file's `user_version`, all in one transaction. */
export function migrate(db: Database, migrations: Migration[] = (cached ??= loadMigrations())): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = migrations.filter((migration) => migration.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  return pending.at(-1)?.version ?? current;
}
