// Runs the TypeScript reader from source (tests, CLI, browser host). The Electron build ships a compiled reader.
import { register } from 'tsx/esm/api';

register();
await import('./reader-worker.ts');
