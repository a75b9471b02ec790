import type { LintRule } from '../src/lint/types';

/** A jump or goto to a chain the table does not have: iptables-restore refuses the whole table. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2001',
    name: 'missing-chain',
    severity: 'error',
    description: 'A rule jumps or goes to a chain that does not exist in its table.',
    messages: {
      missing: '`{flag} {target}` names a chain that table {table} does not have; declare it with `:{target} - [0:0]` or fix the name',
    },
  },
  create(context) {
    let chains = new Set<string>();
    return {
      table(table) {
        chains = new Set(table.chains.map((chain) => chain.name));
      },
      rule(rule, chain, table, ruleset) {
        const target = rule.target;
        if (target === null || target.type !== 'chain' || chains.has(target.name)) return;
        context.report({
          at: target,
          ruleset,
          table,
          chain,
          rule,
          messageId: 'missing',
          data: { flag: target.kind === 'goto' ? '-g' : '-j', target: target.name, table: table.name },
        });
      },
    };
  },
};
