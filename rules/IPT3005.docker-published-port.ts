import type { Family, Rule, Ruleset, Table } from '../src/ast';
import { familyOfAddress, isAnyAddress, parsePrefix, prefixContains, type Prefix } from '../src/lint/docker/addresses';
import { eraNote, resolveDockerEra } from '../src/lint/docker/era';
import { DROPPING_VERDICTS, describeOutcome, outcomeLine, tracePath, traceForward, type Outcome } from '../src/lint/docker/forward-path';
import { allBridges, familyLabel, familyOfPort, networkLabel, tableOf } from '../src/lint/docker/networks';
import type { DockerEra, DockerNetwork, PublishedPort } from '../src/policy/types';
import type { LintRule, RuleContext } from '../src/lint/types';

const SOURCE_NAT = new Set(['MASQUERADE', 'SNAT']);

/** Eras whose port mapping always adds the per-port hairpin MASQUERADE; from 28.0 only with the userland proxy off. */
const ALWAYS_HAIRPIN: ReadonlySet<DockerEra | null> = new Set<DockerEra | null>(['1.12', '17.06', '18.05']);

/**
 * A published port needs three rules to work: the DNAT from the host port, the filter ACCEPT of the
 * forwarded connection, and in some releases the MASQUERADE that lets a container reach its own
 * published port. Each is checked by following a packet, so other rule shapes that do the same pass.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3005',
    name: 'docker-published-port',
    severity: 'error',
    description: 'A port the policy publishes lacks its DNAT, its filter ACCEPT or its hairpin MASQUERADE.',
    messages: {
      noDnat: '{port}: no DNAT sends it to {destination}; Docker adds `{expected}` ({era})',
      wrongDnat: '{port}: {decider} sends it to {actual} instead of {destination}; Docker adds `{expected}` ({era})',
      noAccept: '{port}: nothing in filter accepts the forwarded connection to {destination}: {decider} drops it; Docker adds `{expected}` ({era})',
      noHairpin:
        '{port}: the hairpin MASQUERADE is missing, so a container cannot reach its own published port through the host; Docker adds `{expected}` ({era})',
      noTable: 'the {family} ruleset has no {table} table, so {ports} cannot work ({era})',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined || (docker.published ?? []).length === 0) return {};
    const resolved = resolveDockerEra(context.dump, docker);
    const era = eraNote(resolved);
    const networks = new Map(docker.networks.map((network) => [network.name, network]));
    const bridges = allBridges(docker);
    return {
      ruleset(ruleset) {
        const ports = (docker.published ?? []).filter((port) => familyOfPort(port) === ruleset.family && networks.has(port.network));
        if (ports.length === 0) return;
        const nat = tableOf(ruleset, 'nat');
        const filter = tableOf(ruleset, 'filter');
        for (const [name, table] of [['nat', nat], ['filter', filter]] as const) {
          if (table !== undefined) continue;
          context.report({
            at: ruleset,
            ruleset,
            messageId: 'noTable',
            data: { family: familyLabel(ruleset.family), table: name, ports: ports.map((port) => portLabel(port, networks.get(port.network)!)).join(', '), era },
            fingerprint: `IPT3005|${ruleset.family}|no-${name}`,
          });
        }
        const check: PortCheck = { context, ruleset, nat, filter, bridges, era, dockerEra: resolved.era };
        for (const port of ports) checkPort(check, port, networks.get(port.network)!);
      },
    };
  },
};

interface PortCheck {
  context: RuleContext;
  ruleset: Ruleset;
  /** Either table may be missing from the dump (reported once); the checks that need it are skipped. */
  nat: Table | undefined;
  filter: Table | undefined;
  /** Every bridge of the policy: a client "from outside" comes in through none of them. */
  bridges: string[];
  era: string;
  dockerEra: DockerEra | null;
}

function checkPort(check: PortCheck, port: PublishedPort, network: DockerNetwork): void {
  const family = check.ruleset.family;
  const container = parsePrefix(port.container, family);
  if (container === null) return;
  const hostAddress = port.hostAddress ?? defaultHostAddress(network, family);
  const host = isAnyAddress(hostAddress) ? null : parsePrefix(hostAddress, family);
  const base = { port: `${portLabel(port, network)} (${networkLabel(network)})`, era: check.era };
  const fingerprint = (messageId: string): string => `IPT3005|${family}|${port.network}|${port.container}|${port.protocol}|${port.hostPort}|${port.containerPort}|${messageId}`;
  const destination = family === 'ipv6' ? `[${port.container}]:${port.containerPort}` : `${port.container}:${port.containerPort}`;

  const nat = check.nat;
  const dnat = nat === undefined ? null : findDnat(check, nat, port, container, host);
  if (nat !== undefined && dnat !== null && dnat.found === null) {
    const expected = expectedDnat(port, network.bridge, hostAddress, host !== null, family, check.dockerEra, destination);
    const other = dnat.other;
    if (other !== null && other.rule !== null) {
      check.context.report({
        at: other.rule,
        ruleset: check.ruleset,
        table: nat,
        chain: other.chain,
        messageId: 'wrongDnat',
        data: { ...base, decider: describeOutcome(other), actual: dnatDestination(other.rule) ?? '?', destination, expected },
        fingerprint: fingerprint('wrongDnat'),
      });
    } else {
      const dockerChain = nat.chains.find((chain) => chain.name === 'DOCKER') ?? nat.chains.find((chain) => chain.name === 'PREROUTING');
      check.context.report({
        at: dockerChain ?? nat,
        ruleset: check.ruleset,
        table: nat,
        chain: dockerChain,
        messageId: 'noDnat',
        data: { ...base, destination, expected },
        fingerprint: fingerprint('noDnat'),
      });
    }
  }

  if (check.filter !== undefined) checkAccept(check, check.filter, port, network, container, base, fingerprint);
  if (nat === undefined || dnat === null) return;

  // From 28.0 the per-port MASQUERADE comes with the userland proxy off, which also drops `! -i BR` from the DNAT.
  const hairpinMode = dnat.found !== null && !dnat.found.parameters.some((parameter) => parameter.name === 'in-interface' && parameter.negated);
  const wantsHairpin = ALWAYS_HAIRPIN.has(check.dockerEra) || ((check.dockerEra === '28' || check.dockerEra === '29') && hairpinMode);
  if (wantsHairpin) checkHairpin(check, nat, port, network, container, base, fingerprint);
}

/** Follows a new connection to the host port from outside through nat PREROUTING. */
function findDnat(check: PortCheck, nat: Table, port: PublishedPort, container: Prefix, host: Prefix | null): { found: Rule | null; other: Outcome | null } {
  const path = tracePath(nat, 'PREROUTING', {
    family: check.ruleset.family,
    inInterface: { except: check.bridges },
    destination: host === null ? undefined : { within: [host] },
    protocol: port.protocol,
    destinationPort: port.hostPort,
    state: 'NEW',
  });
  if (path === null) return { found: null, other: null };
  let other: Outcome | null = null;
  for (const outcome of [...path.possible, path.final]) {
    if (outcome.verdict !== 'DNAT' || outcome.rule === null) continue;
    if (dnatReaches(outcome.rule, container, port.containerPort, check.ruleset.family)) return { found: outcome.rule, other: null };
    if (other === null && outcome.ruleMatch === 'yes') other = outcome;
  }
  return { found: null, other };
}

function checkAccept(
  check: PortCheck,
  filter: Table,
  port: PublishedPort,
  network: DockerNetwork,
  container: Prefix,
  base: Record<string, string>,
  fingerprint: (messageId: string) => string,
): void {
  const family = check.ruleset.family;
  const path = traceForward(filter, {
    family,
    inInterface: { except: check.bridges },
    outInterface: { name: network.bridge },
    destination: { within: [container] },
    protocol: port.protocol,
    destinationPort: port.containerPort,
    state: 'NEW',
  });
  if (path === null) return;
  if ([...path.possible, path.final].some((outcome) => outcome.verdict === 'ACCEPT')) return;
  const decider = path.final;
  const host = family === 'ipv4' ? `${port.container}/32` : `${port.container}/128`;
  check.context.report({
    at: decider.rule ?? decider.chain,
    ruleset: check.ruleset,
    table: filter,
    chain: decider.chain,
    messageId: 'noAccept',
    data: {
      ...base,
      destination: family === 'ipv6' ? `[${port.container}]:${port.containerPort}` : `${port.container}:${port.containerPort}`,
      decider: DROPPING_VERDICTS.has(decider.verdict) ? describeOutcome(decider) : `${describeOutcome(decider)} (${decider.verdict})`,
      expected: `-A DOCKER -d ${host} ! -i ${network.bridge} -o ${network.bridge} -p ${port.protocol} -m ${port.protocol} --dport ${port.containerPort} -j ACCEPT`,
    },
    related: [{ line: outcomeLine(decider), message: 'decides the forwarded connection to the container' }],
    fingerprint: fingerprint('noAccept'),
  });
}

/** A container reaching its own published port: its packet comes back out of its bridge and needs the host's source address. */
function checkHairpin(
  check: PortCheck,
  nat: Table,
  port: PublishedPort,
  network: DockerNetwork,
  container: Prefix,
  base: Record<string, string>,
  fingerprint: (messageId: string) => string,
): void {
  const path = tracePath(nat, 'POSTROUTING', {
    family: check.ruleset.family,
    outInterface: { name: network.bridge },
    source: { within: [container] },
    destination: { within: [container] },
    protocol: port.protocol,
    destinationPort: port.containerPort,
    state: 'NEW',
  });
  const outcomes = path === null ? [] : [...path.possible, path.final];
  if (outcomes.some((outcome) => SOURCE_NAT.has(outcome.verdict) && outcome.rule !== null && outcome.ruleMatch === 'yes')) return;
  const host = check.ruleset.family === 'ipv4' ? `${port.container}/32` : `${port.container}/128`;
  const postrouting = nat.chains.find((chain) => chain.name === 'POSTROUTING');
  check.context.report({
    at: postrouting ?? nat,
    ruleset: check.ruleset,
    table: nat,
    chain: postrouting,
    messageId: 'noHairpin',
    data: { ...base, expected: `-A POSTROUTING -s ${host} -d ${host} -p ${port.protocol} -m ${port.protocol} --dport ${port.containerPort} -j MASQUERADE` },
    fingerprint: fingerprint('noHairpin'),
  });
}

/** `--to-destination 172.17.0.2:80`, `[fd00::2]:80`, a port range, or no port (the original one is kept). */
function dnatReaches(rule: Rule, container: Prefix, containerPort: number, family: Family): boolean {
  const text = dnatDestination(rule);
  if (text === null) return false;
  const { address, ports } = splitDestination(text, family);
  const target = parsePrefix(address, family);
  if (target === null || target.length !== container.length || !prefixContains(target, container)) return false;
  if (ports === null) return true;
  const [first, last = first] = ports.split('-').map(Number);
  return containerPort >= first && containerPort <= last;
}

function dnatDestination(rule: Rule): string | null {
  const option = rule.target?.options.find((candidate) => candidate.name === 'to-destination');
  return option?.values[0] ?? null;
}

function splitDestination(text: string, family: Family): { address: string; ports: string | null } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    return { address: text.slice(1, close), ports: text.slice(close + 1).startsWith(':') ? text.slice(close + 2) : null };
  }
  if (family === 'ipv6') return { address: text, ports: null };
  const colon = text.indexOf(':');
  return colon < 0 ? { address: text, ports: null } : { address: text.slice(0, colon), ports: text.slice(colon + 1) };
}

/** The network's host_binding_ipv4 applies to IPv4 ports that name no host address; otherwise every address. */
function defaultHostAddress(network: DockerNetwork, family: Family): string {
  if (network.hostBinding !== undefined && familyOfAddress(network.hostBinding) === family) return network.hostBinding;
  return family === 'ipv4' ? '0.0.0.0' : '::';
}

/** `published port 127.0.0.1:8080/tcp → 172.17.0.2:80`, with the host address the port really binds. */
function portLabel(port: PublishedPort, network: DockerNetwork): string {
  const hostAddress = port.hostAddress ?? defaultHostAddress(network, familyOfPort(port));
  const host = isAnyAddress(hostAddress) ? '' : hostAddress.includes(':') ? `[${hostAddress}]:` : `${hostAddress}:`;
  const container = port.container.includes(':') ? `[${port.container}]` : port.container;
  return `published port ${host}${port.hostPort}/${port.protocol} → ${container}:${port.containerPort}`;
}

function expectedDnat(port: PublishedPort, bridge: string, hostAddress: string, specificHost: boolean, family: Family, era: DockerEra | null, destination: string): string {
  const linkLocal = family === 'ipv6' && (era === '28' || era === '29') ? ' ! -s fe80::/10' : '';
  const host = specificHost ? ` -d ${hostAddress}/${family === 'ipv4' ? 32 : 128}` : '';
  return `-A DOCKER${linkLocal}${host} ! -i ${bridge} -p ${port.protocol} -m ${port.protocol} --dport ${port.hostPort} -j DNAT --to-destination ${destination}`;
}
