#!/usr/bin/env node
// Builds better-sqlite3's addon for Electron's ABI into native/ (see src-main/app/native-binding.ts), leaving the
// Node build in node_modules untouched for the tests, the CLI and the browser host. `npm start` calls it; it can
// also run alone: `node scripts/electron-native.mjs` prints the addon's path.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ELECTRON_HEADERS = 'https://electronjs.org/headers';
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

const versionOf = (name) => JSON.parse(readFileSync(requireFromRoot.resolve(`${name}/package.json`), 'utf8')).version;

/** The installed versions, and the path the desktop app will look for (computed by the app's own function). */
async function bindingTarget() {
  const { electronBindingPath } = await tsImport('../src-main/app/native-binding.ts', import.meta.url);
  const target = {
    betterSqlite3: versionOf('better-sqlite3'),
    electron: versionOf('electron'),
    platform: process.platform,
    arch: process.arch,
  };
  return { ...target, path: electronBindingPath(ROOT, target) };
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    // node-gyp is a .cmd script on Windows when it comes from PATH.
    shell: process.platform === 'win32' && command === 'node-gyp',
  });
  return result.status === 0;
}

/** better-sqlite3 publishes prebuilt addons for Electron; this fetches the one for our version, if there is one. */
function downloadPrebuilt(installedDir, packageDir, target) {
  // The copy has no node_modules: prebuild-install is found beside the installed package, and runs on the copy.
  const prebuildInstall = createRequire(join(installedDir, 'package.json')).resolve('prebuild-install/bin.js');
  const args = [
    '--runtime',
    'electron',
    '--target',
    target.electron,
    '--arch',
    target.arch,
    '--platform',
    target.platform,
  ];
  return run(process.execPath, [prebuildInstall, ...args], packageDir);
}

/** npm runs scripts with `npm_config_node_gyp` set and ships node-gyp itself; PATH is the last resort. */
function nodeGyp() {
  const bundled = ['node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'];
  const nodeDir = dirname(process.execPath);
  // npm's own copy: under <prefix>/lib on Unix, beside node.exe on Windows.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(nodeDir, '..', 'lib', ...bundled),
    join(nodeDir, ...bundled),
  ];
  const script = candidates.find((candidate) => candidate && existsSync(candidate));
  return script ? { command: process.execPath, args: [script] } : { command: 'node-gyp', args: [] };
}

function compileFromSource(packageDir, target) {
  const { command, args } = nodeGyp();
  const options = [`--runtime=electron`, `--target=${target.electron}`, `--arch=${target.arch}`];
  return run(command, [...args, 'rebuild', '--release', ...options, `--dist-url=${ELECTRON_HEADERS}`], packageDir);
}

/** Returns the path of the Electron build of better-sqlite3's addon, building it first if it is missing. */
export async function ensureElectronBinding({ log = console.log } = {}) {
  const target = await bindingTarget();
  if (existsSync(target.path)) return target.path;

  log(`Preparing better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (once; it can take minutes)…`);
  const installed = dirname(requireFromRoot.resolve('better-sqlite3/package.json'));
  const work = mkdtempSync(join(tmpdir(), 'marketlens-sqlite-'));
  try {
    // A copy without build/, so that neither step can touch (or mistake for its own) the Node build.
    const packageDir = join(work, 'better-sqlite3');
    cpSync(installed, packageDir, { recursive: true, filter: (from) => from !== join(installed, 'build') });
    const built = join(packageDir, 'build', 'Release', 'better_sqlite3.node');
    const downloaded = downloadPrebuilt(installed, packageDir, target) && existsSync(built);
    if (!downloaded && !compileFromSource(packageDir, target)) {
      throw new Error('neither a prebuilt addon could be downloaded nor one compiled (see the messages above)');
    }
    if (!existsSync(built)) throw new Error(`the build finished without producing ${built}`);
    mkdirSync(dirname(target.path), { recursive: true });
    // Copy under a temporary name first, so that an interrupted copy is never taken for a finished addon.
    const partial = `${target.path}.partial`;
    copyFileSync(built, partial);
    renameSync(partial, target.path);
    return target.path;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(await ensureElectronBinding({ log: (line) => console.error(line) }));
  } catch (error) {
    console.error(`Could not prepare better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
