import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Inside a loop or a callback run per item. */
const LOOP = ":matches(ForStatement, ForOfStatement, ForInStatement, WhileStatement, DoWhileStatement, CallExpression[callee.property.name=/^(forEach|map|flatMap|reduce)$/])";

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'plugins/**/.config/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(only|skip)$/][callee.object.name=/^(it|test|describe)$/]", message: 'No focused or skipped tests on main.' },
        // Collections that grow with the data are built in linear time: these copy the whole collection per item.
        {
          selector: "CallExpression[callee.property.name='set'] > ArrayExpression > SpreadElement:has(CallExpression[callee.property.name='get'])",
          message: 'map.set(k, [...map.get(k), x]) copies the group on every item (quadratic): use groupBy from @sextant/core/collections, or push onto the group.',
        },
        ...[`${LOOP} AssignmentExpression > ArrayExpression > SpreadElement`, `${LOOP} AssignmentExpression > CallExpression[callee.property.name='concat']`].map((selector) => ({
          selector,
          message: 'x = [...x, y] or x = x.concat(y) in a loop copies the array on every turn (quadratic): push, or flatMap.',
        })),
        {
          selector: "CallExpression[callee.property.name='reduce'] > :function > :matches(ArrayExpression, ObjectExpression) > SpreadElement",
          message: 'A reduce that spreads its accumulator copies it on every item (quadratic): push or assign onto one accumulator.',
        },
      ],
    },
  },
);
