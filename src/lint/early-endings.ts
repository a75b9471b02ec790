import type { Chain, Rule, Table } from '../ast';
import { targetIsGoto, targetTypeOf } from '../parser/lazy-rule';

/**
 * The chains of a table where a rule before the last may end the walk through the chain: a goto,
 * or a jump to a standard or extension target. Only in those can a rule hide or cover the rules
 * after it (IPT2005, IPT2011, IPT2012), and most chains of a big dump are not among them, which
 * is told from the targets alone, without building any rule's matches. Loose on purpose: the
 * rules themselves tell which targets end the chain.
 */
export function chainsWithEarlyEnd(table: Table): Chain[] {
  const found: Chain[] = [];
  const chains = table.chains;
  for (let index = 0; index < chains.length; index++) {
    const rules = chains[index].rules;
    for (let ruleIndex = 0; ruleIndex < rules.length - 1; ruleIndex++) {
      if (mayEndChain(rules[ruleIndex])) {
        found.push(chains[index]);
        break;
      }
    }
  }
  return found;
}

function mayEndChain(rule: Rule): boolean {
  const type = targetTypeOf(rule);
  return type !== null && (type === 'standard' || type === 'extension' || targetIsGoto(rule));
}
