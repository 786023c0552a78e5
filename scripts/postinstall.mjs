// Builds the interface once at install time, so that `npx marketlens serve` and `npm start` work at once.
import { createRequire } from 'node:module';

if (process.env.MARKETLENS_SKIP_BUILD === '1') process.exit(0);
try {
  createRequire(import.meta.url).resolve('electron-vite/package.json');
} catch {
  console.log('marketlens: electron-vite is not installed (a production install?); skipping the interface build.');
  process.exit(0);
}
const { buildApp } = await import('./build.mjs');
console.log('marketlens: building the interface (out/)…');
process.exit(buildApp() ? 0 : 1);
