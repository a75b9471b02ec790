import type { Family } from '../ast';
import { parseUnsigned } from '../parser/values';
import type { IcmpType } from './packet';

/** libxt_icmp's names; a missing code means every code of the type. */
const ICMP_NAMES: Record<string, IcmpType> = {
  'echo-reply': { type: 0 }, pong: { type: 0 },
  'destination-unreachable': { type: 3 },
  'network-unreachable': { type: 3, code: 0 }, 'host-unreachable': { type: 3, code: 1 },
  'protocol-unreachable': { type: 3, code: 2 }, 'port-unreachable': { type: 3, code: 3 },
  'fragmentation-needed': { type: 3, code: 4 }, 'source-route-failed': { type: 3, code: 5 },
  'network-unknown': { type: 3, code: 6 }, 'host-unknown': { type: 3, code: 7 },
  'network-prohibited': { type: 3, code: 9 }, 'host-prohibited': { type: 3, code: 10 },
  'tos-network-unreachable': { type: 3, code: 11 }, 'tos-host-unreachable': { type: 3, code: 12 },
  'communication-prohibited': { type: 3, code: 13 }, 'host-precedence-violation': { type: 3, code: 14 },
  'precedence-cutoff': { type: 3, code: 15 },
  'source-quench': { type: 4 },
  redirect: { type: 5 }, 'network-redirect': { type: 5, code: 0 }, 'host-redirect': { type: 5, code: 1 },
  'tos-network-redirect': { type: 5, code: 2 }, 'tos-host-redirect': { type: 5, code: 3 },
  'echo-request': { type: 8 }, ping: { type: 8 },
  'router-advertisement': { type: 9 }, 'router-solicitation': { type: 10 },
  'time-exceeded': { type: 11 }, 'ttl-exceeded': { type: 11 },
  'ttl-zero-during-transit': { type: 11, code: 0 }, 'ttl-zero-during-reassembly': { type: 11, code: 1 },
  'parameter-problem': { type: 12 }, 'ip-header-bad': { type: 12, code: 0 }, 'required-option-missing': { type: 12, code: 1 },
  'timestamp-request': { type: 13 }, 'timestamp-reply': { type: 14 },
  'address-mask-request': { type: 17 }, 'address-mask-reply': { type: 18 },
};

/** libxt_icmp6's names. */
const ICMPV6_NAMES: Record<string, IcmpType> = {
  'destination-unreachable': { type: 1 }, 'no-route': { type: 1, code: 0 },
  'communication-prohibited': { type: 1, code: 1 }, 'beyond-scope': { type: 1, code: 2 },
  'address-unreachable': { type: 1, code: 3 }, 'port-unreachable': { type: 1, code: 4 },
  'failed-policy': { type: 1, code: 5 }, 'reject-route': { type: 1, code: 6 },
  'packet-too-big': { type: 2 },
  'time-exceeded': { type: 3 }, 'ttl-exceeded': { type: 3 },
  'ttl-zero-during-transit': { type: 3, code: 0 }, 'ttl-zero-during-reassembly': { type: 3, code: 1 },
  'parameter-problem': { type: 4 }, 'bad-header': { type: 4, code: 0 },
  'unknown-header-type': { type: 4, code: 1 }, 'unknown-option': { type: 4, code: 2 },
  'echo-request': { type: 128 }, ping: { type: 128 }, 'echo-reply': { type: 129 }, pong: { type: 129 },
  'mld-listener-query': { type: 130 }, 'mld-listener-report': { type: 131 },
  'mld-listener-done': { type: 132 }, 'mld-listener-reduction': { type: 132 },
  'router-solicitation': { type: 133 }, 'router-advertisement': { type: 134 },
  'neighbour-solicitation': { type: 135 }, 'neighbor-solicitation': { type: 135 },
  'neighbour-advertisement': { type: 136 }, 'neighbor-advertisement': { type: 136 },
  redirect: { type: 137 },
};

/** What an `--icmp-type` value covers: a type, a code range of it, or every ICMP packet (`any`). */
export interface IcmpTypeRange {
  type: number | 'any';
  codeMin: number;
  codeMax: number;
}

/** Reads `echo-request`, any unambiguous prefix of a name, `8`, `8/0` or `3/0:4`; null when unreadable. */
export function parseIcmpType(text: string, family: Family): IcmpTypeRange | null {
  const lower = text.toLowerCase();
  if (family === 'ipv4' && lower === 'any') return { type: 'any', codeMin: 0, codeMax: 255 };
  const numeric = /^(\d+)(?:\/(\d+)(?::(\d+))?)?$/.exec(lower);
  if (numeric !== null) {
    const type = parseUnsigned(numeric[1], 255);
    const codeMin = numeric[2] === undefined ? 0 : parseUnsigned(numeric[2], 255);
    const codeMax = numeric[3] !== undefined ? parseUnsigned(numeric[3], 255) : numeric[2] === undefined ? 255 : codeMin;
    if (type === null || codeMin === null || codeMax === null) return null;
    return { type, codeMin, codeMax };
  }
  const names = family === 'ipv4' ? ICMP_NAMES : ICMPV6_NAMES;
  let found = names[lower];
  if (found === undefined) {
    const candidates = Object.keys(names).filter((name) => name.startsWith(lower));
    const distinct = new Set(candidates.map((name) => JSON.stringify(names[name])));
    if (lower === '' || distinct.size !== 1) return null;
    found = names[candidates[0]];
  }
  return { type: found.type, codeMin: found.code ?? 0, codeMax: found.code ?? 255 };
}

/** For the command line: the packet's type, and its code when one is named. */
export function icmpTypeOfPacket(text: string, family: Family): IcmpType | null {
  const range = parseIcmpType(text, family);
  if (range === null || range.type === 'any') return null;
  return range.codeMin === range.codeMax ? { type: range.type, code: range.codeMin } : { type: range.type };
}
