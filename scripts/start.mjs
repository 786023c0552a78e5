#!/usr/bin/env node
// `npm start`: the desktop app where Electron's binary is installed, otherwise the same UI served to the browser.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const BUILD_INPUTS = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json'];

/**
 * The Electron binary, or why there is none. Electron's own lookup (`require('electron')`) would try to download
 * a missing binary, so this reads the same files it does without that side effect.
 */
function findElectron() {
  let packageDir;
  try {
    packageDir = dirname(requireFromRoot.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return { binary: join(override, executable ?? 'electron') };
  if (executable === null) return { missing: 'node_modules/electron/dist was never downloaded' };
  const binary = join(packageDir, 'dist', executable);
  return existsSync(binary) ? { binary } : { missing: `${binary} does not exist` };
}

function newestChange(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds out/ when part of it is missing or older than the sources, with the build's output shown only on failure. */
function ensureBuilt() {
  const outputs = BUILD_OUTPUTS.map((file) => statSync(join(ROOT, file), { throwIfNoEntry: false }));
  const builtAt = outputs.every(Boolean) ? Math.min(...outputs.map((info) => info.mtimeMs)) : 0;
  if (builtAt > Math.max(...BUILD_INPUTS.map((input) => newestChange(join(ROOT, input))))) return;

  console.log('Building MarketLens (first start, or the sources changed)…');
  if (!buildApp({ quiet: true })) {
    console.error('The build failed (see above); `npm run build` shows the same errors.');
    process.exit(1);
  }
}

/**
 * Runs the app in a child process until it exits, and exits the same way. On POSIX the child gets its own process
 * group, so that Ctrl+C reaches it once (through us) rather than twice (from the terminal, then from us).
 */
function runUntilExit(command, args, env = process.env) {
  const ownGroup = process.platform !== 'win32';
  const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit', detached: ownGroup });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // Windows' console already delivers Ctrl+C to every process attached to it.
      if (ownGroup || signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}

// npm runs scripts from the package root; a project file typed as `npm start -- acme.mlens` is relative to where
// the user was.
const userDir = process.env.INIT_CWD ?? process.cwd();
const args = process.argv.slice(2).map((arg) => (arg.endsWith('.mlens') ? resolve(userDir, arg) : arg));

const serveInBrowser = () => runUntilExit(process.execPath, [join(ROOT, 'bin', 'marketlens.mjs'), 'serve', ...args]);

const electron = findElectron();
if (electron.missing) {
  console.log(`Electron's binary is not installed (${electron.missing}); serving the same UI in your browser instead.`);
  ensureBuilt();
  serveInBrowser();
} else {
  ensureBuilt();
  const { ensureElectronBinding } = await import('./electron-native.mjs');
  try {
    await ensureElectronBinding();
    // Inherited from an outer tool, this variable would make Electron run as plain Node.
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    runUntilExit(electron.binary, ['.', ...args], env);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.log(
      `Could not prepare better-sqlite3 for Electron (${reason}); serving the same UI in your browser instead.`,
    );
    serveInBrowser();
  }
}
