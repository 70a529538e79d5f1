// The workspace's own ESLint plugin: `platform/boundaries`, configured in eslint.config.js.
import type { ESLint } from 'eslint';
import { boundariesRule } from './rule.ts';

const plugin: ESLint.Plugin = { meta: { name: '@platform/boundaries' }, rules: { boundaries: boundariesRule } };

export default plugin;
