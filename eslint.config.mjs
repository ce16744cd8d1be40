/**
 * ESLint flat config: typescript-eslint's recommended rules plus the import boundaries of STYLE.md "Layout":
 * - src/core/** runs in the extension host, the webview, a web worker and plain Node, so it imports neither `vscode`,
 *   nor `webview/`, nor Node builtins, and touches no DOM or Node globals;
 * - nothing in src/ imports webview/;
 * - webview/** imports only src/core/** from src/ (and never `vscode`: the webview talks through postMessage).
 * In a flat config a later block replaces a rule's options instead of merging them, so each block below lists every
 * restriction that applies to its files.
 */
import { defineConfig } from 'eslint/config';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** Bare builtin names (`fs`, `fs/promises`, ...); the `node:` spelling is caught by a pattern below. */
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('node:'));

const NO_VSCODE = { name: 'vscode', message: 'src/core is shared with the webview and plain Node: it must not import vscode.' };
const NO_WEBVIEW_PATTERN = {
  group: ['**/webview', '**/webview/**'],
  message: 'src/ must not import webview/: move shared code to src/core/ instead.',
};
const NO_NODE_BUILTINS = NODE_BUILTINS.map((name) => ({
  name,
  message: 'src/core also runs in a browser (webview, vscode.dev): no Node builtins.',
}));

/** Globals core code must not touch: DOM (absent in Node and workers) and Node-only ones (absent in browsers). */
const CORE_FORBIDDEN_GLOBALS = [
  ...['window', 'document', 'navigator', 'localStorage', 'location'].map((name) => ({
    name,
    message: 'src/core must not use DOM globals: it also runs in Node and in workers.',
  })),
  ...['process', 'Buffer', 'require', '__dirname', '__filename', 'global'].map((name) => ({
    name,
    message: 'src/core must not use Node globals: it also runs in a browser.',
  })),
];

export default defineConfig(
  {
    ignores: ['dist/', 'node_modules/', 'out/', 'test/fixtures/', '.vscode-test/', 'test-results/'],
  },
  tseslint.configs.recommended,
  {
    rules: {
      // Unused parameters take a `_` prefix (STYLE.md "Naming", as A and B do).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      // Build and test scripts run in Node; declared by hand to avoid a dependency on the `globals` package.
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_WEBVIEW_PATTERN] }],
    },
  },
  {
    // The explorer's protocol is loaded by the host and the webview alike: the same rules as the core.
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE, ...NO_NODE_BUILTINS],
          patterns: [NO_WEBVIEW_PATTERN, { group: ['node:*'], message: 'src/core also runs in a browser: no Node builtins.' }],
        },
      ],
      'no-restricted-globals': ['error', ...CORE_FORBIDDEN_GLOBALS],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview has no vscode API; talk to the host through hostBridge.ts.' }],
          patterns: [
            {
              // src/protocol/ is the explorer's message protocol, shared with the host like src/core/ (STYLE.md protocol).
              group: ['**/src/**', '!**/src/core', '!**/src/core/**', '!**/src/protocol', '!**/src/protocol/**'],
              message: 'webview/ may import only src/core/** and src/protocol/** from src/.',
            },
          ],
        },
      ],
    },
  },
);
