import type { Chain, Family, Rule } from '../src/ast';
import { familyLabel } from '../src/lint/docker/networks';
import { findChain, rulesetsFor, WHOLE_FILE } from '../src/lint/policy-scope';
import { parseRuleText, type ParsedRuleText } from '../src/lint/rule-text';
import { ruleMeaning } from '../src/rule-meaning';
import type { LintRule } from '../src/lint/types';
import type { RuleRequirement } from '../src/policy/types';

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/**
 * The policy's `rules` section: each rule must be in its chain, or must not be, compared by what
 * iptables would load rather than by how the line is spelled.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3007',
    name: 'required-rule',
    severity: 'error',
    description: 'A rule the policy requires is missing from its chain, or a rule the policy forbids is there.',
    messages: {
      missing: 'chain {chain} in the {family} {table} table has no rule `{rule}`, which the policy requires; add it with `{command} -t {table} -A {chain} {rule}` (or `-I` where it must come first)',
      forbidden: 'the policy forbids `{rule}` in chain {chain} of the {family} {table} table; remove this rule, or the entry from the policy',
      badRule: 'the policy rule `{rule}` for chain {chain} of the {table} table is not one {command}-restore would accept: {problem}; correct it in the policy',
    },
  },
  create(context) {
    const requirements = context.policy?.rules ?? [];
    if (requirements.length === 0) return {};
    // Only chains a requirement names are indexed, each once however many requirements name it.
    const indexes = new Map<Chain, Map<string, Rule[]>>();
    const indexOf = (chain: Chain, family: Family): Map<string, Rule[]> => {
      let index = indexes.get(chain);
      if (index === undefined) {
        index = new Map();
        for (const candidate of chain.rules) {
          const meaning = ruleMeaning(candidate, family);
          const same = index.get(meaning);
          if (same === undefined) index.set(meaning, [candidate]);
          else same.push(candidate);
        }
        indexes.set(chain, index);
      }
      return index;
    };

    return {
      end() {
        requirements.forEach((requirement, position) => {
          const { table: tableName, chain: chainName } = requirement;
          const parsed = new Map<Family, ParsedRuleText>();
          const parseIn = (family: Family): ParsedRuleText => {
            let result = parsed.get(family);
            if (result === undefined) {
              result = parseRuleText(tableName, chainName, requirement.rule, family);
              parsed.set(family, result);
            }
            return result;
          };
          let reportedBadRule = false;
          for (const ruleset of rulesetsFor(context.dump, requirement.family)) {
            const family = ruleset.family;
            const required = parseIn(family);
            if (!required.ok) {
              if (reportedBadRule || belongsToOtherFamily(requirement, family, parseIn)) continue;
              reportedBadRule = true;
              context.report({
                at: WHOLE_FILE,
                ruleset,
                messageId: 'badRule',
                data: { rule: requirement.rule, chain: chainName, table: tableName, problem: required.problem, command: commandFor(family) },
                fingerprint: ['IPT3007', tableName, chainName, position, 'badRule'].join('|'),
              });
              continue;
            }
            // A missing chain is IPT3006's finding; saying its rules are missing too would only repeat it.
            const found = findChain(ruleset, tableName, chainName);
            if (found === undefined) continue;
            const { table, chain } = found;
            const data = { rule: required.canonical, chain: chainName, table: tableName, family: familyLabel(family), command: commandFor(family) };
            const matching = indexOf(chain, family).get(required.meaning) ?? [];
            const fingerprint = (messageId: string) => ['IPT3007', family, tableName, chainName, required.meaning, messageId].join('|');
            if (requirement.present && matching.length === 0) {
              context.report({ at: chain, ruleset, table, chain, messageId: 'missing', data, fingerprint: fingerprint('missing') });
            } else if (!requirement.present) {
              for (const offending of matching) context.report({ at: offending, ruleset, table, chain, rule: offending, messageId: 'forbidden', data, fingerprint: fingerprint('forbidden') });
            }
          }
        });
      },
    };
  },
};

/**
 * An entry without a family is checked in every ruleset, but a rule with an IPv4 address can only
 * be meant for IPv4: where it reads in the other family, this family simply has no such rule.
 */
function belongsToOtherFamily(requirement: RuleRequirement, family: Family, parseIn: (family: Family) => ParsedRuleText): boolean {
  return requirement.family === undefined && FAMILIES.some((other) => other !== family && parseIn(other).ok);
}

function commandFor(family: Family): string {
  return family === 'ipv4' ? 'iptables' : 'ip6tables';
}
