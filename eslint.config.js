// Lint enforces the dependency rules of STYLE.md so the layout stays true without anyone watching.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const drivers = ['@duckdb/*', 'better-sqlite3', '@clickhouse/*', 'pg', 'pg-*'];
const backends = ['@vigil/storage-duckdb', '@vigil/storage-sqlite', '@vigil/storage-clickhouse', '@vigil/storage-postgres'];
const restrict = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', 'sdk-python/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['e2e/**/*.ts', 'bench/web*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': restrict(['node:*', '@vigil/*', 'fastify', ...drivers], 'the web app runs in the browser and talks to the server over HTTP only') },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(['node:*', 'fs', 'path', 'http', 'fastify', '@fastify/*', ...drivers, '@vigil/*'], 'core is pure: no IO, no drivers, no HTTP, no other Vigil package'),
      'no-restricted-globals': ['error', { name: 'fetch', message: 'core does no IO' }, { name: 'process', message: 'core reads no environment' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'core never reads the clock: take `now` as a parameter' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'core never reads the clock: take `now` as a parameter' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'core is deterministic: take randomness in' },
      ],
    },
  },
  {
    files: ['packages/storage/src/**/*.ts'],
    ignores: ['**/*.contract.ts'],
    rules: { 'no-restricted-imports': restrict(['node:*', 'fastify', ...drivers, ...backends, '@vigil/server'], 'storage holds interfaces and contracts only') },
  },
  {
    files: ['packages/storage-*/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['fastify', '@fastify/*', '@vigil/server', '@vigil/cli', ...backends], 'a backend imports core, storage and its own driver only') },
  },
  {
    files: ['packages/server/src/services/**/*.ts', 'packages/server/src/routes/**/*.ts', 'packages/server/src/context.ts', 'packages/server/src/model-registry.ts'],
    rules: { 'no-restricted-imports': restrict([...drivers, ...backends], 'services and routes get stores through the context; only stores.ts picks a backend') },
  },
  {
    files: ['packages/server/src/services/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([...drivers, ...backends, 'fastify', '@fastify/*'], 'services take ports through the context and never see HTTP types') },
  },
  {
    files: ['packages/sdk/src/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(['@vigil/*', 'fastify', ...drivers], 'the SDK is standalone: it talks HTTP only') },
  },
);
