import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src-main/shared/errors';
import { APPLICATION_ID, createProject, openProject } from '../../src-main/store/connection';
import { latestSchemaVersion, loadMigrations, migrate } from '../../src-main/store/migrations';
import { useTempDir } from '../helpers/temp';

const tempDir = useTempDir();

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe(code);
    if (message) expect((error as CoreError).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** Creates a real project with some rows, closed and checkpointed. */
function makeProject(dir: string, name = 'acme.mlens'): string {
  const path = join(dir, name);
  const db = createProject(path);
  const insert = db.prepare('INSERT INTO customers (external_id, email) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`c${i}`, `c${i}@example.com`);
  })();
  db.close();
  return path;
}

describe('project file', () => {
  it('creates a WAL database with foreign keys, our application id and the latest schema', () => {
    const path = join(tempDir(), 'new.mlens');
    const db = createProject(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion());
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type='table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    expect(tables).toEqual(
      expect.arrayContaining(['customers', 'orders', 'order_lines', 'products', 'imports', 'jobs']),
    );
    expect(() =>
      db.prepare('INSERT INTO order_lines (order_id, line_no, quantity, unit_price) VALUES (999, 1, 1, 1)').run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses to create over an existing file and leaves it alone', () => {
    const path = makeProject(tempDir());
    const before = sha256(path);
    expectCode(() => createProject(path), 'PROJECT_EXISTS');
    expect(sha256(path)).toBe(before);
  });

  it('reopens a project with its data', () => {
    const path = makeProject(tempDir());
    const db = openProject(path);
    expect((db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n).toBe(2000);
    db.close();
  });

  it('migrates from empty to latest in one transaction, and a failing migration leaves the file as it was', () => {
    const dir = tempDir();
    const migrationsDir = join(dir, 'migrations');
    mkdirSync(migrationsDir);
    for (const m of loadMigrations())
      writeFileSync(join(migrationsDir, `${String(m.version).padStart(3, '0')}_${m.name}.sql`), m.sql);
    const next = loadMigrations().length + 1;
    const broken = join(migrationsDir, `${String(next).padStart(3, '0')}_broken.sql`);
    writeFileSync(broken, 'CREATE TABLE extra (x INTEGER);\nINSERT INTO no_such_table VALUES (1);');
    const db = new Database(join(dir, 'm.sqlite'));
    expect(() => migrate(db, loadMigrations(migrationsDir))).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('customers', 'extra')").get()).toEqual({
      n: 0,
    });
    writeFileSync(broken, 'CREATE TABLE extra (x INTEGER);');
    expect(migrate(db, loadMigrations(migrationsDir))).toBe(next);
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    db.close();
  });

  it('opens a project whose newest header is still in its write-ahead log (open elsewhere, or a crash)', () => {
    const path = join(tempDir(), 'open.mlens');
    const first = createProject(path);
    expect(existsSync(`${path}-wal`)).toBe(true);
    const second = openProject(path);
    expect(second.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    second.close();
    first.close();
  });

  it('refuses migrations with a gap in their numbers', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '001_a.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/without gaps/);
  });
});

describe('opening bad files gives a clear message and never modifies them', () => {
  const cases: [string, (dir: string) => string, string, RegExp][] = [
    ['a missing file', (dir) => join(dir, 'gone.mlens'), 'PROJECT_NOT_FOUND', /not found/],
    ['an empty file', (dir) => write(dir, 'empty.mlens', ''), 'PROJECT_NOT_SQLITE', /empty/],
    [
      'a CSV file',
      (dir) => write(dir, 'orders.csv', 'InvoiceNo,StockCode\n536365,85123A\n'),
      'PROJECT_NOT_SQLITE',
      /not a SQLite/,
    ],
    ['a folder', (dir) => mkdir(dir, 'folder.mlens'), 'PROJECT_NOT_SQLITE', /folder/],
    [
      'another SQLite database',
      (dir) => {
        const path = join(dir, 'other.sqlite');
        const db = new Database(path);
        db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
        db.close();
        return path;
      },
      'PROJECT_NOT_MARKETLENS',
      /not a MarketLens project/,
    ],
    [
      'a file from a newer version',
      (dir) => {
        const path = makeProject(dir);
        const db = new Database(path);
        db.pragma(`user_version = ${latestSchemaVersion() + 1}`);
        db.close();
        return path;
      },
      'PROJECT_NEWER_VERSION',
      /newer version of MarketLens.*Update MarketLens/,
    ],
    [
      'a corrupt file',
      (dir) => {
        const path = makeProject(dir);
        const bytes = readFileSync(path);
        // Keep the header (so it still looks like SQLite) and scribble over the b-tree pages.
        for (let i = 4096; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
        writeFileSync(path, bytes);
        return path;
      },
      'PROJECT_CORRUPT',
      /damaged/,
    ],
    [
      'a read-only file',
      (dir) => {
        const path = makeProject(dir);
        chmodSync(path, 0o444);
        return path;
      },
      'PROJECT_READ_ONLY',
      /read-only location.*Copy it/,
    ],
    [
      'a file in a read-only folder',
      (dir) => {
        const folder = mkdir(dir, 'locked');
        const path = makeProject(folder);
        chmodSync(folder, 0o555);
        return path;
      },
      'PROJECT_READ_ONLY',
      /read-only/,
    ],
  ];

  it.each(cases)('%s', (_label, make, code, message) => {
    const path = make(tempDir());
    const before = existsSync(path) && !path.endsWith('folder.mlens') ? sha256(path) : null;
    expectCode(() => openProject(path), code, message);
    if (before) expect(sha256(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

function write(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function mkdir(dir: string, name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

it('a copy of a project opens like the original', () => {
  const dir = tempDir();
  const path = makeProject(dir);
  const copy = join(dir, 'copy.mlens');
  copyFileSync(path, copy);
  const db = openProject(copy);
  expect((db.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n).toBe(2000);
  db.close();
});
