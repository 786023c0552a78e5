#!/usr/bin/env node
// Builds out/ (main, preload, renderer) with electron-vite. Used by postinstall, `npm start` and `marketlens serve`
// when out/ is missing; runnable alone: `node scripts/build.mjs`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** electron-vite's "exports" hide its bin script from require.resolve; its manifest says where it is. */
function electronViteCli() {
  const manifest = createRequire(join(ROOT, 'package.json')).resolve('electron-vite/package.json');
  return join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin['electron-vite']);
}

/** Returns true on success; with `quiet`, the build's output is shown only when it fails. */
export function buildApp({ quiet = false } = {}) {
  const build = spawnSync(process.execPath, [electronViteCli(), 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (build.status !== 0 && quiet) process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  return build.status === 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(buildApp() ? 0 : 1);
}
