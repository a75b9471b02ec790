import type { Family, Rule, Ruleset } from '../ast';
import type { DockerPolicy, PublishedPort } from '../policy/types';
import { exactly, familyOf, LOOPBACK, parseHostAddress, parseMasked, type AddressSet, type MaskedAddress } from './addresses';
import { tracePacket, type TraceOutcome } from './evaluate';
import { replyPacket } from './reply';
import type { HostModel, IcmpType, InterfaceValue, Packet } from './packet';

export const OUTSIDE = 'outside';

/** Where a client's source port comes from: Linux's default ip_local_port_range. */
export const EPHEMERAL_PORTS: readonly [number, number] = [32768, 60999];
export const HOST = 'host';

/** A place connections come from or go to: a Docker network of the policy, the outside world, or the host. */
export interface Endpoint {
  name: string;
  kind: 'network' | 'outside' | 'host';
  bridge?: string;
  subnets: MaskedAddress[];
  /** For the host: addresses known not to be the host's (the published containers'). */
  notHost?: MaskedAddress[];
}

export type ReachResult = 'allowed' | 'denied' | 'depends' | 'unknown';

export type ReachProtocol = 'tcp' | 'udp' | 'icmp';
export const REACH_PROTOCOLS: readonly ReachProtocol[] = ['tcp', 'udp', 'icmp'];

/** What decided (part of) a cell: the line, the rule or chain policy, and its verdict. */
export interface Decider {
  line: number;
  /** The rule as in the dump, or `policy DROP of filter FORWARD`. */
  text: string;
  verdict: string;
  rule: Rule | null;
  /** It decided about the connection's answers, not its first packet. */
  answer: boolean;
}

export interface ReachAnswer {
  result: ReachResult;
  deciders: Decider[];
  /** For `depends`/`unknown`: what the answer hangs on, in words with lines. */
  conditions: string[];
  outcomes: TraceOutcome[];
}

export interface ReachCell {
  from: string;
  to: string;
  protocols: Record<ReachProtocol, ReachAnswer>;
}

export interface PublishedReach {
  port: PublishedPort;
  from: string;
  answer: ReachAnswer;
  /** Where accepted connections end up: "172.30.0.2:80 (container)", "the host". */
  reaches: string[];
}

export interface ReachMatrix {
  family: Family;
  endpoints: Endpoint[];
  cells: ReachCell[];
  published: PublishedReach[];
}

export interface ReachOptions {
  /** The host's addresses, besides loopback and the published ports' host addresses. */
  localAddresses?: readonly string[];
  /** A container port to ask about instead of "any port": answers then hold for that port alone. */
  port?: number;
  /** The published ports to give rows of their own (default: all of the policy's). */
  publishedRows?: readonly PublishedPort[];
  /** Told after each traced cell and row, for a progress line. */
  onProgress?: (done: number, total: number) => void;
}

/** The endpoints of one family: every policy network that carries it, then outside and the host. */
export function endpointsOf(docker: DockerPolicy, family: Family): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const network of docker.networks) {
    const written = (family === 'ipv4' ? network.ipv4 : network.ipv6) ?? [];
    // Docker gives every bridge network IPv4; IPv6 only when the network has IPv6 subnets.
    if (family === 'ipv6' && written.length === 0) continue;
    const subnets = written.map((text) => parseMasked(text, family)).filter((subnet): subnet is MaskedAddress => subnet !== null);
    endpoints.push({ name: network.name, kind: 'network', bridge: network.bridge, subnets });
  }
  const containers = (docker.published ?? [])
    .filter((port) => familyOf(port.container) === family)
    .map((port) => parseHostAddress(port.container, family))
    .filter((address): address is MaskedAddress => address !== null);
  endpoints.push({ name: OUTSIDE, kind: 'outside', subnets: [] }, { name: HOST, kind: 'host', subnets: [], notHost: containers });
  return endpoints;
}

/** The host model reach and the policy checks use: the policy's bridges as routes, published host addresses as local. */
export function policyHost(docker: DockerPolicy, family: Family, localAddresses: readonly string[] = []): HostModel {
  const locals: MaskedAddress[] = [];
  for (const text of [...localAddresses, ...(docker.published ?? []).map((port) => port.hostAddress ?? '')]) {
    if (text === '' || familyOf(text) !== family) continue;
    const address = parseHostAddress(text, family);
    if (address !== null && address.bits !== 0n) locals.push(address);
  }
  const routes: HostModel['routes'] = [];
  for (const endpoint of endpointsOf(docker, family)) {
    for (const subnet of endpoint.subnets) routes.push({ subnet, interface: endpoint.bridge!, label: `network ${endpoint.name}` });
  }
  const containers = (docker.published ?? [])
    .filter((port) => familyOf(port.container) === family)
    .map((port) => parseHostAddress(port.container, family))
    .filter((address): address is MaskedAddress => address !== null);
  return { localAddresses: locals, routes, knownInterfaces: [...new Set(docker.networks.map((network) => network.bridge))], notLocal: containers };
}

/** The packet for a new connection from one endpoint to another, with what is left open left open. */
export function connectionPacket(
  from: Endpoint,
  to: Endpoint,
  all: readonly Endpoint[],
  family: Family,
  protocol: ReachProtocol,
  port?: number,
  publishedHostPorts: ReadonlyMap<string, number[]> = new Map(),
): Packet {
  const { bridges, address } = endpointValues(all, family);
  const inInterface: InterfaceValue | null = from.kind === 'host' ? null : from.kind === 'outside' ? { except: bridges } : { name: from.bridge! };
  const icmp = protocol === 'icmp';
  const echo: IcmpType = { type: family === 'ipv4' ? 8 : 128, code: 0 };
  return {
    family,
    inInterface,
    source: address(from),
    destination: address(to),
    protocol: icmp ? (family === 'ipv4' ? 'icmp' : 'ipv6-icmp') : protocol,
    destinationPort: icmp ? undefined : port,
    sourcePortSpan: icmp ? undefined : EPHEMERAL_PORTS,
    excludedDestinationPorts: to.kind === 'host' && port === undefined ? publishedHostPorts.get(protocol) : undefined,
    icmpType: icmp ? echo : undefined,
    state: 'NEW',
  };
}

const valuesCache = new WeakMap<readonly Endpoint[], { bridges: string[]; address: (endpoint: Endpoint) => AddressSet }>();

/** The address sets of the endpoints, made once per endpoint list so that every trace shares them (and their cached matches). */
function endpointValues(all: readonly Endpoint[], family: Family): { bridges: string[]; address: (endpoint: Endpoint) => AddressSet } {
  const cached = valuesCache.get(all);
  if (cached !== undefined) return cached;
  const bridges = all.filter((endpoint) => endpoint.kind === 'network').map((endpoint) => endpoint.bridge!);
  const subnets = all.flatMap((endpoint) => endpoint.subnets);
  const sets = new Map<Endpoint, AddressSet>();
  for (const endpoint of all) {
    if (endpoint.kind === 'host') sets.set(endpoint, { within: null, except: endpoint.notHost ?? [], local: true });
    else if (endpoint.kind === 'outside') sets.set(endpoint, { within: null, except: [...subnets, LOOPBACK[family]], local: false });
    else sets.set(endpoint, endpoint.subnets.length === 0 ? { within: null, except: [] } : { within: endpoint.subnets, except: [] });
  }
  const hostSet: AddressSet = { within: null, except: [], local: true };
  const values = { bridges, address: (endpoint: Endpoint): AddressSet => sets.get(endpoint) ?? hostSet };
  valuesCache.set(all, values);
  return values;
}

/** The answer for one packet: allowed when every way through accepts it, denied when every way drops it. */
export function answerFor(ruleset: Ruleset, packet: Packet, host: HostModel): ReachAnswer {
  return summarize(connectionOutcomes(ruleset, packet, host));
}

/** The answers of this many ways through are traced; more ways than that are rare outside kube-proxy. */
const MAX_ANSWERS_TRACED = 16;

const beforeNat = new WeakMap<Ruleset, boolean>();

function seesAnswersBeforeNat(ruleset: Ruleset): boolean {
  let known = beforeNat.get(ruleset);
  if (known === undefined) {
    known = ruleset.tables.some(
      (table) => (table.name === 'raw' || table.name === 'mangle') && table.chains.some((chain) => chain.name === 'PREROUTING' && (chain.rules.length > 0 || chain.policy !== 'ACCEPT')),
    );
    beforeNat.set(ruleset, known);
  }
  return known;
}

/**
 * How a connection fares: the first packet's outcomes, where each one that gets through is
 * replaced by what happens to its answers (a connection whose answers are dropped does not open).
 */
export function connectionOutcomes(ruleset: Ruleset, packet: Packet, host: HostModel): TraceOutcome[] {
  let first = tracePacket(ruleset, packet, host, { verdictsOnly: true }).outcomes;
  if (!first.some((outcome) => outcome.verdict === 'ACCEPT') || first.length > MAX_ANSWERS_TRACED) return first;
  // Answers go to what the first packet left as, and only the raw and mangle PREROUTING chains see
  // that address before conntrack maps it back: when they hold rules, the POSTROUTING NAT is needed.
  if (seesAnswersBeforeNat(ruleset)) first = tracePacket(ruleset, packet, host).outcomes;
  const result: TraceOutcome[] = [];
  for (const outcome of first) {
    const answer = outcome.verdict === 'ACCEPT' ? replyPacket(outcome) : null;
    if (answer === null) {
      result.push(outcome);
      continue;
    }
    const answers = tracePacket(ruleset, answer, host, { verdictsOnly: true }).outcomes;
    if (answers.every((back) => back.verdict === 'ACCEPT')) {
      result.push(outcome);
      continue;
    }
    for (const back of answers) {
      if (back.verdict === 'ACCEPT') result.push({ ...outcome, conditions: [...outcome.conditions, ...back.conditions] });
      else result.push({ ...back, answer: true, conditions: [...outcome.conditions, ...back.conditions] });
    }
  }
  return result;
}

export function summarize(outcomes: TraceOutcome[]): ReachAnswer {
  const accepted = outcomes.filter((outcome) => outcome.verdict === 'ACCEPT');
  const dropped = outcomes.filter((outcome) => outcome.verdict === 'DROP' || outcome.verdict === 'REJECT');
  const result: ReachResult = outcomes.some((outcome) => outcome.verdict === 'UNKNOWN') ? 'unknown' : dropped.length === 0 ? 'allowed' : accepted.length === 0 ? 'denied' : 'depends';
  const deciders = new Map<string, Decider>();
  for (const outcome of outcomes) {
    const decision = outcome.decidedBy;
    if (decision === null) continue;
    const decider: Decider =
      decision.rule === null
        ? { line: decision.chain.line, text: `policy ${decision.verdict} of ${decision.table} ${decision.chain.name}`, verdict: decision.verdict, rule: null, answer: outcome.answer === true }
        : { line: decision.rule.line, text: decision.rule.raw.trim(), verdict: outcome.verdict === 'UNKNOWN' ? decision.verdict : outcome.verdict, rule: decision.rule, answer: outcome.answer === true };
    deciders.set(`${decider.line}|${decider.verdict}|${decider.answer}`, decider);
  }
  const conditions = new Set<string>();
  if (result === 'depends' || result === 'unknown') {
    for (const outcome of outcomes) {
      if (outcome.verdict === 'UNKNOWN') conditions.add(`${outcome.decidedBy?.rule ? `line ${outcome.decidedBy.rule.line}: ` : ''}${outcome.reason ?? 'unknown'}`);
      for (const condition of outcome.conditions) {
        if (condition.kind === 'routing') conditions.add(condition.text);
        else if (condition.holds) conditions.add(`line ${condition.rule.line} (${condition.why.join('; ')})`);
      }
    }
  }
  return { result, deciders: [...deciders.values()].sort((a, b) => a.line - b.line), conditions: [...conditions], outcomes };
}

/**
 * Which endpoint can open connections to which, per protocol, and which published ports answer
 * from where. Every answer comes from tracing a new connection through all tables of the ruleset.
 */
export function reachability(ruleset: Ruleset, docker: DockerPolicy, options: ReachOptions = {}): ReachMatrix {
  const family = ruleset.family;
  const endpoints = endpointsOf(docker, family);
  const host = policyHost(docker, family, options.localAddresses);
  // Connections to the host on a published port go to the container: they have rows of their own below.
  const publishedHostPorts = new Map<string, number[]>();
  for (const port of docker.published ?? []) {
    if (familyOf(port.container) !== family) continue;
    publishedHostPorts.set(port.protocol, [...(publishedHostPorts.get(port.protocol) ?? []), port.hostPort]);
  }
  const rows = (options.publishedRows ?? docker.published ?? []).filter((port) => familyOf(port.container) === family);
  const total = endpoints.length * endpoints.length + rows.length * endpoints.length;
  let done = 0;
  const cells: ReachCell[] = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      options.onProgress?.(++done, total);
      if (from.kind !== 'network' && from.kind === to.kind) continue;
      const protocols = {} as Record<ReachProtocol, ReachAnswer>;
      for (const protocol of REACH_PROTOCOLS) protocols[protocol] = answerFor(ruleset, connectionPacket(from, to, endpoints, family, protocol, options.port, publishedHostPorts), host);
      cells.push({ from: from.name, to: to.name, protocols });
    }
  }
  const published: PublishedReach[] = [];
  for (const port of rows) {
    for (const from of endpoints) {
      options.onProgress?.(++done, total);
      if (from.kind === 'host') continue;
      const packet = publishedPortPacket(port, from, endpoints, family);
      const answer = answerFor(ruleset, packet, host);
      published.push({ port, from: from.name, answer, reaches: destinationsOf(answer.outcomes, port) });
    }
  }
  return { family, endpoints, cells, published };
}

/** A new connection to a published port: to the host's address the port is bound to, on the host port. */
export function publishedPortPacket(port: PublishedPort, from: Endpoint, endpoints: readonly Endpoint[], family: Family): Packet {
  const host = endpoints.find((endpoint) => endpoint.kind === 'host') ?? { name: HOST, kind: 'host', subnets: [] };
  const packet = connectionPacket(from, host, endpoints, family, port.protocol === 'udp' ? 'udp' : 'tcp');
  const bound = port.hostAddress === undefined ? null : parseHostAddress(port.hostAddress, family);
  // The packet is made here and changed in place: a spread with changed fields costs many times more.
  packet.protocol = port.protocol;
  if (bound !== null && bound.bits !== 0n) packet.destination = exactly(bound);
  packet.destinationPort = port.hostPort;
  return packet;
}

function destinationsOf(outcomes: TraceOutcome[], port: PublishedPort): string[] {
  const places = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.verdict !== 'ACCEPT') continue;
    if (outcome.delivery === 'host') places.add('the host (a proxy there may answer)');
    else {
      const container = parseHostAddress(port.container, familyOf(port.container));
      const within = outcome.final.destination.within;
      const isContainer = container !== null && within !== null && within.length === 1 && within[0].bits === container.bits && outcome.final.destinationPort === port.containerPort;
      places.add(isContainer ? `the container ${port.container} port ${port.containerPort}` : 'elsewhere');
    }
  }
  return [...places];
}
