// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/dist-testing/**',
      '**/.tsbuild/**',
      '**/node_modules/**',
      '**/coverage/**',
      'bench/results/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only (style.md rule 7).' },
      ],
    },
  },
  {
    // Tool config files sit outside every package's program: lint them without type information.
    files: ['**/vitest.config.ts', 'vitest.*.ts', 'eslint.config.js', 'packages/*/bin/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(node:)?(net|fs|fs/promises|timers|timers/promises|dgram|http|https|child_process|worker_threads)$',
              message: 'core reaches I/O and time only through its ports (style.md rule 1).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use the Clock port.' },
        { name: 'setInterval', message: 'Use the Clock port.' },
        { name: 'setImmediate', message: 'Use the Clock port.' },
        { name: 'process', message: 'core does not read the process; values come through constructors.' },
      ],
    },
  },
  {
    // style.md rule 9: files under about 300 lines and functions under about 40; the merge, an
    // algorithm file that opens with its invariants, is the named exception. Tests are exempt.
    files: ['packages/*/src/**/*.ts', 'bench/src/**/*.ts', 'e2e/src/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.test-support.ts',
      '**/*.bench.ts',
      'packages/core/src/merge/horizon-merge.ts',
    ],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true }],
    },
  },
);
