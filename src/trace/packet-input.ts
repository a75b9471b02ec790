import type { Family } from '../ast';
import { canonicalProtocol, protocolNumber } from '../parser/values';
import type { DockerPolicy } from '../policy/types';
import { exactly, familyOf, parseHostAddress, parseMasked, type AddressSet, type MaskedAddress } from './addresses';
import { icmpTypeOfPacket } from './icmp';
import { CONNECTION_STATES, type ConnectionState, type HostModel, type Packet } from './packet';

/** A packet as a person writes it on the command line; every field is text. */
export interface PacketInput {
  /** The input interface; absent for a packet the host itself sends. */
  in?: string;
  out?: string;
  source: string;
  destination: string;
  protocol?: string;
  sourcePort?: string | number;
  destinationPort?: string | number;
  state?: string;
  icmpType?: string;
}

export type PacketParse = { ok: true; packet: Packet } | { ok: false; problem: string };

/** Checks and reads a packet description; a problem names the option at fault. */
export function parsePacket(input: PacketInput): PacketParse {
  const family = familyOf(input.source);
  if (familyOf(input.destination) !== family) return { ok: false, problem: `-s ${input.source} and -d ${input.destination} are of different address families` };
  const source = addressOption(input.source, family, '-s');
  if (typeof source === 'string') return { ok: false, problem: source };
  const destination = addressOption(input.destination, family, '-d');
  if (typeof destination === 'string') return { ok: false, problem: destination };
  let protocol: string | undefined;
  if (input.protocol !== undefined) {
    if (protocolNumber(input.protocol) === null) return { ok: false, problem: `-p ${input.protocol}: unknown protocol` };
    protocol = canonicalProtocol(input.protocol, family);
    if (protocol === 'all') protocol = undefined;
    if (family === 'ipv6' && protocol === 'icmp') protocol = 'ipv6-icmp';
  }
  const ports = { sourcePort: input.sourcePort, destinationPort: input.destinationPort };
  const parsedPorts: { sourcePort?: number; destinationPort?: number } = {};
  for (const [key, flag] of [['sourcePort', '--sport'], ['destinationPort', '--dport']] as const) {
    const value = ports[key];
    if (value === undefined) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return { ok: false, problem: `${flag} ${value}: a port is a number from 0 to 65535` };
    if (protocol === undefined || !['tcp', 'udp', 'sctp', 'udplite', 'dccp'].includes(protocol)) return { ok: false, problem: `${flag} needs -p tcp, udp or sctp` };
    parsedPorts[key] = port;
  }
  let icmpType: Packet['icmpType'];
  if (input.icmpType !== undefined) {
    if (protocol !== 'icmp' && protocol !== 'ipv6-icmp') return { ok: false, problem: `--icmp-type needs -p ${family === 'ipv4' ? 'icmp' : 'icmpv6'}` };
    const parsed = icmpTypeOfPacket(input.icmpType, family);
    if (parsed === null) return { ok: false, problem: `--icmp-type ${input.icmpType}: not an ${family === 'ipv4' ? 'ICMP' : 'ICMPv6'} type name or number` };
    icmpType = parsed;
  }
  let state: ConnectionState = 'NEW';
  if (input.state !== undefined) {
    const upper = input.state.toUpperCase();
    if (!(CONNECTION_STATES as readonly string[]).includes(upper)) return { ok: false, problem: `--state ${input.state}: one of ${CONNECTION_STATES.join(', ')}` };
    state = upper as ConnectionState;
  }
  return {
    ok: true,
    packet: {
      family,
      inInterface: input.in === undefined ? null : { name: input.in },
      outInterface: input.out === undefined ? undefined : { name: input.out },
      source,
      destination,
      protocol,
      ...parsedPorts,
      icmpType,
      state,
    },
  };
}

function addressOption(text: string, family: Family, flag: string): AddressSet | string {
  const address = text.includes('/') ? parseMasked(text, family) : parseHostAddress(text, family);
  if (address === null) return `${flag} ${text}: not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`;
  return text.includes('/') ? { within: [address], except: [] } : exactly(address);
}

/** The host as the tracer sees it: its own addresses, and the routes the policy's networks imply. */
export function hostModel(family: Family, localAddresses: readonly string[], docker: DockerPolicy | undefined): HostModel | string {
  const locals: MaskedAddress[] = [];
  for (const text of localAddresses) {
    const address = parseHostAddress(text, familyOf(text));
    if (address === null) return `--local-address ${text}: not an IP address`;
    locals.push(address);
  }
  const routes: HostModel['routes'] = [];
  for (const network of docker?.networks ?? []) {
    for (const subnet of [...(network.ipv4 ?? []), ...(network.ipv6 ?? [])]) {
      const parsed = parseMasked(subnet, familyOf(subnet));
      if (parsed !== null && parsed.family === family) routes.push({ subnet: parsed, interface: network.bridge, label: `network ${network.name}` });
    }
  }
  return { localAddresses: locals, routes, knownInterfaces: [...new Set((docker?.networks ?? []).map((network) => network.bridge))] };
}
