// One lint configuration for the whole workspace; projects run `eslint .` from their own folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './tools/boundaries/src/plugin.ts';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.data/**', '**/.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Project boundaries (tools/boundaries): public entries only, and only in the directions the
    // type tags allow. @nx/enforce-module-boundaries is not used: see tools/boundaries/README.md.
    plugins: { platform: boundaries },
    rules: { 'platform/boundaries': ['error', { workspaceRoot: import.meta.dirname }] },
  },
);
