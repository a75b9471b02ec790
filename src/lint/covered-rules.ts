import type { Chain, Rule, Table, Target } from '../ast';

/**
 * The chains of a table where `coveredRules` may find something. Only a rule that ends the chain
 * covers later ones, and most chains of a big dump have no such rule before their last: those
 * are left out on their targets alone, without the analysis's work per rule. Loose on purpose
 * (every standard or extension jump, verdict or not): the analysis tells which ones end the chain.
 */
export function chainsThatMayCover(table: Table): Chain[] {
  return table.chains.filter((chain) => mayEndChainBeforeLast(chain.rules));
}

function mayEndChainBeforeLast(rules: readonly Rule[]): boolean {
  for (let index = 0; index < rules.length - 1; index++) if (mayEndChain(rules[index].target)) return true;
  return false;
}

function mayEndChain(target: Target | null): boolean {
  return target !== null && target.kind === 'jump' && (target.type === 'standard' || target.type === 'extension');
}
