import type { ParseArgsConfig } from 'node:util';
import type { Output } from './output';

/** Parsed option values, as node:util parseArgs gives them. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** One area's commands: their help lines, their options, and a runner that returns null for commands it does not know. */
export interface CliModule {
  help: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], values: OptionValues, out: Output): Promise<number | null>;
}
