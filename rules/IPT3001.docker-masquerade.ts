import type { Ruleset, Table } from '../src/ast';
import { formatPrefix } from '../src/lint/docker/addresses';
import { eraNote, resolveDockerEra } from '../src/lint/docker/era';
import { describeOutcome, outcomeLine, tracePath, type Outcome } from '../src/lint/docker/forward-path';
import { familyLabel, networksInFamily, tableOf, type NetworkInFamily } from '../src/lint/docker/networks';
import type { LintRule, RuleContext } from '../src/lint/types';

const SOURCE_NAT = new Set(['MASQUERADE', 'SNAT']);

/**
 * Each network's subnet leaves the host masqueraded exactly when the policy says so: without it,
 * replies to containers never find their way back; with it on a network meant to be routed,
 * containers hide behind the host's address.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3001',
    name: 'docker-masquerade',
    severity: 'error',
    description: 'A Docker network lacks the MASQUERADE of its subnet that the policy expects, or has one the policy rules out.',
    messages: {
      missing:
        '{network}: MASQUERADE for {subnet} is missing; Docker adds `-A POSTROUTING -s {subnet} ! -o {bridge} -j MASQUERADE`, without which containers cannot reach other networks ({era})',
      shadowed:
        '{network}: MASQUERADE for {subnet} is never reached: {decider} ends the walk through nat POSTROUTING first; Docker adds `-A POSTROUTING -s {subnet} ! -o {bridge} -j MASQUERADE` near the top ({era})',
      unexpected:
        '{network} has masquerade off in the policy, but this rule masquerades {subnet} leaving through other interfaces; Docker adds no such rule for a network with enable_ip_masquerade=false ({era})',
      noNatTable: 'the {family} ruleset has no nat table, so the MASQUERADE rules of {networks} are missing ({era})',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined) return {};
    const era = eraNote(resolveDockerEra(context.dump, docker));
    return {
      ruleset(ruleset) {
        // Docker gives an internal network no nat rules at all, whatever its masquerade option says.
        const networks = networksInFamily(docker, ruleset.family).filter((network) => network.subnets.length > 0 && !network.internal);
        const nat = tableOf(ruleset, 'nat');
        if (nat === undefined) {
          const expecting = networks.filter((network) => network.masquerade);
          if (expecting.length === 0) return;
          context.report({
            at: ruleset,
            ruleset,
            messageId: 'noNatTable',
            data: { family: familyLabel(ruleset.family), networks: expecting.map((network) => `${network.name} (${network.bridge})`).join(', '), era },
            fingerprint: `IPT3001|${ruleset.family}|noNatTable`,
          });
          return;
        }
        for (const network of networks) checkNetwork(context, ruleset, nat, network, era);
      },
    };
  },
};

function checkNetwork(context: RuleContext, ruleset: Ruleset, nat: Table, network: NetworkInFamily, era: string): void {
  const postrouting = nat.chains.find((chain) => chain.name === 'POSTROUTING');
  for (const subnet of network.subnets) {
    const path = tracePath(nat, 'POSTROUTING', {
      family: ruleset.family,
      outInterface: { except: [network.bridge] },
      source: { within: [subnet] },
      state: 'NEW',
    });
    const outcomes: Outcome[] = path === null ? [] : [...path.possible, path.final];
    // A rule that masquerades only part of the subnet's traffic (one port, one destination) is not Docker's.
    const masquerading = outcomes.find((outcome) => SOURCE_NAT.has(outcome.verdict) && outcome.rule !== null && outcome.ruleMatch === 'yes');
    const data = { network: `network ${network.name} (${network.bridge})`, bridge: network.bridge, subnet: formatPrefix(subnet), era };
    const fingerprint = (messageId: string): string => `IPT3001|${ruleset.family}|${network.name}|${data.subnet}|${messageId}`;

    if (!network.masquerade) {
      if (masquerading === undefined) continue;
      context.report({ at: masquerading.rule!, ruleset, table: nat, chain: masquerading.chain, messageId: 'unexpected', data, fingerprint: fingerprint('unexpected') });
      continue;
    }
    if (masquerading !== undefined) continue;
    const decider = path?.final;
    if (decider !== undefined && decider.rule !== null) {
      context.report({
        at: decider.rule,
        ruleset,
        table: nat,
        chain: decider.chain,
        messageId: 'shadowed',
        data: { ...data, decider: describeOutcome(decider) },
        related: [{ line: outcomeLine(decider), message: 'ends the walk through POSTROUTING before any MASQUERADE' }],
        fingerprint: fingerprint('shadowed'),
      });
      continue;
    }
    context.report({ at: postrouting ?? nat, ruleset, table: nat, chain: postrouting, messageId: 'missing', data, fingerprint: fingerprint('missing') });
  }
}
