import type { LintRule } from '../lint/types';

/** The rule registry, loaded by the commands that use it rather than by every command at start-up. */
export function builtinRules(): readonly LintRule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../rules') as typeof import('../../rules')).BUILTIN_RULES;
}
