import type { Family, Rule } from '../src/ast';
import type { LintRule } from '../src/lint/types';
import { printRuleSpec } from '../src/printer';

/** The same rule twice in a chain, compared by what it means rather than how it is written. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2004',
    name: 'duplicate-rule',
    severity: 'warning',
    description: 'The same rule appears twice in one chain.',
    messages: {
      duplicate: 'same as line {line}: chain {chain} already has this rule; delete this copy',
    },
  },
  create(context) {
    // Printing a rule's canonical text builds its parameters and matches, the costly part. Equal
    // texts imply equal targets, so a rule is printed only once an earlier rule of the chain has the same.
    const firstByShape = new Map<string, Rule | 'printed'>();
    const firstBySpec = new Map<string, Rule>();
    const remember = (rule: Rule, spec: string): void => {
      firstBySpec.set(`${rule.onlyFamily ?? 'any'} ${spec}`, rule);
    };
    return {
      chain() {
        firstByShape.clear();
        firstBySpec.clear();
      },
      rule(rule, chain, table, ruleset) {
        const shape = shapeOf(rule);
        const earlier = firstByShape.get(shape);
        if (earlier === undefined) {
          firstByShape.set(shape, rule);
          return;
        }
        if (earlier !== 'printed') {
          remember(earlier, printRuleSpec(earlier, ruleset.family));
          firstByShape.set(shape, 'printed');
        }
        const spec = printRuleSpec(rule, ruleset.family);
        const first = firstWithSpec(firstBySpec, rule.onlyFamily, spec);
        if (first === undefined) {
          remember(rule, spec);
          return;
        }
        context.report({
          at: rule,
          ruleset,
          table,
          chain,
          messageId: 'duplicate',
          data: { line: first.line, chain: chain.name },
          related: [{ line: first.line, message: 'first occurrence' }],
        });
      },
    };
  },
};

/**
 * What equal rules certainly share and what is known without building a rule's parameters and
 * matches: its target. Chains of real dumps rarely repeat a target (kube-proxy's never do), so
 * few rules get printed.
 */
function shapeOf(rule: Rule): string {
  const target = rule.target;
  return target === null ? '' : `${target.kind} ${target.name}`;
}

/** A `-4`/`-6` rule repeats an earlier rule of its own family or of both; an unprefixed rule only an unprefixed one. */
function firstWithSpec(firstBySpec: ReadonlyMap<string, Rule>, onlyFamily: Family | null, spec: string): Rule | undefined {
  return (onlyFamily === null ? undefined : firstBySpec.get(`${onlyFamily} ${spec}`)) ?? firstBySpec.get(`any ${spec}`);
}
