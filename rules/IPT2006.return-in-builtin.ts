import type { Chain, Ruleset, Table } from '../src/ast';
import { forEachChain } from '../src/lint/each-chain';
import type { LintRule } from '../src/lint/types';

/**
 * `-j RETURN` in a built-in chain hands the packet to the chain's policy. People write it meaning
 * "stop here and let the packet go on", which only holds while the policy is ACCEPT. In nat, mangle
 * and raw that is the usual way to skip the rest of a chain and is not reported; in filter and
 * security, where policies get tightened to DROP, it is.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT2006',
    name: 'return-in-builtin',
    severity: 'warning',
    description: 'A built-in chain uses `-j RETURN`, which applies the chain policy instead of returning anywhere.',
    messages: {
      dropPolicy: '`-j RETURN` in built-in chain {chain} ends the chain with its policy, DROP: the packet is dropped, not handed on; write `-j DROP` if that is meant, `-j ACCEPT` to let it through',
      acceptPolicy: '`-j RETURN` in built-in chain {chain} accepts only because the policy is ACCEPT, and silently drops once the policy is set to DROP; write `-j ACCEPT`',
      keptPolicy: '`-j RETURN` in built-in chain {chain} applies whatever policy the kernel already has for it (the dump does not set one); write `-j ACCEPT` or `-j DROP`',
    },
  },
  create(context) {
    const checkChain = (chain: Chain, table: Table, ruleset: Ruleset): void => {
      if (!chain.builtin) return;
      const filtering = table.name === 'filter' || table.name === 'security';
      if (chain.policy !== 'DROP' && !filtering) return;
      const messageId = chain.policy === 'DROP' ? 'dropPolicy' : chain.policy === 'ACCEPT' ? 'acceptPolicy' : 'keptPolicy';
      for (let index = 0; index < chain.rules.length; index++) {
        const target = chain.rules[index].target;
        if (target === null || target.kind !== 'jump' || target.name !== 'RETURN') continue;
        context.report({ at: target, ruleset, table, chain, messageId, data: { chain: chain.name } });
      }
    };
    return {
      table(table, ruleset) {
        forEachChain(table, (chain) => checkChain(chain, table, ruleset));
      },
    };
  },
};
