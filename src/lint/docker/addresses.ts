import type { Family } from '../../ast';
import { parseIPv4, parseIPv6 } from '../../parser/values';
import { formatBits } from '../../trace/addresses';

/** A network in CIDR form: the masked address as one integer, so that containment is two shifts. */
export interface Prefix {
  family: Family;
  /** The address with the host bits cleared. */
  bits: bigint;
  length: number;
}

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/**
 * Reads `10.0.0.0/8`, `fd00::/64`, a bare host address, or a contiguous dotted mask the way
 * iptables-save prints one. Null for host names, other families and non-contiguous masks: callers
 * then treat the address as unknown.
 */
export function parsePrefix(text: string, family: Family): Prefix | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? null : text.slice(slash + 1);
  const width = WIDTH[family];
  const address = addressBits(addressText, family);
  if (address === null) return null;
  let length: number;
  if (maskText === null) {
    length = width;
  } else if (/^\d{1,3}$/.test(maskText)) {
    length = Number(maskText);
    if (length > width) return null;
  } else {
    const mask = addressBits(maskText, family);
    if (mask === null) return null;
    const contiguous = contiguousLength(mask, width);
    if (contiguous === null) return null;
    length = contiguous;
  }
  return { family, bits: maskTo(address, length, width), length };
}

/** `a` holds every address of `b`. */
export function prefixContains(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family || a.length > b.length) return false;
  return maskTo(b.bits, a.length, WIDTH[a.family]) === a.bits;
}

/** Two prefixes are either nested or share no address. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return prefixContains(a, b) || prefixContains(b, a);
}

export function formatPrefix(prefix: Prefix): string {
  return `${formatBits(prefix.bits, prefix.family)}/${prefix.length}`;
}

/** The family an address is written in: a colon means IPv6. */
export function familyOfAddress(text: string): Family {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

/** `0.0.0.0`, `::` and their `/0` forms: every address, as Docker writes "no host address". */
export function isAnyAddress(text: string): boolean {
  const family = familyOfAddress(text);
  const prefix = parsePrefix(text, family);
  return prefix !== null && prefix.bits === 0n && (prefix.length === 0 || !text.includes('/'));
}

function addressBits(text: string, family: Family): bigint | null {
  if (family === 'ipv4') {
    const value = parseIPv4(text, true);
    return value === null ? null : BigInt(value);
  }
  const groups = parseIPv6(text);
  if (groups === null) return null;
  let bits = 0n;
  for (const group of groups) bits = (bits << 16n) | BigInt(group);
  return bits;
}

function maskTo(bits: bigint, length: number, width: number): bigint {
  const hostBits = BigInt(width - length);
  return (bits >> hostBits) << hostBits;
}

function contiguousLength(mask: bigint, width: number): number | null {
  let length = 0;
  while (length < width && ((mask >> BigInt(width - 1 - length)) & 1n) === 1n) length++;
  return maskTo(mask, length, width) === mask ? length : null;
}
