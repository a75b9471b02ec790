import type { Chain, Family, Rule, Ruleset, Table } from '../src/ast';
import { printedPartsOf, targetIsGoto, targetNameOf } from '../src/parser/lazy-rule';
import { tableJumps, type TableJumps } from '../src/lint/table-jumps';
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
    // texts imply equal targets, addresses, interfaces and comments, which the line tells without
    // building: a rule is printed only once an earlier rule of the chain has the same of them all.
    const firstByTarget = new TargetTable();
    const firstByParts = new Map<string, Rule | 'printed'>();
    const firstBySpec = new SpecTable();
    const checkChain = (chain: Chain, table: Table, ruleset: Ruleset): void => {
      const rules = chain.rules;
      firstByTarget.clear();
      firstByParts.clear();
      firstBySpec.clear();
      for (let index = 0; index < rules.length; index++) {
        const rule = rules[index];
        const firstOfTarget = firstByTarget.get(rule);
        if (firstOfTarget === undefined) {
          firstByTarget.set(rule, rule);
          continue;
        }
        if (firstOfTarget !== 'grouped') {
          firstByParts.set(targetAndParts(firstOfTarget, ruleset.family), firstOfTarget);
          firstByTarget.set(rule, 'grouped');
        }
        const group = targetAndParts(rule, ruleset.family);
        const earlier = firstByParts.get(group);
        if (earlier === undefined) {
          firstByParts.set(group, rule);
          continue;
        }
        if (earlier !== 'printed') {
          firstBySpec.remember(earlier, printRuleSpec(earlier, ruleset.family));
          firstByParts.set(group, 'printed');
        }
        const spec = printRuleSpec(rule, ruleset.family);
        const first = firstBySpec.first(rule.onlyFamily, spec);
        if (first === undefined) {
          firstBySpec.remember(rule, spec);
          continue;
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
      }
    };
    return {
      table(table, ruleset) {
        const jumps = context.shared(table, tableJumps);
        const chains = table.chains;
        for (let index = 0; index < chains.length; index++) {
          const rules = chains[index].rules;
          if (rules.length < 2 || (rules.length <= SHORT_CHAIN && !mayRepeatTarget(jumps, index, rules))) continue;
          checkChain(chains[index], table, ruleset);
        }
      },
    };
  },
};

/** Up to this many rules, comparing every pair of targets is cheaper than filling the maps. */
const SHORT_CHAIN = 16;

/**
 * Whether two rules of a short chain may have the same target. Its jumps to other chains have
 * distinct targets when they lead to distinct chains, and differ from any target that is not a
 * chain: with at most one such other rule, the jump index answers without reading any rule.
 */
function mayRepeatTarget(jumps: TableJumps, chain: number, rules: readonly Rule[]): boolean {
  const first = jumps.firstJump[chain];
  const end = jumps.firstJump[chain + 1];
  if (rules.length - (end - first) > 1) return repeatsTarget(rules);
  for (let later = first + 1; later < end; later++) {
    for (let earlier = first; earlier < later; earlier++) if (jumps.jumpTo[earlier] === jumps.jumpTo[later]) return repeatsTarget(rules);
  }
  return false;
}

function repeatsTarget(rules: readonly Rule[]): boolean {
  for (let later = 1; later < rules.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) if (sameTarget(rules[earlier], rules[later])) return true;
  }
  return false;
}

function sameTarget(a: Rule, b: Rule): boolean {
  return targetNameOf(a) === targetNameOf(b) && targetIsGoto(a) === targetIsGoto(b);
}

/** A key that two rules with the same canonical text share: their target and their printed parts (addresses, interfaces, comments). */
function targetAndParts(rule: Rule, family: Family): string {
  const target = targetNameOf(rule);
  const kind = target === null ? '' : targetIsGoto(rule) ? '-g ' : '-j ';
  return JSON.stringify([kind + (target ?? ''), ...printedPartsOf(rule, family)]);
}

/**
 * The first rule of a chain with each target (its kind and name), or 'grouped' once a second one
 * has sent the rules of that target on to be told apart by their printed parts. Chains of real dumps rarely
 * repeat a target, so few rules go further.
 */
class TargetTable {
  private readonly jumps = new Map<string, Rule | 'grouped'>();
  private readonly gotos = new Map<string, Rule | 'grouped'>();
  private none: Rule | 'grouped' | undefined;

  /** The entry for the target of `rule`. */
  get(rule: Rule): Rule | 'grouped' | undefined {
    const name = targetNameOf(rule);
    if (name === null) return this.none;
    return (targetIsGoto(rule) ? this.gotos : this.jumps).get(name);
  }

  set(rule: Rule, entry: Rule | 'grouped'): void {
    const name = targetNameOf(rule);
    if (name === null) this.none = entry;
    else (targetIsGoto(rule) ? this.gotos : this.jumps).set(name, entry);
  }

  clear(): void {
    this.jumps.clear();
    this.gotos.clear();
    this.none = undefined;
  }
}

/** The first rule of a chain with each canonical text, per family prefix. */
class SpecTable {
  private readonly unprefixed = new Map<string, Rule>();
  private readonly ipv4 = new Map<string, Rule>();
  private readonly ipv6 = new Map<string, Rule>();

  remember(rule: Rule, spec: string): void {
    this.of(rule.onlyFamily).set(spec, rule);
  }

  /** A `-4`/`-6` rule repeats an earlier rule of its own family or of both; an unprefixed rule only an unprefixed one. */
  first(onlyFamily: Family | null, spec: string): Rule | undefined {
    return (onlyFamily === null ? undefined : this.of(onlyFamily).get(spec)) ?? this.unprefixed.get(spec);
  }

  clear(): void {
    this.unprefixed.clear();
    this.ipv4.clear();
    this.ipv6.clear();
  }

  private of(onlyFamily: Family | null): Map<string, Rule> {
    return onlyFamily === null ? this.unprefixed : onlyFamily === 'ipv4' ? this.ipv4 : this.ipv6;
  }
}
