import type { Family } from '../ast';
import { parseIPv4, parseIPv6 } from '../parser/values';

/**
 * A set of addresses given by the bits a mask fixes: `10.0.0.0/8`, a host (`/32`), or a
 * non-contiguous mask such as `10.0.0.1/255.0.0.255`, which iptables accepts and plain prefixes
 * cannot express. Containment and overlap stay exact for any mask.
 */
export interface MaskedAddress {
  family: Family;
  bits: bigint;
  mask: bigint;
}

/**
 * What is known of an address: one of `within` (any of them when the list is null, i.e. nothing is
 * known) but none of `except`. `local` says whether it is an address of the host when the value
 * itself is not known (a published port "on the host", a destination "outside"), so that routing
 * and `--dst-type LOCAL` can still decide.
 */
export interface AddressSet {
  within: MaskedAddress[] | null;
  except: MaskedAddress[];
  local?: boolean;
}

export type Tristate = 'yes' | 'no' | 'maybe';

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

const ALL_ONES: Record<Family, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };

export function allOnes(family: Family): bigint {
  return ALL_ONES[family];
}

function addressBits(text: string, family: Family, loose: boolean): bigint | null {
  if (family === 'ipv4') {
    const value = parseIPv4(text, loose);
    return value === null ? null : BigInt(value);
  }
  const groups = parseIPv6(text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text);
  if (groups === null) return null;
  let bits = 0n;
  for (const group of groups) bits = (bits << 16n) | BigInt(group);
  return bits;
}

function lengthMask(length: number, family: Family): bigint {
  const width = WIDTH[family];
  return length === 0 ? 0n : (allOnes(family) >> BigInt(width - length)) << BigInt(width - length);
}

/** Reads `-s`/`-d` values the way iptables does: a host, `/len`, or a dotted or colon mask. Null when unreadable (a host name). */
export function parseMasked(text: string, family: Family): MaskedAddress | null {
  const slash = text.indexOf('/');
  const address = addressBits(slash < 0 ? text : text.slice(0, slash), family, true);
  if (address === null) return null;
  let mask = allOnes(family);
  if (slash >= 0) {
    const maskText = text.slice(slash + 1);
    if (/^\d{1,3}$/.test(maskText)) {
      const length = Number(maskText);
      if (length > WIDTH[family]) return null;
      mask = lengthMask(length, family);
    } else {
      const parsed = addressBits(maskText, family, true);
      if (parsed === null) return null;
      mask = parsed;
    }
  }
  return { family, bits: address & mask, mask };
}

/** A single address, as a user types it: no mask, strict dotted quad or IPv6. */
export function parseHostAddress(text: string, family: Family): MaskedAddress | null {
  if (text.includes('/')) return parseMasked(text, family);
  const bits = addressBits(text, family, false);
  return bits === null ? null : { family, bits, mask: allOnes(family) };
}

export function familyOf(text: string): Family {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

/** Every address `inner` holds is in `outer`. */
export function maskedContains(outer: MaskedAddress, inner: MaskedAddress): boolean {
  return (outer.mask & ~inner.mask) === 0n && (inner.bits & outer.mask) === outer.bits;
}

/** Some address is in both: no bit that both fix differs. */
export function maskedOverlap(a: MaskedAddress, b: MaskedAddress): boolean {
  return ((a.bits ^ b.bits) & a.mask & b.mask) === 0n;
}

export function maskedIntersection(a: MaskedAddress, b: MaskedAddress): MaskedAddress | null {
  if (!maskedOverlap(a, b)) return null;
  return { family: a.family, bits: a.bits | b.bits, mask: a.mask | b.mask };
}

export const ANY_ADDRESS: AddressSet = { within: null, except: [] };

export function exactly(address: MaskedAddress): AddressSet {
  return { within: [address], except: [] };
}

/** Whether the set is one address, and which. */
export function singleAddress(set: AddressSet): MaskedAddress | null {
  if (set.within === null || set.within.length !== 1) return null;
  const only = set.within[0];
  return only.mask === allOnes(only.family) ? only : null;
}

const answers = new WeakMap<AddressSet, Map<MaskedAddress, Tristate>>();

/**
 * Does an address of `set` fall in `net`: yes for all of them, no for none, maybe otherwise. Sets and
 * a rule's networks are never changed once made, so each pair is worked out once: the branches of a
 * trace share their sets, and a set "outside every Docker subnet" is costly to test.
 */
export function addressIn(net: MaskedAddress, set: AddressSet): Tristate {
  let known = answers.get(set);
  if (known === undefined) {
    known = new Map();
    answers.set(set, known);
  }
  let answer = known.get(net);
  if (answer === undefined) {
    answer = computeAddressIn(net, set);
    known.set(net, answer);
  }
  return answer;
}

const exceptIndexes = new WeakMap<AddressSet, { hosts: Set<bigint>; networks: MaskedAddress[] }>();

/** The set's exclusions split into single addresses, looked up at once, and the rest. */
function exceptIndex(set: AddressSet): { hosts: Set<bigint>; networks: MaskedAddress[] } {
  let index = exceptIndexes.get(set);
  if (index === undefined) {
    index = { hosts: new Set(), networks: [] };
    for (const excluded of set.except) {
      if (excluded.mask === allOnes(excluded.family)) index.hosts.add(excluded.bits);
      else index.networks.push(excluded);
    }
    exceptIndexes.set(set, index);
  }
  return index;
}

function computeAddressIn(net: MaskedAddress, set: AddressSet): Tristate {
  if (net.mask === 0n) return 'yes';
  if (set.except.length > 0) {
    // Only a single excluded address can hold a single address, so hosts need one lookup.
    const { hosts, networks } = exceptIndex(set);
    if (net.mask === allOnes(net.family) && hosts.has(net.bits)) return 'no';
    if (networks.some((excluded) => maskedContains(excluded, net))) return 'no';
  }
  if (set.within === null) return 'maybe';
  if (set.within.every((element) => maskedContains(net, element))) return 'yes';
  if (set.within.every((element) => !maskedOverlap(net, element))) return 'no';
  return 'maybe';
}

/** The part of `set` inside `net` (the branch where a rule's `-d net` matched). */
export function narrowTo(set: AddressSet, net: MaskedAddress): AddressSet {
  if (net.mask === 0n) return set;
  const within = set.within === null ? [net] : set.within.map((element) => maskedIntersection(element, net)).filter((element): element is MaskedAddress => element !== null);
  return { within, except: set.except, local: set.local };
}

/** The part of `set` outside `net` (the branch where a rule's `-d net` did not match). */
export function narrowAway(set: AddressSet, net: MaskedAddress): AddressSet {
  return { within: set.within === null ? null : set.within.filter((element) => !maskedContains(net, element)), except: [...set.except, net], local: set.local };
}

export function formatMasked(address: MaskedAddress): string {
  const full = allOnes(address.family);
  const text = formatBits(address.bits, address.family);
  if (address.mask === full) return text;
  const width = WIDTH[address.family];
  for (let length = 0; length <= width; length++) if (lengthMask(length, address.family) === address.mask) return `${text}/${length}`;
  return `${text}/${formatBits(address.mask, address.family)}`;
}

export function formatBits(bits: bigint, family: Family): string {
  if (family === 'ipv4') {
    const value = Number(bits);
    return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((bits >> shift) & 0xffffn).toString(16));
  // The longest run of zero groups becomes `::`, as inet_ntop prints it.
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; ) {
    let end = start;
    while (end < 8 && groups[end] === '0') end++;
    if (end - start > bestLength) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end === start ? start + 1 : end;
  }
  return bestStart < 0 ? groups.join(':') : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** "172.30.0.2", "in 172.30.0.0/24", "the host", "any address outside 172.17.0.0/16" … for people. */
export function describeAddressSet(set: AddressSet): string {
  const single = singleAddress(set);
  if (single !== null) return formatMasked(single);
  const parts: string[] = [];
  if (set.local === true) parts.push('an address of the host');
  else if (set.within === null) parts.push('any address');
  else parts.push(set.within.length === 0 ? 'no address' : `in ${set.within.map(formatMasked).join(', ')}`);
  if (set.except.length > 0) parts.push(`outside ${set.except.map(formatMasked).join(', ')}`);
  return parts.join(' ');
}

export const LOOPBACK: Record<Family, MaskedAddress> = {
  ipv4: { family: 'ipv4', bits: 0x7f000000n, mask: 0xff000000n },
  ipv6: { family: 'ipv6', bits: 1n, mask: allOnes('ipv6') },
};

export const MULTICAST: Record<Family, MaskedAddress> = {
  ipv4: { family: 'ipv4', bits: 0xe0000000n, mask: 0xf0000000n },
  ipv6: { family: 'ipv6', bits: 0xffn << 120n, mask: 0xffn << 120n },
};
