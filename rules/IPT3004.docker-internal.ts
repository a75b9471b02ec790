import type { Family, Ruleset, Table } from '../src/ast';
import { formatPrefix } from '../src/lint/docker/addresses';
import { eraNote, resolveDockerEra } from '../src/lint/docker/era';
import { DROPPING_VERDICTS, describePassage, outcomeLine, traceForward, type Outcome, type PacketSpec } from '../src/lint/docker/forward-path';
import { forwardFilterOrReport, networkLabel, networksInFamily, outsideSubnets, withinSubnets, type NetworkInFamily } from '../src/lint/docker/networks';
import type { DockerEra } from '../src/policy/types';
import type { LintRule, RuleContext } from '../src/lint/types';

type Direction = 'inbound' | 'outbound';

/**
 * An `--internal` network has no way in or out: its bridge talks to itself only. The check follows
 * a new connection from any other interface into the bridge, and one out of it, through FORWARD.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3004',
    name: 'docker-internal',
    severity: 'error',
    description: 'Traffic between an internal Docker network and any other interface can be accepted.',
    messages: {
      inbound: 'internal {network}: new connections from other interfaces into it are not blocked: {leak}; Docker drops them with `{expected}` ({era})',
      outbound: 'internal {network}: new connections from it to other interfaces are not blocked: {leak}; Docker drops them with `{expected}` ({era})',
      noForward: 'the {family} ruleset has no filter FORWARD chain, so internal {networks} cannot be checked ({era})',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined) return {};
    const resolved = resolveDockerEra(context.dump, docker);
    const era = eraNote(resolved);
    return {
      ruleset(ruleset) {
        const internal = networksInFamily(docker, ruleset.family).filter((network) => network.internal);
        if (internal.length === 0) return;
        const filter = forwardFilterOrReport(context, 'IPT3004', ruleset, internal, era);
        if (filter === null) return;
        for (const network of internal) {
          for (const direction of ['inbound', 'outbound'] as const) checkDirection(context, ruleset, filter, network, direction, resolved.era, era);
        }
      },
    };
  },
};

function checkDirection(
  context: RuleContext,
  ruleset: Ruleset,
  filter: Table,
  network: NetworkInFamily,
  direction: Direction,
  dockerEra: DockerEra | null,
  era: string,
): void {
  const bridge = { name: network.bridge };
  const elsewhere = { except: [network.bridge] };
  // Docker's DROPs key on addresses outside the subnet; a packet that claims one inside it from
  // another interface is spoofed, and rp_filter, not this check, is what stops it.
  const packet: PacketSpec =
    direction === 'inbound'
      ? { family: ruleset.family, inInterface: elsewhere, outInterface: bridge, source: outsideSubnets(network), destination: withinSubnets(network), state: 'NEW' }
      : { family: ruleset.family, inInterface: bridge, outInterface: elsewhere, source: withinSubnets(network), destination: outsideSubnets(network), state: 'NEW' };
  const path = traceForward(filter, packet);
  if (path === null) return;
  const lets = (outcome: Outcome): boolean => !DROPPING_VERDICTS.has(outcome.verdict);
  // The certain way through says more than one that hangs on a match this check cannot decide.
  const leak = lets(path.final) ? path.final : path.possible.find(lets);
  if (leak === undefined) return;
  context.report({
    at: leak.rule ?? leak.chain,
    ruleset,
    table: filter,
    chain: leak.chain,
    messageId: direction,
    data: { network: networkLabel(network), leak: describePassage(leak, 'them'), expected: expectedDrop(dockerEra, network, direction, ruleset.family), era },
    related: [{ line: outcomeLine(leak), message: direction === 'inbound' ? `lets traffic into ${network.bridge}` : `lets traffic out of ${network.bridge}` }],
    fingerprint: `IPT3004|${ruleset.family}|${network.name}|${direction}`,
  });
}

function expectedDrop(era: DockerEra | null, network: NetworkInFamily, direction: Direction, family: Family): string {
  const chain = era === '1.12' || era === '17.06' ? 'DOCKER-ISOLATION' : era === '29' ? 'DOCKER-INTERNAL' : 'DOCKER-ISOLATION-STAGE-1';
  const subnet = network.subnets.length > 0 ? formatPrefix(network.subnets[0]) : 'SUBNET';
  const bridge = network.bridge;
  // ip6tables rules name the other side's interface too (24.0.6+).
  const both = family === 'ipv6';
  return direction === 'inbound'
    ? `-A ${chain} ! -s ${subnet}${both ? ` ! -i ${bridge}` : ''} -o ${bridge} -j DROP`
    : `-A ${chain} ! -d ${subnet} -i ${bridge}${both ? ` ! -o ${bridge}` : ''} -j DROP`;
}
