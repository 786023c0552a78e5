// Builds the interface once at install time, so that `npx marketlens serve` and `npm start` work at once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (process.env.MARKETLENS_SKIP_BUILD === '1') process.exit(0);

let bin;
try {
  bin = createRequire(import.meta.url).resolve('electron-vite/bin/electron-vite.js');
} catch {
  console.log('marketlens: electron-vite is not installed (production install?); skipping the interface build.');
  process.exit(0);
}
if (!existsSync(bin)) process.exit(0);

console.log('marketlens: building the interface (out/)…');
const build = spawnSync(process.execPath, [bin, 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);
