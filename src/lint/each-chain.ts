import type { Chain, Table } from '../ast';

/**
 * Calls `check` on each chain of a table, for rules that check chain by chain. They loop from their
 * `table` hook rather than take a `chain` hook: the engine's call per chain and rule went through
 * one call site for every rule's visitor, which over the 36k chains of a big dump cost more than the
 * checks. The loop is indexed because it runs a few times per lint, mostly before the JIT optimises
 * it, and `for…of` then allocates an iterator result per chain.
 */
export function forEachChain(table: Table, check: (chain: Chain) => void): void {
  const chains = table.chains;
  for (let index = 0; index < chains.length; index++) check(chains[index]);
}
