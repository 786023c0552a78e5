import { accessSync, constants, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import Database from 'better-sqlite3';
import { CoreError } from '../shared/errors';
import { latestSchemaVersion, migrate } from './migrations';

/** 'MLNS': marks a SQLite file as a MarketLens project (PRAGMA application_id). */
export const APPLICATION_ID = 0x4d4c4e53;
export const PROJECT_EXTENSION = '.mlens';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export interface ConnectionOptions {
  /** better-sqlite3's `nativeBinding`: the Electron build of the addon, when running under Electron. */
  nativeBinding?: string | undefined;
}

export type Db = Database.Database;

export function projectNameFromPath(path: string): string {
  return basename(path, extname(path));
}

function connect(path: string, options: ConnectionOptions, extra: Database.Options = {}): Db {
  return new Database(path, { ...extra, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
}

function configure(db: Db): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // The main connection serves the UI: it must not wait long for a worker's write lock (see jobs-repo).
  db.pragma('busy_timeout = 50');
  db.pragma('synchronous = NORMAL');
}

/** The mode bits say "read-only" even where the user is root and the OS would let us write. */
function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  return (statSync(path).mode & 0o222) !== 0;
}

/** The first 100 bytes of a SQLite file: magic string, then big-endian fields at fixed offsets. */
function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(100);
    const read = readSync(fd, buffer, 0, 100, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

const HEADER_USER_VERSION = 60;
const HEADER_APPLICATION_ID = 68;

/**
 * The ids as the header says, or, when a write-ahead log beside the file may hold a newer header (the file is
 * open elsewhere, or the app stopped before checkpointing), as SQLite reads them through the log.
 */
function headerIds(
  path: string,
  header: Buffer,
  options: ConnectionOptions,
): { applicationId: number; schemaVersion: number } {
  const applicationId = header.readUInt32BE(HEADER_APPLICATION_ID);
  const schemaVersion = header.readUInt32BE(HEADER_USER_VERSION);
  if (applicationId === APPLICATION_ID || !existsSync(`${path}-wal`)) return { applicationId, schemaVersion };
  const db = connect(path, options, { readonly: true, fileMustExist: true });
  try {
    return {
      applicationId: db.pragma('application_id', { simple: true }) as number,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

function isSqliteError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function newerVersion(name: string, schemaVersion: number): CoreError {
  return new CoreError(
    'PROJECT_NEWER_VERSION',
    `${name} was saved by a newer version of MarketLens (project format ${schemaVersion}; this version reads up to ${latestSchemaVersion()}). Update MarketLens to open it; the file was not changed.`,
  );
}

/**
 * What can be learnt from the file's header without SQLite opening it (opening may create -wal/-shm files
 * beside it). Throws a CoreError that says what is wrong and what to do.
 */
export function inspectProjectFile(path: string, options: ConnectionOptions = {}): { schemaVersion: number } {
  const name = basename(path);
  if (!existsSync(path))
    throw new CoreError('PROJECT_NOT_FOUND', `${name} was not found. It may have been moved or deleted.`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new CoreError('PROJECT_NOT_SQLITE', `${name} is a folder, not a MarketLens project file.`);
  if (stat.size === 0)
    throw new CoreError('PROJECT_NOT_SQLITE', `${name} is empty: it is not a MarketLens project file.`);
  const header = readHeader(path);
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw new CoreError(
      'PROJECT_NOT_SQLITE',
      `${name} is not a MarketLens project (it is not a SQLite database). To bring in a CSV or Excel file, open a project and use Import.`,
    );
  }
  const { applicationId, schemaVersion } = headerIds(path, header, options);
  if (applicationId !== APPLICATION_ID) {
    throw new CoreError('PROJECT_NOT_MARKETLENS', `${name} is a SQLite database, but not a MarketLens project.`);
  }
  if (schemaVersion > latestSchemaVersion()) throw newerVersion(name, schemaVersion);
  return { schemaVersion };
}

function corrupt(name: string, detail: string): CoreError {
  return new CoreError(
    'PROJECT_CORRUPT',
    `${name} is damaged and cannot be opened (${detail.split('\n')[0]}). The file was not changed; open a backup copy if you have one.`,
  );
}

function assertWritableLocation(path: string): void {
  const name = basename(path);
  if (!isWritable(path) || !isWritable(dirname(path))) {
    throw new CoreError(
      'PROJECT_READ_ONLY',
      `${name} is in a read-only location, and MarketLens needs to save changes beside it. Copy it to a folder you can write to (for example Documents) and open the copy.`,
    );
  }
}

/**
 * Opens after the header checks and before any write: re-checks the version (a -wal file may hold a newer
 * one) and the file's integrity. A connection that has written nothing leaves the file as it was on close.
 */
function connectChecked(path: string, options: ConnectionOptions): Db {
  const name = basename(path);
  const db = connect(path, options, { fileMustExist: true });
  try {
    db.pragma('query_only = ON');
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > latestSchemaVersion()) throw newerVersion(name, schemaVersion);
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw corrupt(name, check);
    return db;
  } catch (error) {
    db.close();
    if (isSqliteError(error) && /^SQLITE_(CORRUPT|NOTADB)/.test(error.code)) throw corrupt(name, error.message);
    throw error;
  }
}

/** Opens an existing project read-write after every check has passed, then brings its schema up to date. */
export function openProject(path: string, options: ConnectionOptions = {}): Db {
  inspectProjectFile(path, options);
  assertWritableLocation(path);
  const db = connectChecked(path, options);
  try {
    db.pragma('query_only = OFF');
    configure(db);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Creates a new project file; refuses to touch an existing one. */
export function createProject(path: string, options: ConnectionOptions = {}, now = Date.now()): Db {
  const name = basename(path);
  if (existsSync(path))
    throw new CoreError('PROJECT_EXISTS', `${name} already exists. Choose another name, or open it instead.`);
  if (!existsSync(dirname(path)) || !isWritable(dirname(path))) {
    throw new CoreError(
      'PROJECT_READ_ONLY',
      `Cannot create ${name}: the folder ${dirname(path)} is missing or read-only.`,
    );
  }
  const db = connect(path, options);
  try {
    configure(db);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db);
    db.prepare('INSERT INTO project_meta (key, value) VALUES (?, ?)').run('created_at', String(now));
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * For reading a project without changing it (CLI `project info`): no migrations, writes refused. Where the
 * location is read-only, a read-only connection does the same job.
 */
export function openProjectForReading(path: string, options: ConnectionOptions = {}): Db {
  inspectProjectFile(path, options);
  if (isWritable(path) && isWritable(dirname(path))) return connectChecked(path, options);
  return connect(path, options, { readonly: true, fileMustExist: true });
}

/** A second connection for a worker thread: no checks or migrations, the main connection did those. */
export function connectWorker(path: string, options: ConnectionOptions = {}): Db {
  const db = connect(path, options, { fileMustExist: true });
  db.pragma('foreign_keys = ON');
  // A worker may wait its turn behind another job's long write; it blocks nobody but itself.
  db.pragma('busy_timeout = 120000');
  return db;
}

export function readCreatedAt(db: Db): number {
  const row = db.prepare("SELECT value FROM project_meta WHERE key = 'created_at'").get() as
    { value: string } | undefined;
  return row ? Number(row.value) : 0;
}
