import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layering from './tools/eslint-layering.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'web/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { tenantry: layering },
    rules: { 'tenantry/layering': 'error' },
  },
);
