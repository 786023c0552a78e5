import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/** Migrations are read from disk beside the code that applies them; the bundle needs its own copy. */
function copyMigrations(): Plugin {
  return {
    name: 'marketlens:copy-migrations',
    writeBundle(options) {
      if (options.dir)
        cpSync(resolve('src-main/store/migrations'), resolve(options.dir, 'migrations'), { recursive: true });
    },
  };
}

export default defineConfig({
  main: {
    plugins: [copyMigrations()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/index.ts'),
          'job-worker': resolve('src-main/jobs/worker.ts'),
          'import-reader': resolve('src-main/import/reader-worker.ts'),
        },
        // Shared chunks stay beside the entries so that `new URL('./…', import.meta.url)` lookups hold.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src-main/preload/index.ts') },
        // Sandboxed preloads cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [vue()],
    resolve: {
      alias: {
        '@shared': resolve('src-main/shared'),
        '@': resolve('src-renderer/src'),
      },
    },
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      __INTLIFY_JIT_COMPILATION__: 'true',
      __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    build: {
      outDir: 'out/renderer',
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: resolve('src-renderer/index.html') },
    },
  },
});
