// Lint: typescript-eslint's recommended rules, and the layers of src/ (each layer imports only
// the layers below it; no file imports itself back through others).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Bottom to top: a folder may import its own layer and the ones listed before it. */
const LAYERS = [
  ['src/errors.ts', 'src/model'],
  ['src/graph'],
  ['src/loader'],
  ['src/reconcile'],
  ['src/progress'],
  ['src/engine'],
  ['src/swarm', 'src/watch'],
  ['src/api'],
  ['src/cli', 'src/index.ts'],
];

const layerZones = LAYERS.slice(0, -1).flatMap((layer, i) =>
  layer.map((target) => ({
    target: `./${target}`,
    from: LAYERS.slice(i + 1)
      .flat()
      .map((p) => `./${p}`),
    message: `${target} is below these in berth's layers (see eslint.config.js)`,
  })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/loader/schema-validator.generated.*'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // `const { omitted: _omitted, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' },
      ],
    },
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
    },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
  },
);
