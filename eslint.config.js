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

/** Ways markup or code could get into the console's DOM other than as text. */
const asText = 'Render agent-reported strings as text (JSX children or textContent), never as HTML.';
const consoleSyntax = [
  { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: asText },
  { selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]', message: asText },
  { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: asText },
  { selector: "CallExpression[callee.object.name='document'][callee.property.name=/^(write|writeln)$/]", message: asText },
  { selector: "CallExpression[callee.property.name='createContextualFragment']", message: asText },
  { selector: "JSXAttribute[name.name='style']", message: 'Styles live in the CSS files (CSP style-src \'self\').' },
];

export default tseslint.config(
  {
    ignores: ['.cache/**', '**/node_modules/**', '**/dist/**', '**/fixtures/**', 'server/ui/dist/**', 'test-output/**', '**/*.d.ts'],
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
    // The console runs in a browser under a strict CSP: DOM globals and no Node; agent-reported
    // strings reach the DOM only as text; no eval, no inline styles; only types from @patchwave/shared.
    files: ['server/ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...Object.fromEntries(Object.keys(globals.node).map((k) => [k, 'off'])), ...globals.browser } },
    rules: {
      'no-restricted-syntax': ['error', ...consoleSyntax],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-imports': ['error', { paths: [execa, sqlite, childProcess], patterns: [{ group: ['node:*'], message: 'The console runs in a browser.' }] }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@patchwave/shared', allowTypeImports: true, message: 'The console takes only types from @patchwave/shared: its zod schemas would land in the bundle.' }] },
      ],
    },
  },
  {
    // Tests and build scripts may spawn real processes (servers, agents, dpkg-scanpackages) directly.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', '**/*.test.ts', 'installers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [sqlite] }] },
  },
  {
    // The inventory-ingest benchmark's floor: raw better-sqlite3 inserts to compare the storage layer with.
    files: ['scripts/bench/fleet/ingest-floor.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa] }] },
  },
  {
    // SQLite storage tests open the file directly, as an attacker or a second process would.
    files: ['server/src/storage/sqlite/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [execa] }] },
  },
);
