import type { Family, TableName } from '../ast';
import type { AddressSet, MaskedAddress } from './addresses';
import type { ConnectionState, IcmpType, InterfaceValue, Packet } from './packet';

/** The packet while it crosses the host: the user's packet plus what the rules did to it so far. */
export interface Flow {
  family: Family;
  inInterface: InterfaceValue | null;
  /** Null when the packet leaves by no interface (delivered to the host); undefined before routing or when unknown. */
  outInterface: InterfaceValue | null | undefined;
  source: AddressSet;
  destination: AddressSet;
  protocol?: string;
  sourcePort?: number;
  destinationPort?: number;
  icmpType?: IcmpType;
  /** Ports an earlier undecided rule was assumed not to match, when the port itself is open. */
  excludedPorts: { sourcePort: ReadonlySet<number>; destinationPort: ReadonlySet<number> };
  /** When a port is open but known to lie in a range (a client's ephemeral port), the range. */
  portSpans: { sourcePort?: readonly [number, number]; destinationPort?: readonly [number, number] };
  state: ConnectionState;
  /** For an answer: the NAT conntrack undoes on its way (Packet.undoNat), until it is undone. */
  undoNat?: Packet['undoNat'];
  /** The packet's mark (0 when it enters); undefined once something the tracer cannot follow sets it. */
  mark: number | undefined;
  /** The connection's mark: 0 for a new connection, unknown for an existing one. */
  connmark: number | undefined;
  dnat: boolean;
  snat: boolean;
  /** The addresses and ports before NAT, for `--ctorigdst` and friends. */
  original: { source: AddressSet; destination: AddressSet; sourcePort?: number; destinationPort?: number };
  /** The table being walked: the raw table runs before conntrack has seen the packet. */
  table: TableName;
}

/** What a rule match needs of the host. */
export interface MatchHost {
  localAddresses: readonly MaskedAddress[];
}

/**
 * A copy to change. Its nested objects are shared, since no one changes them in place (narrowing
 * replaces them); the fields are written out because a spread of this many costs ten times more,
 * and a reach matrix copies flows hundreds of thousands of times.
 */
export function copyFlow(flow: Flow): Flow {
  return {
    family: flow.family,
    inInterface: flow.inInterface,
    outInterface: flow.outInterface,
    source: flow.source,
    destination: flow.destination,
    protocol: flow.protocol,
    sourcePort: flow.sourcePort,
    destinationPort: flow.destinationPort,
    icmpType: flow.icmpType,
    excludedPorts: flow.excludedPorts,
    portSpans: flow.portSpans,
    state: flow.state,
    undoNat: flow.undoNat,
    mark: flow.mark,
    connmark: flow.connmark,
    dnat: flow.dnat,
    snat: flow.snat,
    original: flow.original,
    table: flow.table,
  };
}
