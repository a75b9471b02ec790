import type { Rule, Ruleset } from '../ast';
import type { DockerPolicy, PublishedPort } from '../policy/types';
import { familyOf, parseHostAddress, singleAddress } from './addresses';
import { tracePacket, type TraceOutcome } from './evaluate';
import type { HostModel, Packet } from './packet';
import { endpointsOf, policyHost, publishedPortPacket } from './reach';

/** What a new connection from outside to a port published on all addresses meets. */
export type Exposure =
  | {
      kind: 'exposed';
      port: PublishedPort;
      bridge: string;
      /** The rule that sends it to the container, and the one that lets it through FORWARD. */
      dnat: Rule | null;
      acceptedBy: Rule | null;
      /** Undecided matches the way through depends on, in words with lines; empty when certain. */
      conditions: string[];
      /** What would stop the connection in INPUT if no DNAT took it past: "line 7", "the INPUT policy DROP". */
      inputStoppedBy: string;
    }
  | { kind: 'closed'; port: PublishedPort; bridge: string; dnat: Rule | null; closedBy: Rule };

const cache = new WeakMap<Ruleset, WeakMap<DockerPolicy, Exposure[]>>();

/**
 * The ports published on every address of the host (no host address, 0.0.0.0 or ::), each traced as
 * a new connection from outside: DNAT in nat PREROUTING sends it to the container, so it crosses
 * FORWARD and never meets INPUT. Ports that no DNAT sends to their container are left out (IPT3005
 * reports a missing DNAT), and so are ports stopped by anything but a DOCKER-USER rule.
 */
export function publishedPortExposures(ruleset: Ruleset, docker: DockerPolicy): Exposure[] {
  let byPolicy = cache.get(ruleset);
  if (byPolicy === undefined) {
    byPolicy = new WeakMap();
    cache.set(ruleset, byPolicy);
  }
  let exposures = byPolicy.get(docker);
  if (exposures === undefined) {
    exposures = computeExposures(ruleset, docker);
    byPolicy.set(docker, exposures);
  }
  return exposures;
}

function computeExposures(ruleset: Ruleset, docker: DockerPolicy): Exposure[] {
  const family = ruleset.family;
  const ports = (docker.published ?? []).filter((port) => familyOf(port.container) === family && onEveryAddress(port));
  if (ports.length === 0) return [];
  const endpoints = endpointsOf(docker, family);
  const outside = endpoints.find((endpoint) => endpoint.kind === 'outside')!;
  const host = policyHost(docker, family);
  const exposures: Exposure[] = [];
  for (const port of ports) {
    const bridge = docker.networks.find((network) => network.name === port.network)?.bridge;
    if (bridge === undefined) continue;
    const outcomes = tracePacket(ruleset, publishedPortPacket(port, outside, endpoints, family), host).outcomes.filter((outcome) => reachesContainerAddress(outcome, port));
    const through = outcomes.filter((outcome) => outcome.verdict === 'ACCEPT' && outcome.delivery === 'forwarded').sort((a, b) => a.conditions.length - b.conditions.length)[0];
    if (through !== undefined) {
      // A host whose INPUT lets the connection in anyway chose to be open: Docker bypasses nothing there.
      const inputStoppedBy = inputStopper(ruleset, publishedPortPacket(port, outside, endpoints, family), host);
      if (inputStoppedBy !== null) exposures.push({ kind: 'exposed', port, bridge, dnat: dnatOf(through), acceptedBy: through.decidedBy?.rule ?? null, conditions: conditionsOf(through), inputStoppedBy });
      continue;
    }
    const stopped = outcomes.find((outcome) => (outcome.verdict === 'DROP' || outcome.verdict === 'REJECT') && outcome.decidedBy?.chain.name === 'DOCKER-USER' && outcome.decidedBy.rule !== null);
    if (stopped !== undefined && outcomes.every((outcome) => outcome.verdict !== 'UNKNOWN')) exposures.push({ kind: 'closed', port, bridge, dnat: dnatOf(stopped), closedBy: stopped.decidedBy!.rule! });
  }
  return exposures;
}

const filterOnly = new WeakMap<Ruleset, Ruleset>();

/** What drops or rejects the connection when no NAT sends it elsewhere: it is then for the host, and meets INPUT. */
function inputStopper(ruleset: Ruleset, packet: Packet, host: HostModel): string | null {
  let withoutNat = filterOnly.get(ruleset);
  if (withoutNat === undefined) {
    withoutNat = { ...ruleset, tables: ruleset.tables.filter((table) => table.name === 'filter') };
    filterOnly.set(ruleset, withoutNat);
  }
  const stopped = tracePacket(withoutNat, packet, host, { verdictsOnly: true }).outcomes.find((outcome) => outcome.verdict === 'DROP' || outcome.verdict === 'REJECT');
  const decision = stopped?.decidedBy;
  if (stopped === undefined || decision === null || decision === undefined) return null;
  return decision.rule === null ? `the ${decision.chain.name} policy ${decision.verdict}` : `line ${decision.rule.line}`;
}

function onEveryAddress(port: PublishedPort): boolean {
  if (port.hostAddress === undefined) return true;
  const address = parseHostAddress(port.hostAddress, familyOf(port.hostAddress));
  return address !== null && address.bits === 0n;
}

/** The way through where DNAT sent the packet to the published container and port. */
function reachesContainerAddress(outcome: TraceOutcome, port: PublishedPort): boolean {
  const container = parseHostAddress(port.container, familyOf(port.container));
  const destination = singleAddress(outcome.final.destination);
  return container !== null && destination !== null && destination.bits === container.bits && outcome.final.destinationPort === port.containerPort;
}

function dnatOf(outcome: TraceOutcome): Rule | null {
  for (const step of outcome.steps) if (step.kind === 'rewrite' && step.what === 'destination' && step.rule !== null) return step.rule;
  return null;
}

function conditionsOf(outcome: TraceOutcome): string[] {
  return outcome.conditions.map((condition) => (condition.kind === 'routing' ? condition.text : `line ${condition.rule.line} ${condition.holds ? 'matching' : 'not matching'} (${condition.why.join('; ')})`));
}

/** The DOCKER-USER rule that stops connections from outside to the published port, and only those. */
export function dockerUserFix(port: PublishedPort, bridge: string): string {
  const family = familyOf(port.container);
  const command = family === 'ipv6' ? 'ip6tables' : 'iptables';
  return `${command} -I DOCKER-USER ! -i ${bridge} -d ${port.container}/${family === 'ipv4' ? 32 : 128} -p ${port.protocol} -m ${port.protocol} --dport ${port.containerPort} -j DROP`;
}

/** How Docker's `-p` spells the same port published on loopback only. */
export function loopbackPublish(port: PublishedPort): string {
  const loopback = familyOf(port.container) === 'ipv6' ? '[::1]' : '127.0.0.1';
  return `-p ${loopback}:${port.hostPort}:${port.containerPort}${port.protocol === 'tcp' ? '' : `/${port.protocol}`}`;
}
