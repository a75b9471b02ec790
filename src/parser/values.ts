import type { Family } from '../ast';
import type { ValueKind } from './extension-spec';

/**
 * How a 'choice' argument is compared with its words. Omitted entirely, the
 * comparison is lenient (any case, comma lists allowed), so that a caller
 * that does not pass an option's rules never reports a false error.
 */
export interface ChoiceRules {
  /** The argument is a comma-separated list of words (`--hashlimit-mode srcip,dstport`). */
  list?: boolean;
  /** iptables compares the words case-insensitively (`--ctdir reply`). */
  ignoreCase?: boolean;
  /** iptables also takes any prefix of a word (`--reject-with icmp-host-u`). */
  prefixes?: boolean;
}

const MAX_U32 = 0xffffffff;
const MAX_PORT = 65535;
const MAX_MULTIPORT_SLOTS = 15;

/**
 * Reads an unsigned integer the way C's `strtoul(…, 0)` does, which is what
 * iptables uses: decimal, `0x` hexadecimal, or octal after a leading zero.
 * Null when the text is not such a number or exceeds `max`.
 */
export function parseUnsigned(text: string, max: number): number | null {
  const length = text.length;
  if (length === 0) return null;
  let value = 0;
  if (length > 2 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) | 0x20) === 120) {
    for (let i = 2; i < length; i++) {
      const digit = hexDigit(text.charCodeAt(i));
      if (digit < 0) return null;
      value = value * 16 + digit;
      if (value > max) return null;
    }
    return value;
  }
  const base = length > 1 && text.charCodeAt(0) === 48 ? 8 : 10;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit >= base) return null;
    value = value * base + digit;
    if (value > max) return null;
  }
  return value;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * Parses a dotted IPv4 address into an unsigned 32-bit number.
 *
 * Strict mode is `inet_pton`: four decimal parts without leading zeros, which
 * is what iptables-save prints and what the NAT targets accept. Loose mode is
 * how iptables reads `-s`/`-d`: each part is a C number (`010` is 8, `0x0a` is
 * 10) and missing trailing parts are zero (`10.1` is 10.1.0.0).
 */
export function parseIPv4(text: string, loose = false): number | null {
  const strict = parseStrictIPv4(text);
  if (strict !== null || !loose) return strict;
  const parts = text.split('.');
  if (parts.length > 4) return null;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    let octet = 0;
    if (i < parts.length) {
      const parsed = parseUnsigned(parts[i], 255);
      if (parsed === null) return null;
      octet = parsed;
    }
    value = value * 256 + octet;
  }
  return value;
}

function parseStrictIPv4(text: string): number | null {
  const length = text.length;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits > 0 && octet === 0) return null;
      octet = octet * 10 + (code - 48);
      if (octet > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Parses an IPv6 address (`inet_pton` syntax, dotted IPv4 tail allowed) into its eight 16-bit groups. */
export function parseIPv6(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  const doubleColon = text.indexOf('::');
  if (doubleColon >= 0 && text.indexOf('::', doubleColon + 1) >= 0) return null;
  let head: number[] | null;
  let tail: number[] | null;
  if (doubleColon < 0) {
    head = parseGroups(text);
    tail = [];
  } else {
    head = doubleColon === 0 ? [] : parseGroups(text.slice(0, doubleColon));
    tail = doubleColon + 2 === text.length ? [] : parseGroups(text.slice(doubleColon + 2));
  }
  if (head === null || tail === null) return null;
  const present = head.length + tail.length;
  if (doubleColon < 0 ? present !== 8 : present > 7) return null;
  const groups = head;
  for (let i = present; i < 8; i++) groups.push(0);
  for (let i = 0; i < tail.length; i++) groups[8 - tail.length + i] = tail[i];
  return groups;
}

/** Colon-separated hex groups; the last may be a dotted IPv4 address worth two groups. */
function parseGroups(text: string): number[] | null {
  const parts = text.split(':');
  const groups: number[] = [];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (p === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseStrictIPv4(part);
      if (ipv4 === null) return null;
      groups.push(ipv4 >>> 16, ipv4 & 0xffff);
      continue;
    }
    if (part.length === 0 || part.length > 4) return null;
    let value = 0;
    for (let i = 0; i < part.length; i++) {
      const digit = hexDigit(part.charCodeAt(i));
      if (digit < 0) return null;
      value = value * 16 + digit;
    }
    groups.push(value);
  }
  return groups;
}

/**
 * Prints eight groups the way glibc's `inet_ntop` does, as iptables-save
 * shows them: lowercase, the longest run of two or more zero groups (the
 * leftmost on a tie) as `::`, and the last 32 bits dotted when the first 96
 * are zero with the run exactly six groups long (`::1.2.3.4`), or for an
 * IPv4-mapped address (`::ffff:1.2.3.4`).
 */
export function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  if (bestLength < 2) bestStart = -1;

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += i === 0 ? '::' : ':';
      i += bestLength - 1;
      continue;
    }
    if (i === 6 && bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff))) {
      text += `${groups[6] >>> 8}.${groups[6] & 255}.${groups[7] >>> 8}.${groups[7] & 255}`;
      break;
    }
    text += groups[i].toString(16);
    if (i < 7) text += ':';
  }
  return text;
}

/** Prefix length of a contiguous IPv4 netmask, or -1. */
function ipv4PrefixLength(mask: number): number {
  if (mask === 0) return 0;
  const inverted = ~mask >>> 0;
  return (inverted & (inverted + 1)) === 0 ? 32 - Math.log2(inverted + 1) : -1;
}

function ipv4MaskOfLength(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/** Prefix length of a contiguous IPv6 netmask, or -1. */
function ipv6PrefixLength(mask: readonly number[]): number {
  let length = 0;
  let i = 0;
  while (i < 8 && mask[i] === 0xffff) {
    length += 16;
    i++;
  }
  if (i === 8) return length;
  const partial = mask[i];
  const inverted = ~partial & 0xffff;
  if ((inverted & (inverted + 1)) !== 0) return -1;
  length += 16 - Math.log2(inverted + 1);
  for (i++; i < 8; i++) if (mask[i] !== 0) return -1;
  return length;
}

function ipv6MaskOfLength(length: number): number[] {
  const mask: number[] = [];
  for (let i = 0; i < 8; i++) {
    const bits = Math.max(0, Math.min(16, length - i * 16));
    mask.push(bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff);
  }
  return mask;
}

interface ParsedNetwork<A> {
  address: A;
  mask: A;
  /** -1 for a non-contiguous mask. */
  prefix: number;
}

/**
 * `a.b.c.d` or `a.b.c.d/n` in its plainest spelling (no leading zeros, a prefix length of 0 to
 * 32), which the general check would accept. Nearly every address of a large dump looks like it,
 * and these are slices of the file's text, on which V8's compiled expression tells them apart
 * faster than a loop over their characters.
 */
const PLAIN_IPV4 = String.raw`(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const PLAIN_IPV4_NETWORK = new RegExp(String.raw`^${PLAIN_IPV4}(?:\/(?:3[0-2]|[12]\d|\d))?$`);

function isPlainIPv4Network(text: string): boolean {
  return PLAIN_IPV4_NETWORK.test(text);
}

function splitMask(text: string): [string, string | null] {
  const slash = text.indexOf('/');
  return slash < 0 ? [text, null] : [text.slice(0, slash), text.slice(slash + 1)];
}

/** Reads an IPv4 netmask: a prefix length or a dotted mask. A string explains a bad one. */
function parseIPv4Mask(mask: string | null): { mask: number; prefix: number } | string {
  if (mask === null) return { mask: MAX_U32, prefix: 32 };
  if (!mask.includes('.')) {
    const length = parseUnsigned(mask, MAX_U32);
    if (length === null) return `\`/${mask}\` is not a netmask`;
    if (length > 32) return `mask /${mask} is out of range 0-32`;
    return { mask: ipv4MaskOfLength(length), prefix: length };
  }
  const dotted = mask.split('.').length === 4 ? parseIPv4(mask, true) : null;
  if (dotted === null) return `\`/${mask}\` is not a netmask`;
  return { mask: dotted, prefix: ipv4PrefixLength(dotted) };
}

function parseIPv6Mask(mask: string | null): { mask: number[]; prefix: number } | string {
  if (mask === null) return { mask: ipv6MaskOfLength(128), prefix: 128 };
  if (!mask.includes(':')) {
    const length = parseUnsigned(mask, MAX_U32);
    if (length === null) return `\`/${mask}\` is not a netmask`;
    if (length > 128) return `mask /${mask} is out of range 0-128`;
    return { mask: ipv6MaskOfLength(length), prefix: length };
  }
  const groups = parseIPv6(mask);
  if (groups === null) return `\`/${mask}\` is not a netmask`;
  return { mask: groups, prefix: ipv6PrefixLength(groups) };
}

function parseIPv4Network(text: string): ParsedNetwork<number> | string | null {
  const [addressText, maskText] = splitMask(text);
  const address = parseIPv4(addressText, true);
  if (address === null) return null;
  const mask = parseIPv4Mask(maskText);
  if (typeof mask === 'string') return mask;
  return { address, mask: mask.mask, prefix: mask.prefix };
}

function parseIPv6Network(text: string): ParsedNetwork<number[]> | string | null {
  const [addressText, maskText] = splitMask(text);
  const address = parseIPv6(addressText);
  if (address === null) return null;
  const mask = parseIPv6Mask(maskText);
  if (typeof mask === 'string') return mask;
  return { address, mask: mask.mask, prefix: mask.prefix };
}

/**
 * The form iptables-save prints an address parameter (`-s`, `-d`) in: the
 * network masked, a prefix length for a contiguous mask (`/32`, `/128` for a
 * host), a dotted or colon mask otherwise. Host names and anything
 * unparseable come back unchanged; comma lists are canonicalised per element.
 */
export function canonicalAddress(value: string, family: Family): string {
  if (value.includes(',')) return value.split(',').map((element) => canonicalAddress(element, family)).join(',');
  if (family === 'ipv4') {
    const network = parseIPv4Network(value);
    if (network === null || typeof network === 'string') return value;
    const masked = (network.address & network.mask) >>> 0;
    return `${formatIPv4(masked)}/${network.prefix >= 0 ? network.prefix : formatIPv4(network.mask)}`;
  }
  const network = parseIPv6Network(value);
  if (network === null || typeof network === 'string') return value;
  const masked = network.address.map((group, i) => group & network.mask[i]);
  return `${formatIPv6(masked)}/${network.prefix >= 0 ? network.prefix : formatIPv6(network.mask)}`;
}

/** Protocol names of Debian's netbase `/etc/protocols`, which iptables-save prints for `-p NUMBER`. */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'], [2, 'igmp'], [3, 'ggp'], [4, 'ipencap'], [5, 'st'], [6, 'tcp'], [8, 'egp'], [9, 'igp'],
  [12, 'pup'], [17, 'udp'], [20, 'hmp'], [22, 'xns-idp'], [27, 'rdp'], [29, 'iso-tp4'], [33, 'dccp'],
  [36, 'xtp'], [37, 'ddp'], [38, 'idpr-cmtp'], [41, 'ipv6'], [43, 'ipv6-route'], [44, 'ipv6-frag'],
  [45, 'idrp'], [46, 'rsvp'], [47, 'gre'], [50, 'esp'], [51, 'ah'], [57, 'skip'], [58, 'ipv6-icmp'],
  [59, 'ipv6-nonxt'], [60, 'ipv6-opts'], [73, 'rspf'], [81, 'vmtp'], [88, 'eigrp'], [89, 'ospf'],
  [93, 'ax.25'], [94, 'ipip'], [97, 'etherip'], [98, 'encap'], [103, 'pim'], [108, 'ipcomp'],
  [112, 'vrrp'], [115, 'l2tp'], [124, 'isis'], [132, 'sctp'], [133, 'fc'], [135, 'mobility-header'],
  [136, 'udplite'], [137, 'mpls-in-ip'], [138, 'manet'], [139, 'hip'], [140, 'shim6'], [141, 'wesp'],
  [142, 'rohc'], [143, 'ethernet'],
]);

/** Every name `-p` accepts, with its number: netbase names plus the aliases iptables itself knows. */
const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ...[...PROTOCOL_NAMES].map(([number, name]): [string, number] => [name, number]),
  ['all', 0], ['ip', 0], ['hopopt', 0], ['icmpv6', 58], ['ipv6-mh', 135], ['mh', 135],
]);

/** Number of a protocol as `-p` reads it (`all`, a name, or a C number up to 255); null when unknown. */
export function protocolNumber(value: string): number | null {
  const lower = value.toLowerCase();
  const number = parseUnsigned(lower, 255);
  if (number !== null) return number;
  return PROTOCOL_NUMBERS.get(lower) ?? null;
}

/**
 * The protocol as iptables-save prints it: `tcp` for `6` or `TCP`,
 * `ipv6-icmp` for `58` or `icmpv6` (also in ip6tables), `mobility-header` for
 * `mh`, the number for a protocol without a name, `all` for 0. Unknown names
 * come back lowercased.
 */
export function canonicalProtocol(value: string, _family: Family): string {
  const number = protocolNumber(value);
  if (number === null) return value.toLowerCase();
  if (number === 0) return 'all';
  return PROTOCOL_NAMES.get(number) ?? String(number);
}

/** `1024:` → `1024:65535`, `:4` → `0:4`, `4:4` → `4`, numbers in decimal; service names are kept. */
export function canonicalPortRange(value: string): string {
  const colon = value.indexOf(':');
  if (colon < 0) return canonicalPort(value);
  const first = colon === 0 ? '0' : canonicalPort(value.slice(0, colon));
  const last = colon === value.length - 1 ? String(MAX_PORT) : canonicalPort(value.slice(colon + 1));
  return first === last ? first : `${first}:${last}`;
}

function canonicalPort(value: string): string {
  const number = parseUnsigned(value, MAX_PORT);
  return number === null ? value : String(number);
}

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+/-]*$/;
const NUMBER_SHAPE = /^[0-9]+$|^0[xX][0-9a-fA-F]+$/;

/** Null when `text` is a C number up to `max`, else why not (`port 65536 is out of range 0-65535`). */
function unsignedProblem(text: string, max: number, label: string): string | null {
  if (parseUnsigned(text, max) !== null) return null;
  if (parseUnsigned(text, Number.MAX_VALUE) !== null) return `${label} ${text} is out of range 0-${max}`;
  return `\`${text}\` is not a number`;
}
const HAS_LETTER = /[A-Za-z]/;

/** Checks one port: a number 0-65535 or something shaped like a service name (iptables resolves those). */
function portProblem(value: string): string | null {
  if (value === '') return 'a port is missing';
  if (NUMBER_SHAPE.test(value)) return unsignedProblem(value, MAX_PORT, 'port');
  if (SERVICE_NAME.test(value) && HAS_LETTER.test(value)) return null;
  return `\`${value}\` is not a port number or service name`;
}

function portValue(value: string): number | null {
  return parseUnsigned(value, MAX_PORT);
}

function portRangeProblem(value: string): string | null {
  const colon = value.indexOf(':');
  if (colon < 0) return portProblem(value);
  if (value.indexOf(':', colon + 1) >= 0) return `\`${value}\` is not a port range (first:last)`;
  const firstText = value.slice(0, colon);
  const lastText = value.slice(colon + 1);
  const problem = (firstText === '' ? null : portProblem(firstText)) ?? (lastText === '' ? null : portProblem(lastText));
  if (problem !== null) return problem;
  const first = firstText === '' ? 0 : portValue(firstText);
  const last = lastText === '' ? MAX_PORT : portValue(lastText);
  if (first !== null && last !== null && first > last) return `port range ${value} is inverted: ${first} is above ${last}`;
  return null;
}

/** multiport: up to 15 ports, a range counting twice; no open ranges and a range must rise. */
function portListProblem(value: string): string | null {
  let slots = 0;
  for (const element of value.split(',')) {
    if (element === '') return `\`${value}\` has an empty element`;
    const colon = element.indexOf(':');
    if (colon < 0) {
      const problem = portProblem(element);
      if (problem !== null) return problem;
      slots++;
      continue;
    }
    const firstText = element.slice(0, colon);
    const lastText = element.slice(colon + 1);
    const problem = portProblem(firstText) ?? portProblem(lastText);
    if (problem !== null) return problem;
    const first = portValue(firstText);
    const last = portValue(lastText);
    if (first !== null && last !== null && first >= last) return `port range ${element} must rise: ${first} is not below ${last}`;
    slots += 2;
  }
  if (slots > MAX_MULTIPORT_SLOTS) return `too many ports: multiport takes 15, a range counting as two`;
  return null;
}

const HOSTNAME_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** A name iptables would try to resolve: dot-separated DNS labels, at least one letter, not all numeric. */
export function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253 || !HAS_LETTER.test(value)) return false;
  const labels = value.endsWith('.') ? value.slice(0, -1).split('.') : value.split('.');
  for (const label of labels) if (!HOSTNAME_LABEL.test(label)) return false;
  return true;
}

function familyName(family: Family): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

function addressProblem(value: string, family: Family): string | null {
  if (family === 'ipv4' && isPlainIPv4Network(value)) return null;
  for (const element of value.split(',')) {
    if (element === '') return `\`${value}\` has an empty element`;
    const network = family === 'ipv4' ? parseIPv4Network(element) : parseIPv6Network(element);
    if (typeof network === 'string') return network;
    if (network !== null) continue;
    const [host, mask] = splitMask(element);
    if (!isHostname(host)) return `\`${host}\` is not an ${familyName(family)} address`;
    const maskProblem = family === 'ipv4' ? parseIPv4Mask(mask) : parseIPv6Mask(mask);
    if (typeof maskProblem === 'string') return maskProblem;
  }
  return null;
}

/** A numeric address, loose for IPv4 as `iprange` reads it. */
function numericAddressProblem(value: string, family: Family): string | null {
  const ok = family === 'ipv4' ? parseIPv4(value, true) !== null : parseIPv6(value) !== null;
  return ok ? null : `\`${value}\` is not an ${familyName(family)} address`;
}

function addressRangeProblem(value: string, family: Family): string | null {
  const dash = value.indexOf('-');
  if (dash < 0) return numericAddressProblem(value, family);
  return numericAddressProblem(value.slice(0, dash), family) ?? numericAddressProblem(value.slice(dash + 1), family);
}

/** DNAT/SNAT: `[addr[-addr]][:port[-port[/base]]]`, IPv6 bracketed when ports follow (`[::1]:80`). */
/** `a.b.c.d` or `a.b.c.d:port` in its plainest spelling, as kube-proxy and Docker write every DNAT: accepted without taking it apart. */
const PLAIN_IPV4_NAT_TARGET = new RegExp(String.raw`^${PLAIN_IPV4}(?::(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d\d|655[0-2]\d|6553[0-5]))?$`);

function natRangeProblem(value: string, family: Family): string | null {
  if (family === 'ipv4' && PLAIN_IPV4_NAT_TARGET.test(value)) return null;
  let addresses = value;
  let ports: string | null = null;
  if (value.startsWith('[')) {
    if (family === 'ipv4') return `\`${value}\`: brackets are only for IPv6 addresses`;
    const close = value.indexOf(']');
    if (close < 0) return `\`${value}\` lacks the closing \`]\``;
    addresses = value.slice(1, close);
    const rest = value.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `\`${value}\` has text after \`]\` that is not \`:ports\``;
      ports = rest.slice(1);
    }
  } else {
    const colon = value.indexOf(':');
    // As iptables decides: one colon separates ports, more make an IPv6 address.
    if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
      addresses = value.slice(0, colon);
      ports = value.slice(colon + 1);
    }
  }
  if (ports !== null) {
    const problem = natPortsProblem(ports);
    if (problem !== null) return problem;
  }
  if (addresses === '') return ports === null ? 'the address is missing' : null;
  const dash = addresses.indexOf('-');
  const parts = dash < 0 ? [addresses] : [addresses.slice(0, dash), addresses.slice(dash + 1)];
  for (const part of parts) {
    const ok = family === 'ipv4' ? parseStrictIPv4(part) !== null : parseIPv6(part) !== null;
    if (!ok) return `\`${part}\` is not an ${familyName(family)} address`;
  }
  return null;
}

/**
 * `port`, `port-port`, `port-port/base`. As in iptables, text that does not
 * start with a digit is one service name as a whole (`ftp-data`); after a
 * number, the last port must be a number and the base a number or name.
 */
function natPortsProblem(text: string): string | null {
  const leading = LEADING_NUMBER.exec(text);
  if (leading === null) return portProblem(text);
  const [, firstText, rest] = leading;
  const firstProblem = unsignedProblem(firstText, MAX_PORT, 'port');
  if (firstProblem !== null) return firstProblem;
  if (rest === '') return null;
  if (!rest.startsWith('-')) return `\`${text}\` is not a port or port range (port-port)`;
  const slash = rest.indexOf('/');
  const lastText = slash < 0 ? rest.slice(1) : rest.slice(1, slash);
  const lastProblem = unsignedProblem(lastText, MAX_PORT, 'port');
  if (lastProblem !== null) return lastProblem;
  const first = portValue(firstText) as number;
  const last = portValue(lastText) as number;
  if (last < first) return `port range ${first}-${last} is inverted: ${first} is above ${last}`;
  if (slash < 0) return null;
  const baseText = rest.slice(slash + 1);
  const baseProblem = portProblem(baseText);
  if (baseProblem !== null) return baseProblem;
  return portValue(baseText) === 0 ? 'base port 0 is out of range 1-65535' : null;
}

const LEADING_NUMBER = /^(0[xX][0-9a-fA-F]+|[0-9]+)(.*)$/s;

function markProblem(value: string): string | null {
  const slash = value.indexOf('/');
  const parts = slash < 0 ? [value] : [value.slice(0, slash), value.slice(slash + 1)];
  for (const part of parts) {
    const problem = unsignedProblem(part, MAX_U32, 'mark');
    if (problem !== null) return problem;
  }
  return null;
}

function intProblem(value: string): string | null {
  return unsignedProblem(value, MAX_U32, 'value');
}

const CT_STATES = new Set(['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT']);

function ctStatesProblem(value: string): string | null {
  for (const state of value.split(',')) {
    if (!CT_STATES.has(state.toUpperCase())) {
      return state === '' ? `\`${value}\` has an empty state` : `unknown connection state \`${state}\` (INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT)`;
    }
  }
  return null;
}

const ADDRESS_TYPES = [
  'UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE',
];

/** addrtype takes any prefix of a type name, in any case (`loc` is LOCAL). */
function addressTypeProblem(value: string): string | null {
  for (const type of value.split(',')) {
    const upper = type.toUpperCase();
    if (upper === '' || !ADDRESS_TYPES.some((name) => name.startsWith(upper))) {
      return type === '' ? `\`${value}\` has an empty type` : `unknown address type \`${type}\` (${ADDRESS_TYPES.join(', ')})`;
    }
  }
  return null;
}

const TCP_FLAGS = new Set(['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH', 'ALL', 'NONE']);

function tcpFlagsProblem(value: string): string | null {
  // iptables skips empty elements (`SYN,` is SYN).
  for (const flag of value.split(',')) {
    if (flag !== '' && !TCP_FLAGS.has(flag.toUpperCase())) return `unknown TCP flag \`${flag}\` (SYN ACK FIN RST URG PSH ALL NONE)`;
  }
  return null;
}

const RATE_UNITS = ['second', 'minute', 'hour', 'day'];
const RATE_PATTERN = /^([0-9]+)([kmg]?b)?(?:\/(.*))?$/i;

/** `10/sec`, `5/minute`, `3/h`, a bare count per second, or hashlimit's byte rates (`4kb/s`). */
function rateProblem(value: string): string | null {
  const match = RATE_PATTERN.exec(value);
  if (match === null) return `\`${value}\` is not a rate (number/second, /minute, /hour or /day)`;
  const unit = match[3];
  if (unit !== undefined && (unit === '' || !RATE_UNITS.some((name) => name.startsWith(unit.toLowerCase())))) {
    return `\`${value}\`: unknown time unit \`${unit}\` (second, minute, hour, day or a prefix)`;
  }
  if (match[2] === undefined && Number(match[1]) === 0) return `rate ${value} is zero`;
  return null;
}

function protocolProblem(value: string): string | null {
  if (protocolNumber(value) !== null) return null;
  if (NUMBER_SHAPE.test(value)) return unsignedProblem(value, 255, 'protocol');
  return `unknown protocol \`${value}\``;
}

function interfaceProblem(value: string): string | null {
  if (value === '') return 'the interface name is empty';
  if (value.length > 15) return `interface name \`${value}\` is ${value.length} characters; the kernel allows 15`;
  return null;
}

const ICMP_TYPE_NAMES = [
  'any', 'echo-reply', 'pong', 'destination-unreachable', 'network-unreachable', 'host-unreachable',
  'protocol-unreachable', 'port-unreachable', 'fragmentation-needed', 'source-route-failed',
  'network-unknown', 'host-unknown', 'network-prohibited', 'host-prohibited', 'tos-network-unreachable',
  'tos-host-unreachable', 'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff',
  'source-quench', 'redirect', 'network-redirect', 'host-redirect', 'tos-network-redirect',
  'tos-host-redirect', 'echo-request', 'ping', 'router-advertisement', 'router-solicitation',
  'time-exceeded', 'ttl-exceeded', 'ttl-zero-during-transit', 'ttl-zero-during-reassembly',
  'parameter-problem', 'ip-header-bad', 'required-option-missing', 'timestamp-request',
  'timestamp-reply', 'address-mask-request', 'address-mask-reply',
];

const ICMPV6_TYPE_NAMES = [
  'destination-unreachable', 'no-route', 'communication-prohibited', 'beyond-scope',
  'address-unreachable', 'port-unreachable', 'failed-policy', 'reject-route', 'packet-too-big',
  'time-exceeded', 'ttl-exceeded', 'ttl-zero-during-transit', 'ttl-zero-during-reassembly',
  'parameter-problem', 'bad-header', 'unknown-header-type', 'unknown-option', 'echo-request', 'ping',
  'echo-reply', 'pong', 'router-solicitation', 'router-advertisement', 'neighbour-solicitation',
  'neighbor-solicitation', 'neighbour-advertisement', 'neighbor-advertisement', 'redirect',
  // iptables 1.8.10 and later.
  'mld-listener-query', 'mld-listener-report', 'mld-listener-done', 'mld-listener-reduction',
];

const NUMERIC_ICMP = /^([^/]+)(?:\/([^:]+)(?::(.+))?)?$/;

/** A type name (any unambiguous prefix, any case) or `type[/code[:code]]` with numbers up to 255. */
function icmpTypeProblem(value: string, names: readonly string[], label: string): string | null {
  const numeric = NUMERIC_ICMP.exec(value);
  if (numeric !== null && /^[0-9]/.test(numeric[1])) {
    for (const part of numeric.slice(1)) {
      if (part !== undefined && parseUnsigned(part, 255) === null) return `\`${value}\` is not an ${label} type: numbers go up to 255`;
    }
    return null;
  }
  const lower = value.toLowerCase();
  if (names.includes(lower)) return null;
  const candidates = names.filter((name) => name.startsWith(lower));
  if (lower !== '' && candidates.length === 1) return null;
  if (candidates.length > 1) return `\`${value}\` is ambiguous: ${candidates.slice(0, 3).join(', ')}`;
  return `unknown ${label} type \`${value}\``;
}

const LENIENT_CHOICES: ChoiceRules = { list: true, ignoreCase: true };

function choiceProblem(value: string, choices: readonly string[] | undefined, rules: ChoiceRules): string | null {
  if (choices === undefined) return null;
  const words = rules.list ? value.split(',') : [value];
  for (const word of words) {
    const wanted = rules.ignoreCase ? word.toLowerCase() : word;
    const found = choices.some((choice) => {
      const candidate = rules.ignoreCase ? choice.toLowerCase() : choice;
      return candidate === wanted || (rules.prefixes === true && wanted !== '' && candidate.startsWith(wanted));
    });
    if (!found) {
      const shown = choices.length > 12 ? `${choices.slice(0, 12).join(', ')}, …` : choices.join(', ');
      return word === '' ? `\`${value}\` has an empty element` : `\`${word}\` is not one of ${shown}`;
    }
  }
  return null;
}

/**
 * Checks one argument against its kind. Returns a message in the user's terms
 * (`port 65536 is out of range 0-65535`) or null when iptables would accept
 * it. Host names and service names are accepted by their shape, since
 * iptables resolves them on the machine that loads the rules.
 */
export function validateValue(
  kind: ValueKind,
  value: string,
  family: Family,
  choices?: string[],
  rules: ChoiceRules = LENIENT_CHOICES,
): string | null {
  switch (kind) {
    case 'string':
      return null;
    case 'int':
      return intProblem(value);
    case 'port':
      return portProblem(value);
    case 'port-range':
      return portRangeProblem(value);
    case 'port-list':
      return portListProblem(value);
    case 'address':
      return addressProblem(value, family);
    case 'address-range':
      return addressRangeProblem(value, family);
    case 'mark':
      return markProblem(value);
    case 'ct-states':
      return ctStatesProblem(value);
    case 'interface':
      return interfaceProblem(value);
    case 'protocol':
      return protocolProblem(value);
    case 'icmp-type':
      return icmpTypeProblem(value, ICMP_TYPE_NAMES, 'ICMP');
    case 'icmpv6-type':
      return icmpTypeProblem(value, ICMPV6_TYPE_NAMES, 'ICMPv6');
    case 'tcp-flags':
      return tcpFlagsProblem(value);
    case 'rate':
      return rateProblem(value);
    case 'address-type':
      return addressTypeProblem(value);
    case 'nat-range':
      return natRangeProblem(value, family);
    case 'choice':
      return choiceProblem(value, choices, rules);
    case 'mac':
      return MAC_ADDRESS.test(value) ? null : `\`${value}\` is not a MAC address (six hex bytes separated by colons)`;
  }
}

const MAC_ADDRESS = /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/;
