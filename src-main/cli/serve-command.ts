import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCore } from '../services/core';
import { appRoot, appVersion, defaultConfigDir, defaultWorkspaceDir, localeFromEnvironment } from '../services/paths';
import { startWebHost } from '../web/server';
import { UsageError } from './output';

export interface ServeOptions {
  file: string | undefined;
  port: string | undefined;
  dir: string | undefined;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

/** The renderer is built at install time; if someone deleted out/, build it again rather than fail. */
function ensureRenderer(root: string): string {
  const dir = join(root, 'out', 'renderer');
  if (existsSync(join(dir, 'index.html'))) return dir;
  process.stderr.write('Building the MarketLens interface (first run, about a minute)…\n');
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(join(dir, 'index.html'))) {
    throw new Error('Could not build the interface. Run `npm run build` and look at its errors.');
  }
  return dir;
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  const port = parsePort(options.port);
  const root = appRoot();
  const rendererDir = ensureRenderer(root);
  const core = createCore({
    door: 'browser',
    version: appVersion(),
    configDir: defaultConfigDir(),
    workspaceDir: options.dir ? resolve(options.dir) : defaultWorkspaceDir(),
    resourcesDir: join(root, 'resources'),
    defaultLocale: localeFromEnvironment(),
  });
  if (options.file) await core.openPath(resolve(options.file));
  const uploadDir = join(defaultConfigDir(), 'uploads', String(process.pid));
  const host = await startWebHost({ core, rendererDir, port, uploadDir });
  process.stdout.write(`MarketLens is running at ${host.url}\n`);

  const stop = () => {
    void host
      .close()
      .then(() => core.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
