// @ts-check
// The CI scripts are plain Node ES modules outside every TypeScript program: linted by ESLint's
// recommended rules without type information (ESLint looks a file's config up from its folder).
import eslint from '@eslint/js';

export default [
  eslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        URL: 'readonly',
      },
    },
  },
];
