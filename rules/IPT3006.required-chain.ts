import { familyLabel } from '../src/lint/docker/networks';
import { absentRuleset, findChain, rulesetsFor, WHOLE_FILE } from '../src/lint/policy-scope';
import type { LintRule } from '../src/lint/types';

/** The policy's `chains` section: each chain must be there, and a built-in one must have the policy's default verdict. */
export const rule: LintRule = {
  meta: {
    code: 'IPT3006',
    name: 'required-chain',
    severity: 'error',
    description: 'A chain the policy requires is missing, or a required built-in chain has another policy.',
    messages: {
      missingChain: 'the policy requires chain {chain} in the {family} {table} table, which does not have it; create it with `:{chain} - [0:0]` (`{command} -t {table} -N {chain}`) or correct the policy',
      missingTable: 'the policy requires chain {chain} in the {family} {table} table, but the dump has no {family} {table} table; load the table with the chain or correct the policy',
      missingRuleset: 'the policy requires chain {chain} in the {family} {table} table, but the dump has no {family} rules at all; include the {command}-save output or give the entry another family',
      wrongPolicy: 'built-in chain {chain} in the {family} {table} table has policy {actual}, but the policy requires {expected}; set it with `:{chain} {expected}` (`{command} -t {table} -P {chain} {expected}`)',
    },
  },
  create(context) {
    const requirements = context.policy?.chains ?? [];
    if (requirements.length === 0) return {};
    return {
      end() {
        for (const requirement of requirements) {
          const { table: tableName, chain: chainName } = requirement;
          const fingerprint = (messageId: string, family: string) => ['IPT3006', family, tableName, chainName, messageId].join('|');
          const rulesets = rulesetsFor(context.dump, requirement.family);
          if (rulesets.length === 0) {
            // No family and no rulesets means an empty dump: iptables-save prints nothing when no table is loaded.
            const ruleset = absentRuleset(requirement.family ?? 'ipv4');
            context.report({
              at: WHOLE_FILE,
              ruleset,
              messageId: 'missingRuleset',
              data: { chain: chainName, table: tableName, family: familyLabel(ruleset.family), command: commandFor(ruleset.family) },
              fingerprint: fingerprint('missingRuleset', ruleset.family),
            });
            continue;
          }
          for (const ruleset of rulesets) {
            const data = { chain: chainName, table: tableName, family: familyLabel(ruleset.family), command: commandFor(ruleset.family) };
            const found = findChain(ruleset, tableName, chainName);
            if (found === undefined) {
              const table = ruleset.tables.find((candidate) => candidate.name === tableName);
              const messageId = table === undefined ? 'missingTable' : 'missingChain';
              context.report({ at: table ?? WHOLE_FILE, ruleset, table, messageId, data, fingerprint: fingerprint(messageId, ruleset.family) });
              continue;
            }
            const { table, chain } = found;
            if (requirement.policy === undefined || !chain.builtin || chain.policy === requirement.policy) continue;
            context.report({
              at: chain,
              ruleset,
              table,
              chain,
              messageId: 'wrongPolicy',
              data: { ...data, expected: requirement.policy, actual: chain.policy ?? '`-` (left as it was)' },
              fingerprint: fingerprint('wrongPolicy', ruleset.family),
            });
          }
        }
      },
    };
  },
};

function commandFor(family: 'ipv4' | 'ipv6'): string {
  return family === 'ipv4' ? 'iptables' : 'ip6tables';
}
