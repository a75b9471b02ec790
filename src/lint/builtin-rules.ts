import { DIAGNOSTICS } from '../diagnostics';
import type { FindingKind } from '../policy/severity';
import type { LintRule } from './types';

/** The rule registry, loaded by the code that uses it rather than by every command at start-up. */
export function builtinRules(): readonly LintRule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../rules') as typeof import('../../rules')).BUILTIN_RULES;
}

/** Every kind of finding a policy's `severity` may name: the parser's and the built-in rules'. */
export function findingKinds(rules: readonly LintRule[] = builtinRules()): readonly FindingKind[] {
  return [...Object.values(DIAGNOSTICS), ...rules.map((rule) => rule.meta)];
}
