// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Boundaries from STYLE.md, enforced rather than hoped for. */
const nodeBuiltins = { group: ['node:*'], message: 'shared/ is pure: no Node built-ins (no I/O).' };
const execa = { name: 'execa', message: 'Only agent/src/exec spawns processes.' };
const sqlite = { name: 'better-sqlite3', message: 'Only server/src/storage/sqlite talks to better-sqlite3.' };
const childProcess = {
  name: 'node:child_process',
  message: 'Spawn processes through agent/src/exec (execa, argument arrays, no shell).',
};
const fastify = { group: ['fastify', '@fastify/*', 'fastify-*'], message: 'Domain code knows no HTTP.' };
const sql = { group: ['kysely', 'better-sqlite3', 'pg'], message: 'Domain code knows no SQL: use repository ports.' };
const ws = { group: ['ws', '@fastify/websocket'], message: 'Domain code knows no transport.' };

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/fixtures/**', 'server/ui/dist/**', 'test-output/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-restricted-imports': ['error', { paths: [execa, sqlite, childProcess] }],
    },
  },
  {
    files: ['shared/src/**/*.ts'],
    ignores: ['shared/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa, sqlite], patterns: [nodeBuiltins] }] },
  },
  {
    files: ['agent/src/exec/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [sqlite] }] },
  },
  {
    files: ['server/src/storage/sqlite/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa, childProcess] }] },
  },
  {
    files: ['server/src/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa, sqlite, childProcess], patterns: [fastify, sql, ws] }] },
  },
  {
    // Tests and build scripts may spawn real processes (servers, agents, dpkg-scanpackages) directly.
    files: ['test/**/*.ts', 'scripts/**/*.ts', '**/*.test.ts', 'installers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [sqlite] }] },
  },
  {
    // SQLite storage tests open the file directly, as an attacker or a second process would.
    files: ['server/src/storage/sqlite/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa] }] },
  },
);
