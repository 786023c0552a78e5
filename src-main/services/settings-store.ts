import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LOCALES, type Locale, type Settings } from '../shared/dto';

const MAX_RECENT = 12;

const recentSchema = z.object({ id: z.string(), path: z.string(), lastOpenedAt: z.number() });
const fileSchema = z.object({
  locale: z.enum(LOCALES).optional(),
  recent: z.array(recentSchema).default([]),
});

export type RecentRecord = z.infer<typeof recentSchema>;

/**
 * The user's preferences and recent projects, in one JSON file in the config folder. Written whole through a
 * temporary file so that a crash never leaves half a file.
 */
export class SettingsStore {
  private readonly file: string;
  private locale: Locale | undefined;
  private recent: RecentRecord[];

  constructor(
    private readonly dir: string,
    private readonly defaultLocale: Locale,
  ) {
    this.file = join(dir, 'settings.json');
    const stored = this.read();
    this.locale = stored.locale;
    this.recent = stored.recent;
  }

  settings(): Settings {
    return { locale: this.locale ?? this.defaultLocale };
  }

  setLocale(locale: Locale): Settings {
    this.locale = locale;
    this.write();
    return this.settings();
  }

  recentProjects(): readonly RecentRecord[] {
    return this.recent;
  }

  /** Moves the path to the top of the list, keeping its id if it was there. */
  touch(path: string, now = Date.now()): RecentRecord {
    const existing = this.recent.find((entry) => entry.path === path);
    const record = { id: existing?.id ?? randomUUID(), path, lastOpenedAt: now };
    this.recent = [record, ...this.recent.filter((entry) => entry.path !== path)].slice(0, MAX_RECENT);
    this.write();
    return record;
  }

  forget(id: string): boolean {
    const before = this.recent.length;
    this.recent = this.recent.filter((entry) => entry.id !== id);
    if (this.recent.length === before) return false;
    this.write();
    return true;
  }

  private read(): z.infer<typeof fileSchema> {
    if (!existsSync(this.file)) return { recent: [] };
    try {
      return fileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      // A damaged settings file costs the user their recent list, never the app.
      return { recent: [] };
    }
  }

  private write(): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ locale: this.locale, recent: this.recent }, null, 2));
    renameSync(tmp, this.file);
  }
}
