import { parseArgs } from 'node:util';
import { CoreError } from '../shared/errors';
import { appVersion } from '../services/paths';
import { campaignsCli } from './campaigns-commands';
import type { CliModule, OptionValues } from './cli-module';
import { modelsCli } from './models-commands';
import { createOutput, UsageError } from './output';
import { recommendationsCli } from './recommendations-commands';

/** Areas that bring their own commands and options. */
const MODULES: CliModule[] = [modelsCli, recommendationsCli, campaignsCli];

const HELP = `MarketLens: offline marketing analysis for small shops.

Usage:
  marketlens project create <file>        Create a new project file (e.g. acme.mlens)
  marketlens project info <file>          Tables, row counts and date ranges of a project (read-only)
  marketlens import <file> --project <p.mlens>
                   [--kind order-lines|orders|customers|products|table] [--preset NAME]
                   [--mapping mapping.json] [--encoding NAME] [--dry-run]
                                          Import a CSV/TSV/TXT/XLSX export; detects kind, preset and encoding
  marketlens rfm --project <p.mlens> [--levels 5|3] [--analysis-date YYYY-MM-DD] [--out rfm.csv]
                                          Recency, frequency, monetary scores and segments for every customer
  marketlens segment create --project <p.mlens> --name NAME --rules rules.json
                                          Save a rule-based segment (rules: {"combinator":"and","rules":[…]})
  marketlens cluster --project <p.mlens> [--k 4] [--features recency,frequency,monetary] [--seed 0] [--sweep]
                                          k-means clusters of customers (--sweep also fits k = 2..10)
${MODULES.flatMap((module) => module.help).join('\n')}
  marketlens serve [<file>] [--port N]    Serve the app in your browser on 127.0.0.1, optionally opening <file>
                   [--dir <folder>]       Folder for new projects (default ~/MarketLens)

Options:
  --json        Print machine-readable JSON instead of a summary
  --help, -h    Show this help
  --version     Show the version

Settings and the demo project live in $MARKETLENS_HOME if set, else the platform's config folder.`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        port: { type: 'string' },
        dir: { type: 'string' },
        project: { type: 'string' },
        kind: { type: 'string' },
        preset: { type: 'string' },
        mapping: { type: 'string' },
        encoding: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        levels: { type: 'string' },
        out: { type: 'string' },
        'analysis-date': { type: 'string' },
        name: { type: 'string' },
        rules: { type: 'string' },
        k: { type: 'string' },
        features: { type: 'string' },
        seed: { type: 'string' },
        sweep: { type: 'boolean', default: false },
        // Typed as nothing here: each area reads its own options from the values it is handed.
        ...(Object.assign({}, ...MODULES.map((module) => module.options)) as Record<never, never>),
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run marketlens --help to see the options.`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const out = createOutput(values.json);
  const [command, subcommand, ...rest] = positionals;

  if (values.version) {
    process.stdout.write(`${appVersion()}\n`);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  // Commands load on demand so that --help and small commands start fast.
  if (command === 'project' && subcommand === 'create')
    (await import('./project-commands')).createCommand(rest[0], out);
  else if (command === 'project' && subcommand === 'info')
    (await import('./project-commands')).infoCommand(rest[0], out);
  else if (command === 'import') {
    const { importCommand } = await import('./import-command');
    return importCommand(
      subcommand,
      {
        project: values.project,
        kind: values.kind,
        preset: values.preset,
        mapping: values.mapping,
        encoding: values.encoding,
        dryRun: values['dry-run'],
      },
      out,
    );
  } else if (command === 'rfm') {
    await (
      await import('./analysis-commands')
    ).rfmCommand(
      { project: values.project, levels: values.levels, out: values.out, analysisDate: values['analysis-date'] },
      out,
    );
  } else if (command === 'segment' && subcommand === 'create') {
    (await import('./analysis-commands')).segmentCreateCommand(
      { project: values.project, name: values.name, rules: values.rules },
      out,
    );
  } else if (command === 'cluster') {
    (await import('./analysis-commands')).clusterCommand(
      { project: values.project, k: values.k, features: values.features, seed: values.seed, sweep: values.sweep },
      out,
    );
  } else if (command === 'serve') {
    await (await import('./serve-command')).serveCommand({ file: subcommand, port: values.port, dir: values.dir });
  } else {
    for (const module of MODULES) {
      const code = await module.run(positionals, values as OptionValues, out);
      if (code !== null) return code;
    }
    throw new UsageError(`Unknown command "${positionals.join(' ')}". Run marketlens --help to see the commands.`);
  }
  return 0;
}

function fail(error: unknown, json: boolean): number {
  const code = error instanceof CoreError ? error.code : error instanceof UsageError ? 'USAGE' : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  if (json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`marketlens: ${message}\n`);
  return error instanceof UsageError ? 2 : 1;
}

const argv = process.argv.slice(2);
try {
  process.exitCode = await main(argv);
} catch (error) {
  process.exitCode = fail(error, argv.includes('--json'));
}
