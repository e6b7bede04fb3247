// @ts-check
// The page's script is a plain browser script outside every TypeScript program: linted by
// ESLint's recommended rules without type information (ESLint looks a file's config up from its folder).
import eslint from '@eslint/js';

export default [
  eslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'script',
      globals: {
        document: 'readonly',
        location: 'readonly',
        performance: 'readonly',
        EventSource: 'readonly',
        URL: 'readonly',
        setInterval: 'readonly',
      },
    },
  },
  { files: ['eslint.config.js'], languageOptions: { sourceType: 'module' } },
];
