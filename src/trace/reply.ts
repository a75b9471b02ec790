import type { TraceOutcome } from './evaluate';
import type { Packet } from './packet';

/**
 * The answer to a packet that got through: from where it arrived back to where it came from, as
 * part of the same connection (ESTABLISHED). It is addressed to what the first packet left as
 * (after SNAT or MASQUERADE), and conntrack maps it back where the nat table would run: the raw
 * and mangle PREROUTING chains still see the host's address, FORWARD the original client. Null for
 * an outcome that did not get through. The first packet must have been traced with its
 * POSTROUTING (not `verdictsOnly`), or its source NAT is not known.
 */
export function replyPacket(outcome: TraceOutcome): Packet | null {
  if (outcome.verdict !== 'ACCEPT') return null;
  const flow = outcome.final;
  const arrivedOn = flow.outInterface;
  return {
    family: flow.family,
    // What the host received, it answers itself; what it forwarded or sent is answered on the way out's interface.
    inInterface: outcome.delivery === 'host' ? null : arrivedOn === undefined || arrivedOn === null ? { except: [] } : arrivedOn,
    outInterface: flow.inInterface ?? undefined,
    source: flow.destination,
    sourcePort: flow.destinationPort,
    destination: flow.source,
    destinationPort: flow.sourcePort,
    destinationPortSpan: flow.portSpans.sourcePort,
    protocol: flow.protocol,
    icmpType: flow.icmpType === undefined ? undefined : echoReply(flow.family, flow.icmpType.type),
    state: 'ESTABLISHED',
    undoNat: {
      destination: flow.snat ? { address: flow.original.source, port: flow.original.sourcePort } : undefined,
      source: flow.dnat ? { address: flow.original.destination, port: flow.original.destinationPort } : undefined,
    },
  };
}

/** An echo request is answered by an echo reply; other ICMP is not answered in kind. */
function echoReply(family: Packet['family'], type: number): Packet['icmpType'] {
  if (family === 'ipv4' && type === 8) return { type: 0, code: 0 };
  if (family === 'ipv6' && type === 128) return { type: 129, code: 0 };
  return undefined;
}
