import type { Rule, Ruleset, Table } from '../src/ast';
import { parsePrefix, prefixContains } from '../src/lint/docker/addresses';
import { eraNote, resolveDockerEra } from '../src/lint/docker/era';
import { DROPPING_VERDICTS, describePassage, outcomeLine, traceForward, type Outcome } from '../src/lint/docker/forward-path';
import { forwardFilterOrReport, familyOfPort, networkLabel, networksInFamily, withinSubnets, type NetworkInFamily } from '../src/lint/docker/networks';
import type { DockerEra, DockerPolicy, PublishedPort } from '../src/policy/types';
import type { LintRule, RuleContext } from '../src/lint/types';

/**
 * Containers of one bridge network must not open connections to containers of another. The check
 * follows a new connection from bridge A to bridge B through FORWARD, whichever chains Docker's
 * release uses for it, and wants it dropped before anything can accept it.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3003',
    name: 'docker-isolation',
    severity: 'error',
    description: 'New connections from one Docker network to another can be accepted although the policy wants the two isolated.',
    messages: {
      notIsolated: 'traffic from {from} to {to} is not isolated: {leak} before anything drops it; Docker drops it with {expected} ({era})',
      noForward: 'the {family} ruleset has no filter FORWARD chain, so the isolation between {networks} cannot be checked ({era})',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined) return {};
    const resolved = resolveDockerEra(context.dump, docker);
    const era = eraNote(resolved);
    return {
      ruleset(ruleset) {
        const pairs = requiredPairs(docker, networksInFamily(docker, ruleset.family));
        if (pairs.length === 0) return;
        const filter = forwardFilterOrReport(context, 'IPT3003', ruleset, [...new Set(pairs.flat())], era);
        if (filter === null) return;
        for (const [from, to] of pairs) checkPair(context, ruleset, filter, from, to, docker, resolved.era, era);
      },
    };
  },
};

/**
 * Ordered pairs, both directions. By default every two non-internal networks, as Docker isolates
 * them; internal networks are cut off from everything by other rules (IPT3004).
 */
function requiredPairs(docker: DockerPolicy, networks: NetworkInFamily[]): [NetworkInFamily, NetworkInFamily][] {
  const pairs: [NetworkInFamily, NetworkInFamily][] = [];
  const add = (a: NetworkInFamily, b: NetworkInFamily): void => {
    if (a.bridge !== b.bridge) pairs.push([a, b], [b, a]);
  };
  const isolate = docker.isolate ?? 'all';
  if (isolate === 'all') {
    const bridged = networks.filter((network) => !network.internal);
    for (let i = 0; i < bridged.length; i++) for (let j = i + 1; j < bridged.length; j++) add(bridged[i], bridged[j]);
    return pairs;
  }
  const byName = new Map(networks.map((network) => [network.name, network]));
  for (const [first, second] of isolate) {
    const a = byName.get(first);
    const b = byName.get(second);
    if (a !== undefined && b !== undefined) add(a, b);
  }
  return pairs;
}

function checkPair(
  context: RuleContext,
  ruleset: Ruleset,
  filter: Table,
  from: NetworkInFamily,
  to: NetworkInFamily,
  docker: DockerPolicy,
  dockerEra: DockerEra | null,
  era: string,
): void {
  const path = traceForward(filter, {
    family: ruleset.family,
    inInterface: { name: from.bridge },
    outInterface: { name: to.bridge },
    source: withinSubnets(from),
    destination: withinSubnets(to),
    state: 'NEW',
  });
  if (path === null) return;
  // From 29.x Docker lets containers of other networks reach published ports (moby/moby 1ad9599da798).
  const published = dockerEra === '29' ? (docker.published ?? []).filter((port) => port.network === to.name && familyOfPort(port) === ruleset.family) : [];
  const lets = (outcome: Outcome): boolean => !DROPPING_VERDICTS.has(outcome.verdict) && !(outcome.rule !== null && acceptsOnlyPublishedPort(outcome, to, published, ruleset));
  // The certain way through says more than one that hangs on a match this check cannot decide.
  const leak = lets(path.final) ? path.final : path.possible.find(lets);
  if (leak === undefined) return;
  context.report({
    at: leak.rule ?? leak.chain,
    ruleset,
    table: filter,
    chain: leak.chain,
    messageId: 'notIsolated',
    data: { from: networkLabel(from), to: networkLabel(to), leak: describePassage(leak, 'it'), expected: expectedIsolation(dockerEra, from, to), era },
    related: [{ line: outcomeLine(leak), message: `lets traffic from ${from.bridge} to ${to.bridge} through` }],
    fingerprint: `IPT3003|${ruleset.family}|${from.name}|${to.name}`,
  });
}

/** `-d CONTAINER/32 -o BR -p PROTO --dport PORT -j ACCEPT` for a port the policy publishes on the target network. */
function acceptsOnlyPublishedPort(outcome: Outcome, to: NetworkInFamily, published: PublishedPort[], ruleset: Ruleset): boolean {
  if (outcome.verdict !== 'ACCEPT' || published.length === 0) return false;
  const rule = outcome.rule as Rule;
  const parameter = (name: string): string | null => {
    const found = rule.parameters.find((candidate) => candidate.name === name && !candidate.negated);
    return found?.value ?? null;
  };
  const destination = parameter('destination');
  const protocol = parameter('protocol');
  if (destination === null || protocol === null || parameter('out-interface') !== to.bridge) return false;
  const target = parsePrefix(destination, ruleset.family);
  const ports = rule.matches.flatMap((match) => match.options.filter((option) => option.name === 'dport' && !option.negated).map((option) => option.values[0]));
  return published.some((port) => {
    const container = parsePrefix(port.container, ruleset.family);
    return (
      container !== null &&
      target !== null &&
      target.length === container.length &&
      prefixContains(target, container) &&
      protocol === port.protocol &&
      ports.length === 1 &&
      ports[0] === String(port.containerPort)
    );
  });
}

function expectedIsolation(era: DockerEra | null, from: NetworkInFamily, to: NetworkInFamily): string {
  switch (era) {
    case '1.12':
    case '17.06':
      return `\`-A DOCKER-ISOLATION -i ${from.bridge} -o ${to.bridge} -j DROP\``;
    case '18.05':
    case '28':
      return `\`-A DOCKER-ISOLATION-STAGE-1 -i ${from.bridge} ! -o ${from.bridge} -j DOCKER-ISOLATION-STAGE-2\` and \`-A DOCKER-ISOLATION-STAGE-2 -o ${to.bridge} -j DROP\``;
    case '29':
      return `\`-A DOCKER-BRIDGE -o ${to.bridge} -j DOCKER\` and \`-A DOCKER ! -i ${to.bridge} -o ${to.bridge} -j DROP\``;
    case null:
      return `a DROP for \`-i ${from.bridge} -o ${to.bridge}\` early in FORWARD`;
  }
}
