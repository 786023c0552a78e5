import js from '@eslint/js';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const SHELL = ['src-main/index.ts', 'src-main/app/**', 'src-main/ipc/**', 'src-main/preload/**'];

/** Layering (DESIGN.md §2), enforced: each rule names who may import what. */
const layering = [
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**', '../**/src-main', '**/services/**', '**/store/**'],
              message: 'The renderer reaches the core only through the contract: import from @shared/… instead.',
            },
            {
              group: ['electron', 'better-sqlite3', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'],
              message: 'The renderer runs in a sandbox: no Node or Electron modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/**'],
    ignores: SHELL,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only the Electron shell (index.ts, app/, ipc/, preload/) imports electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'better-sqlite3', '../*'],
              message: 'shared/ is the contract: it imports nothing platform-specific and nothing outside itself.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/ml/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'better-sqlite3', '../store/*', '../services/*', '../jobs/*'],
              message: 'ml/ holds pure algorithms: typed arrays in, plain objects out.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../shared'],
              message: 'The preload bridges IPC only: it may import electron and ../shared, nothing else.',
            },
            { group: ['zod', 'node:*'], message: 'The sandboxed preload stays small: no zod, no Node modules.' },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  { files: ['src-renderer/**'], languageOptions: { globals: globals.browser } },
  {
    files: ['src-main/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // A promise nobody awaits loses its errors and its ordering (a demo opened before it was built, say).
    files: ['src-main/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  ...layering,
);
