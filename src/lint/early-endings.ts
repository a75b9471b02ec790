import type { Chain, Table } from '../ast';
import { tableJumps } from './table-jumps';
import { unshared, type SharedFacts } from './types';

/**
 * The chains of a table where a rule before the last may end the walk through the chain: a goto,
 * or a jump to a standard or extension target. Only in those can a rule hide or cover the rules
 * after it (IPT2005, IPT2011, IPT2012), and most chains of a big dump are not among them, which
 * is told from the targets alone, without building any rule's matches. Loose on purpose: the
 * rules themselves tell which targets end the chain. The jump index finds them on its one walk
 * over the table's rules (get both through `context.shared`).
 */
export function chainsWithEarlyEnd(table: Table, shared: SharedFacts = unshared): Chain[] {
  const { mayEndEarly } = shared(table, tableJumps);
  const found: Chain[] = [];
  for (let index = 0; index < table.chains.length; index++) if (mayEndEarly[index] === 1) found.push(table.chains[index]);
  return found;
}
