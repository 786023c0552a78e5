// Runs the TypeScript worker from source (tests, CLI, browser host). The Electron build ships a compiled worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
