import type { Chain, Family, Rule, Target } from '../ast';
import { chainFamilies, coveredRules, type Cover } from '../trace/shadow';

const NONE: ReadonlyMap<Rule, Cover> = new Map();

/**
 * The covered rules of a chain restored in `family`, as `coveredRules` finds them. Only a rule
 * that ends the chain covers later ones, and most chains of a big dump have no such rule before
 * their last: those are answered from the targets alone, without the analysis's work per rule.
 */
export function coveredRulesOf(chain: Chain, family: Family): ReadonlyMap<Rule, Cover> {
  if (!mayEndChainBeforeLast(chain.rules)) return NONE;
  return coveredRules(chain, chainFamilies(chain, family));
}

/** Loose on purpose (every standard or extension jump, verdict or not): the analysis itself tells which ones end the chain. */
function mayEndChainBeforeLast(rules: readonly Rule[]): boolean {
  for (let index = 0; index < rules.length - 1; index++) if (mayEndChain(rules[index].target)) return true;
  return false;
}

function mayEndChain(target: Target | null): boolean {
  return target !== null && target.kind === 'jump' && (target.type === 'standard' || target.type === 'extension');
}
