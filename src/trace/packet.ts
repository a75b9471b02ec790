import type { Family } from '../ast';
import type { AddressSet, MaskedAddress } from './addresses';

/** One interface by name, or any interface except some (an unknown name: "not a Docker bridge"). */
export type InterfaceValue = { readonly name: string } | { readonly except: readonly string[] };

export type ConnectionState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

export const CONNECTION_STATES: readonly ConnectionState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

export interface IcmpType {
  type: number;
  /** Undefined: any code. */
  code?: number;
}

/**
 * A packet as the tracer sees it when it enters the host. Every field may be partly unknown:
 * addresses are sets, a missing port or ICMP type may be anything. The tracer never guesses what a
 * field leaves open; a rule that depends on it makes the answer depend on it.
 */
export interface Packet {
  family: Family;
  /** The interface it arrives on; null for a packet the host itself sends. */
  inInterface: InterfaceValue | null;
  /** The interface it leaves by, when the user names it; otherwise routing deduces it, or leaves it unknown. */
  outInterface?: InterfaceValue;
  source: AddressSet;
  destination: AddressSet;
  /** Canonical protocol name (tcp, udp, icmp, ipv6-icmp, sctp …); undefined: any. */
  protocol?: string;
  sourcePort?: number;
  destinationPort?: number;
  icmpType?: IcmpType;
  /** When the destination port is open: ports it is known not to be (reach leaves published ports to their own rows). */
  excludedDestinationPorts?: readonly number[];
  /** When a port is open, a range it is known to lie in: a client's ephemeral source port. */
  sourcePortSpan?: readonly [number, number];
  destinationPortSpan?: readonly [number, number];
  /**
   * For an answer in a NATed connection: the addresses conntrack puts back, the destination where
   * nat PREROUTING/OUTPUT would run, the source where nat POSTROUTING/INPUT would.
   */
  undoNat?: {
    destination?: { address: AddressSet; port?: number };
    source?: { address: AddressSet; port?: number };
  };
  /** Conntrack state; NEW when not given, which is what the NAT tables and reachability are about. */
  state: ConnectionState;
}

/** What the tracer knows about the host besides the rules. */
export interface HostModel {
  /** Addresses of the host's own interfaces; loopback is always added. */
  localAddresses: MaskedAddress[];
  /** Known routes from the policy's networks: a destination in a subnet leaves by its bridge. */
  routes: { subnet: MaskedAddress; interface: string; label: string }[];
  /** Interfaces that are not "outside": a packet routed anywhere else leaves by none of them. */
  knownInterfaces: string[];
  /** Addresses known not to be the host's (containers), which no address of the host can be. */
  notLocal?: MaskedAddress[];
}

export const EMPTY_HOST: HostModel = { localAddresses: [], routes: [], knownInterfaces: [] };
