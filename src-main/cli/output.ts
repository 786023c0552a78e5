import type { AnalyseProjectResult } from '../shared/dto';

export class UsageError extends Error {}

export interface Output {
  json: boolean;
  /** A human summary, or the value as JSON with --json. */
  result(value: unknown, human: () => string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function formatTables(result: AnalyseProjectResult): string {
  const width = Math.max(...result.tables.map((t) => t.table.length));
  return result.tables
    .map((t) => {
      const range = t.dateRange ? `  ${formatDate(t.dateRange.min)} .. ${formatDate(t.dateRange.max)}` : '';
      return `  ${t.table.padEnd(width)}  ${String(t.rows).padStart(9)} rows${range}`;
    })
    .join('\n');
}
