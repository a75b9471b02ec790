import type { LintRule } from '../src/lint/types';
import { rule as IPT2001 } from './IPT2001.missing-chain';

/** Every built-in rule, in code order. The meta-test checks this list against the files in rules/. */
export const BUILTIN_RULES: readonly LintRule[] = [IPT2001];
