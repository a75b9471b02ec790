import type { Ruleset, Table } from '../src/ast';
import { eraNote, resolveDockerEra, type ResolvedEra } from '../src/lint/docker/era';
import { DROPPING_VERDICTS, describeOutcome, outcomeLine, traceForward } from '../src/lint/docker/forward-path';
import { forwardFilterOrReport, networkLabel, networksInFamily, withinSubnets, type NetworkInFamily } from '../src/lint/docker/networks';
import type { LintRule, RuleContext } from '../src/lint/types';

/**
 * Inter-container communication on one bridge: with icc off Docker drops traffic between the
 * containers of the network with a rule of its own; with icc on it accepts it.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3002',
    name: 'docker-icc',
    severity: 'error',
    description: 'Traffic between the containers of a Docker network is dropped although icc is on, or not dropped by a rule although icc is off.',
    messages: {
      accepted: '{network} has icc off, but {decider} accepts traffic between its containers; Docker drops it with `{expected}` ({era})',
      notDropped:
        '{network} has icc off, but no rule drops traffic between its containers: {decider} decides it, and a policy can be changed by anyone; Docker drops it with `{expected}` ({era})',
      dropped: '{network} has icc on, but {decider} drops traffic between its containers; Docker accepts it with `{expected}` ({era})',
      noForward: 'the {family} ruleset has no filter FORWARD chain, so icc of {networks} cannot be checked ({era})',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined) return {};
    const resolved = resolveDockerEra(context.dump, docker);
    const era = eraNote(resolved);
    return {
      ruleset(ruleset) {
        const networks = networksInFamily(docker, ruleset.family);
        if (networks.length === 0) return;
        const filter = forwardFilterOrReport(context, 'IPT3002', ruleset, networks, era);
        if (filter === null) return;
        for (const network of networks) checkNetwork(context, ruleset, filter, network, resolved, era);
      },
    };
  },
};

function checkNetwork(context: RuleContext, ruleset: Ruleset, filter: Table, network: NetworkInFamily, resolved: ResolvedEra, era: string): void {
  const path = traceForward(filter, {
    family: ruleset.family,
    inInterface: { name: network.bridge },
    outInterface: { name: network.bridge },
    source: withinSubnets(network),
    destination: withinSubnets(network),
    state: 'NEW',
  });
  if (path === null) return;
  // Only the certain end counts: a rule that accepts one port between containers (a legacy --link)
  // or drops one does not change whether icc is on.
  const decider = path.final;
  const dropped = DROPPING_VERDICTS.has(decider.verdict);
  let messageId: string;
  if (network.icc) {
    if (!dropped) return;
    messageId = 'dropped';
  } else {
    if (dropped && decider.rule !== null) return;
    messageId = decider.rule !== null && decider.verdict === 'ACCEPT' ? 'accepted' : 'notDropped';
  }
  const expected = network.icc ? iccAccept(filter, network, resolved) : `-A ${iccChain(filter)} -i ${network.bridge} -o ${network.bridge} -j DROP`;
  context.report({
    at: decider.rule ?? decider.chain,
    ruleset,
    table: filter,
    chain: decider.chain,
    messageId,
    data: { network: networkLabel(network), decider: describeOutcome(decider), expected, era },
    related: [{ line: outcomeLine(decider), message: 'decides traffic between containers of the same network' }],
    fingerprint: `IPT3002|${ruleset.family}|${network.name}|${messageId}`,
  });
}

/** From 28.0.1 Docker keeps its per-network rules in DOCKER-FORWARD; before that in FORWARD. */
function iccChain(filter: Table): string {
  return filter.chains.some((chain) => chain.name === 'DOCKER-FORWARD') ? 'DOCKER-FORWARD' : 'FORWARD';
}

/** From 28.0 a non-internal network's icc and outgoing ACCEPTs are one rule, `-i BR -j ACCEPT`. */
function iccAccept(filter: Table, network: NetworkInFamily, resolved: ResolvedEra): string {
  const combined = (resolved.era === '28' || resolved.era === '29') && !network.internal;
  return `-A ${iccChain(filter)} -i ${network.bridge}${combined ? '' : ` -o ${network.bridge}`} -j ACCEPT`;
}
