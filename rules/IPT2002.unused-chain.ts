import { tableJumps } from '../src/lint/table-jumps';
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
    return {
      tableEnd(table, ruleset) {
        if (table.chains.every((chain) => chain.builtin)) return;
        const { firstJump, jumpTo, viaChainTarget } = context.shared(table, tableJumps);
        const usedFromOutside = new Uint8Array(table.chains.length);
        const usedFromItself = new Uint8Array(table.chains.length);
        for (let from = 0; from < table.chains.length; from++) {
          for (let jump = firstJump[from]; jump < firstJump[from + 1]; jump++) {
            if (viaChainTarget[jump] === 0) continue;
            const to = jumpTo[jump];
            // A chain that only jumps to itself is still unreachable; the loop itself is IPT2003's to report.
            if (to === from) usedFromItself[to] = 1;
            else usedFromOutside[to] = 1;
          }
        }
        table.chains.forEach((chain, index) => {
          if (chain.builtin || usedFromOutside[index] === 1) return;
          const count = chain.rules.length === 1 ? '1 rule' : `${chain.rules.length} rules`;
          const messageId = usedFromItself[index] === 1 ? 'onlyItself' : chain.rules.length === 0 ? 'unusedEmpty' : 'unused';
          context.report({ at: chain, ruleset, table, chain, messageId, data: { chain: chain.name, table: table.name, count } });
        });
      },
    };
  },
};
