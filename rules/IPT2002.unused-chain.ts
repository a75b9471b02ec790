import type { LintRule } from '../src/lint/types';

/** A user chain nothing jumps or goes to: its rules never see a packet. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2002',
    name: 'unused-chain',
    severity: 'warning',
    description: 'A user chain that no rule of its table jumps or goes to.',
    messages: {
      unused: 'chain {chain} is never used: no rule of table {table} jumps or goes to it, so no packet ever reaches its {count}; add the missing `-j {chain}` or delete the chain',
      unusedEmpty: 'chain {chain} is empty and no rule of table {table} jumps or goes to it; delete it, or add the missing `-j {chain}`',
      onlyItself: 'chain {chain} is never used: only its own rules jump to it, no other rule of table {table} does, so no packet ever reaches its {count}',
    },
  },
  create(context) {
    let hasUserChains = false;
    let usedFromOutside = new Set<string>();
    let usedFromItself = new Set<string>();
    return {
      table(table) {
        hasUserChains = table.chains.some((chain) => !chain.builtin);
        usedFromOutside = new Set();
        usedFromItself = new Set();
      },
      rule(rule, chain) {
        if (!hasUserChains) return;
        const target = rule.target;
        if (target === null || target.type !== 'chain') return;
        // A chain that only jumps to itself is still unreachable; the loop itself is IPT2003's to report.
        (target.name === chain.name ? usedFromItself : usedFromOutside).add(target.name);
      },
      tableEnd(table, ruleset) {
        for (const chain of table.chains) {
          if (chain.builtin || usedFromOutside.has(chain.name)) continue;
          const count = chain.rules.length === 1 ? '1 rule' : `${chain.rules.length} rules`;
          const messageId = usedFromItself.has(chain.name) ? 'onlyItself' : chain.rules.length === 0 ? 'unusedEmpty' : 'unused';
          context.report({ at: chain, ruleset, table, chain, messageId, data: { chain: chain.name, table: table.name, count } });
        }
      },
    };
  },
};
