import { targetTypeOf } from '../src/parser/lazy-rule';
import { tableJumps } from '../src/lint/table-jumps';
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
    return {
      table(table, ruleset) {
        const { otherTargetRule, otherTargetChain } = context.shared(table, tableJumps);
        for (let index = 0; index < otherTargetRule.length; index++) {
          const rule = otherTargetRule[index];
          if (targetTypeOf(rule) !== 'chain') continue;
          const target = rule.target!;
          const chain = table.chains[otherTargetChain[index]];
          context.report({
            at: target,
            ruleset,
            table,
            chain,
            rule,
            messageId: 'missing',
            data: { flag: target.kind === 'goto' ? '-g' : '-j', target: target.name, table: table.name },
          });
        }
      },
    };
  },
};
