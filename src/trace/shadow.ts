import type { Chain, Family, Match, Rule, Target } from '../ast';
import { canonicalProtocol, parseUnsigned } from '../parser/values';
import { printRuleSpec } from '../printer';
import { allOnes, maskedIntersection, maskedOverlap, parseMasked, type MaskedAddress } from './addresses';
import { parseIcmpType } from './icmp';
import { plainIPv4Destination } from './rule-index';

/**
 * Which rules of a chain no packet reaches, because earlier rules of the chain already give every
 * packet they could match a verdict. A rule's match is modelled as a box of packets, one set per
 * field; the rule is covered when subtracting the boxes of the earlier deciding rules leaves
 * nothing. A match outside the model never lets a rule cover another (its packets are fewer than
 * its box says), but a covered rule may have one: it matches a subset of its box.
 */

/** Sorted, disjoint, inclusive integer ranges: ports, ICMP type·256+code, and atoms of names. */
type Ranges = readonly (readonly [number, number])[];

interface Box {
  source: readonly MaskedAddress[];
  destination: readonly MaskedAddress[];
  /** Indexed by Field. */
  fields: readonly Ranges[];
}

const enum Field {
  InInterface,
  OutInterface,
  Protocol,
  SourcePort,
  DestinationPort,
  Icmp,
  State,
  /** 0: a packet with its transport header (unfragmented or first fragment), 1: a later fragment. */
  Fragment,
}
const FIELD_COUNT = 8;

const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);

/** Targets that end the packet's walk through the chain. Jumps and gotos may come back or leave for a chain that returns: they cover nothing. */
const DECIDING_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

export interface Cover {
  /** The earlier rules that take some of its packets, in chain order. */
  by: Rule[];
  /** Every one of them gives the verdict the covered rule would: it is redundant rather than shadowed. */
  sameVerdict: boolean;
}

/** Too many pieces left over, or cut too often: the analysis gives up on the rule (and reports nothing) rather than take long. */
const MAX_PIECES = 4096;
const MAX_WORK = 50_000;
/**
 * Earlier rules weighed against later ones in one chain, at most. Rules that no index tells apart
 * (thousands that differ only in a source port, say) are each weighed against every earlier one;
 * past this the analysis stops at that rule, so that lint stays linear, and reports the covered
 * rules it found before.
 */
const MAX_CHAIN_CANDIDATES = 2_000_000;

const analysed = new WeakMap<Chain, Map<Rule, Cover>>();

/**
 * The covered rules of a chain, with what covers them. `families`: the families the chain is
 * restored in; a rule is covered only when it is in each family it exists in. Rules after a rule
 * with no conditions at all are left out: IPT2005 reports those.
 */
export function coveredRules(chain: Chain, families: readonly Family[]): Map<Rule, Cover> {
  // Targets are known without building a rule's matches: most chains of a big dump stop here, and
  // telling again costs less than remembering tens of thousands of chains.
  if (!families.some((family) => canCover(chain.rules, family))) return new Map();
  let result = analysed.get(chain);
  if (result !== undefined) return result;
  result = new Map();
  const perFamily = families.map((family) => analyseFamily(chain, family));
  if (perFamily.every((covers) => covers.size === 0)) {
    analysed.set(chain, result);
    return result;
  }
  for (const rule of chain.rules) {
    const own = families.map((family, index) => ({ family, cover: perFamily[index].get(rule) })).filter((entry) => rule.onlyFamily === null || rule.onlyFamily === entry.family);
    if (own.length === 0 || own.some((entry) => entry.cover === undefined)) continue;
    const covers = own.map((entry) => entry.cover as FamilyCover);
    if (covers.every((cover) => cover.afterCatchAll)) continue;
    const by = [...new Set(covers.flatMap((cover) => cover.by))].sort((a, b) => a.position - b.position);
    if (by.some((coverer) => isCopy(coverer, rule, families[0]))) continue;
    result.set(rule, { by, sameVerdict: verdictOf(rule) !== null && by.every((coverer) => verdictOf(coverer) === verdictOf(rule)) });
  }
  analysed.set(chain, result);
  return result;
}

/** The same rule again, which IPT2004 reports. */
function isCopy(earlier: Rule, later: Rule, family: Family): boolean {
  return earlier.onlyFamily === later.onlyFamily && printRuleSpec(earlier, family) === printRuleSpec(later, family);
}

/** The verdict a rule gives, for telling "same verdict" apart; null when it does not end the chain. */
function verdictOf(rule: Rule): string | null {
  const target = rule.target;
  if (!isDeciding(target)) return null;
  if (target!.options.length === 0 || target!.name === 'REJECT') return target!.name;
  return `${target!.name} ${target!.options.map((option) => `${option.name}=${option.values.join(',')}`).join(' ')}`;
}

function isDeciding(target: Target | null): boolean {
  return target !== null && target.kind === 'jump' && (target.type === 'standard' || target.type === 'extension') && DECIDING_TARGETS.has(target.name);
}

interface FamilyCover {
  by: Rule[];
  afterCatchAll: boolean;
}

interface Coverer {
  rule: Rule;
  order: number;
  box: Box;
}

const NOTHING_COVERED: ReadonlyMap<Rule, FamilyCover> = new Map();

function analyseFamily(chain: Chain, family: Family): ReadonlyMap<Rule, FamilyCover> {
  if (!canCover(chain.rules, family)) return NOTHING_COVERED;
  const rules = meetingRules(chain.rules.filter((rule) => rule.onlyFamily === null || rule.onlyFamily === family), family);
  const atoms = new Atoms(rules, family);
  const index = new CovererIndex();
  const result = new Map<Rule, FamilyCover>();
  let catchAllSeen = false;
  let weighed = 0;
  for (let order = 0; order < rules.length; order++) {
    const rule = rules[order];
    // Until a rule can decide packets, no later rule is covered, and only deciding rules need a box.
    if (index.isEmpty() && !isDeciding(rule.target) && rule.target?.kind !== 'goto') continue;
    const { box, complete } = boxOf(rule, family, atoms);
    if (isEmptyBox(box)) continue;
    let by: Rule[] | null = null;
    if (!index.isEmpty()) {
      const candidates = index.candidates(box);
      // A box is not covered when its packets between one in- and one out-interface to one port
      // are not: on a Docker host's FORWARD chain, or its nat DOCKER chain, that is told from the
      // few rules about that bridge and port rather than from the whole chain.
      const probe = index.probe(box, atoms.otherInterface);
      const probeSize = sizeOf(probe.candidates);
      const probeFirst = probeSize < sizeOf(candidates);
      weighed += probeFirst ? probeSize : 0;
      if (weighed > MAX_CHAIN_CANDIDATES) break;
      if (!probeFirst || cover(probe.part(), probe.candidates) !== null) {
        weighed += sizeOf(candidates);
        if (weighed > MAX_CHAIN_CANDIDATES) break;
        by = cover(box, candidates);
      }
    }
    if (by !== null) result.set(rule, { by, afterCatchAll: catchAllSeen });
    if (complete && isDeciding(rule.target)) {
      index.add({ rule, order, box });
      if (rule.target!.name !== 'NETMAP' && rule.matches.every((match) => match.module === 'comment') && isFullBox(box, atoms.domains)) catchAllSeen = true;
    }
    // IPT2005's catch-alls (its targets, and a goto) hide the rules after them from this analysis: IPT2005 reports those.
    if (complete && rule.target?.kind === 'goto' && rule.matches.every((match) => match.module === 'comment') && isFullBox(box, atoms.domains)) catchAllSeen = true;
  }
  return result;
}

/**
 * The rules that can cover or be covered at all. When every rule's `-d` is one IPv4 host, rules
 * about different hosts never meet, and a rule alone with its host is left out: kube-proxy's
 * filter KUBE-SERVICES holds a thousand such rules, whose matches then need not be built.
 */
function meetingRules(rules: readonly Rule[], family: Family): readonly Rule[] {
  if (family !== 'ipv4') return rules;
  const hosts: string[] = [];
  const count = new Map<string, number>();
  for (const rule of rules) {
    const host = plainIPv4Destination(rule);
    if (host === null) return rules;
    hosts.push(host);
    count.set(host, (count.get(host) ?? 0) + 1);
  }
  return rules.filter((_, index) => count.get(hosts[index])! > 1);
}

/** Whether some rule of the family, before the family's last, ends the chain for the packets it matches. */
function canCover(rules: readonly Rule[], family: Family): boolean {
  let last = rules.length - 1;
  while (last >= 0 && rules[last].onlyFamily !== null && rules[last].onlyFamily !== family) last--;
  for (let index = 0; index < last; index++) {
    const rule = rules[index];
    if ((rule.onlyFamily === null || rule.onlyFamily === family) && isDeciding(rule.target)) return true;
  }
  return false;
}

function sizeOf(lists: readonly (readonly Coverer[])[]): number {
  let size = 0;
  for (const list of lists) size += list.length;
  return size;
}

/** The earlier rules that take a piece of `box`, when together they take all of it; null otherwise. */
function cover(box: Box, candidates: readonly (readonly Coverer[])[]): Rule[] | null {
  const meeting: Coverer[] = [];
  for (const list of candidates) for (const candidate of list) if (intersects(box, candidate.box)) meeting.push(candidate);
  meeting.sort((a, b) => a.order - b.order);
  if (meeting.length === 0 || !projectionsCovered(box, meeting)) return null;
  let pieces: Box[] = [box];
  let work = 0;
  const used: Rule[] = [];
  for (const candidate of meeting) {
    if (!pieces.some((piece) => intersects(piece, candidate.box))) continue;
    used.push(candidate.rule);
    pieces = pieces.flatMap((piece) => subtract(piece, candidate.box));
    if (pieces.length === 0) return used;
    work += pieces.length + pieces.reduce((cubes, piece) => cubes + piece.source.length + piece.destination.length, 0);
    if (pieces.length > MAX_PIECES || work > MAX_WORK) return null;
  }
  return null;
}

/**
 * Whether, field by field, the rules together span what the box holds: needed for them to cover it,
 * and cheap to tell. Most rules that are not covered fail here, before any box is cut.
 */
function projectionsCovered(box: Box, coverers: readonly Coverer[]): boolean {
  for (let field = 0; field < FIELD_COUNT; field++) {
    let left = box.fields[field];
    for (const coverer of coverers) {
      left = rangesMinus(left, coverer.box.fields[field]);
      if (left.length === 0) break;
    }
    if (left.length > 0) return false;
  }
  return true;
}

// Boxes

function isEmptyBox(box: Box): boolean {
  return box.source.length === 0 || box.destination.length === 0 || box.fields.some((ranges) => ranges.length === 0);
}

function isFullBox(box: Box, domains: readonly Ranges[]): boolean {
  const fullAddress = (cubes: readonly MaskedAddress[]): boolean => cubes.length === 1 && cubes[0].mask === 0n;
  const fullField = (ranges: Ranges, field: number): boolean => ranges.length === 1 && ranges[0][0] === domains[field][0][0] && ranges[0][1] === domains[field][0][1];
  return fullAddress(box.source) && fullAddress(box.destination) && box.fields.every(fullField);
}

/** The fields that most often tell two rules apart come first. */
const FIELDS_BY_SELECTIVITY = [Field.DestinationPort, Field.Protocol, Field.InInterface, Field.OutInterface, Field.State, Field.SourcePort, Field.Icmp, Field.Fragment];

function intersects(a: Box, b: Box): boolean {
  for (const field of FIELDS_BY_SELECTIVITY) if (!rangesOverlap(a.fields[field], b.fields[field])) return false;
  return cubesOverlap(a.source, b.source) && cubesOverlap(a.destination, b.destination);
}

/** `a` without `b`, as disjoint boxes: per field, the part of `a` outside `b` there and inside `b` in the fields before. */
function subtract(a: Box, b: Box): Box[] {
  if (!intersects(a, b)) return [a];
  const result: Box[] = [];
  const fields = [...a.fields];
  let source = a.source;
  let destination = a.destination;
  for (let field = 0; field < FIELD_COUNT; field++) {
    const outside = rangesMinus(fields[field], b.fields[field]);
    if (outside.length > 0) {
      const copy = [...fields];
      copy[field] = outside;
      result.push({ source, destination, fields: copy });
    }
    fields[field] = rangesIntersect(fields[field], b.fields[field]);
  }
  const sourceOutside = cubesMinus(source, b.source);
  if (sourceOutside.length > 0) result.push({ source: sourceOutside, destination, fields });
  source = cubesIntersect(source, b.source);
  const destinationOutside = cubesMinus(destination, b.destination);
  if (destinationOutside.length > 0) result.push({ source, destination: destinationOutside, fields });
  return result;
}

// Ranges

const FULL_PORTS: Ranges = [[0, 65535]];

function rangesOverlap(a: Ranges, b: Ranges): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

function rangesIntersect(a: Ranges, b: Ranges): Ranges {
  const result: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const low = Math.max(a[i][0], b[j][0]);
    const high = Math.min(a[i][1], b[j][1]);
    if (low <= high) result.push([low, high]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return result;
}

function rangesMinus(a: Ranges, b: Ranges): Ranges {
  const result: [number, number][] = [];
  for (const [first, last] of a) {
    let low = first;
    for (const [bFirst, bLast] of b) {
      if (bLast < low || bFirst > last) continue;
      if (bFirst > low) result.push([low, bFirst - 1]);
      low = bLast + 1;
      if (low > last) break;
    }
    if (low <= last) result.push([low, last]);
  }
  return result;
}

function rangesOf(values: number[]): Ranges {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const result: [number, number][] = [];
  for (const value of sorted) {
    const last = result[result.length - 1];
    if (last !== undefined && last[1] + 1 === value) last[1] = value;
    else result.push([value, value]);
  }
  return result;
}

function normalize(ranges: [number, number][]): Ranges {
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  const result: [number, number][] = [];
  for (const [first, last] of sorted) {
    const previous = result[result.length - 1];
    if (previous !== undefined && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
    else result.push([first, last]);
  }
  return result;
}

// Address cubes: a mask fixes some bits, any mask (non-contiguous ones too)

function cubesOverlap(a: readonly MaskedAddress[], b: readonly MaskedAddress[]): boolean {
  return a.some((x) => b.some((y) => maskedOverlap(x, y)));
}

function cubesIntersect(a: readonly MaskedAddress[], b: readonly MaskedAddress[]): MaskedAddress[] {
  const result: MaskedAddress[] = [];
  for (const x of a) for (const y of b) {
    const both = maskedIntersection(x, y);
    if (both !== null) result.push(both);
  }
  return result;
}

function cubesMinus(a: readonly MaskedAddress[], b: readonly MaskedAddress[]): MaskedAddress[] {
  let pieces = [...a];
  for (const y of b) pieces = pieces.flatMap((x) => cubeMinus(x, y));
  return pieces;
}

/** `a` without `b`: one piece per bit `b` fixes and `a` leaves free, each differing from `b` in that bit. */
function cubeMinus(a: MaskedAddress, b: MaskedAddress): MaskedAddress[] {
  if (!maskedOverlap(a, b)) return [a];
  const result: MaskedAddress[] = [];
  let current = a;
  let free = b.mask & ~a.mask;
  while (free !== 0n) {
    const bit = free & -free;
    free ^= bit;
    result.push({ family: a.family, bits: current.bits | (~b.bits & bit), mask: current.mask | bit });
    current = { family: a.family, bits: current.bits | (b.bits & bit), mask: current.mask | bit };
  }
  return result;
}

function disjointUnion(cubes: MaskedAddress[]): MaskedAddress[] {
  const result: MaskedAddress[] = [];
  for (const cube of cubes) result.push(...cubesMinus([cube], result));
  return result;
}

// Names: interfaces and protocols become atoms, one per name and per wildcard stem the chain uses

class Atoms {
  private readonly names = new Map<string, number>();
  private readonly stems = new Map<string, number>();
  private readonly protocols = new Map<string, number>();
  readonly interfaceDomain: Ranges;
  /** The atom of the interface names no pattern of the chain picks out. */
  readonly otherInterface: number;
  readonly protocolDomain: Ranges;
  /** The extent of each field, indexed by Field. */
  readonly domains: readonly Ranges[];

  constructor(rules: readonly Rule[], family: Family) {
    const names = new Set<string>();
    const stems = new Set<string>();
    const protocols = new Set<string>();
    for (const rule of rules) {
      for (const parameter of rule.parameters) {
        const value = parameter.value ?? '';
        if (parameter.name === 'in-interface' || parameter.name === 'out-interface') {
          if (value.endsWith('+')) stems.add(value.slice(0, -1));
          else names.add(value);
        } else if (parameter.name === 'protocol') protocols.add(canonicalProtocol(value, family));
      }
    }
    stems.delete('');
    protocols.delete('all');
    let next = 0;
    for (const name of names) this.names.set(name, next++);
    for (const stem of stems) this.stems.set(stem, next++);
    // One more atom for the names no pattern picks out; atoms are never known to be empty, which only makes covering harder.
    this.interfaceDomain = [[0, next]];
    this.otherInterface = next;
    let protocol = 0;
    for (const name of protocols) this.protocols.set(name, protocol++);
    this.protocolDomain = [[0, protocol]];
    this.domains = [this.interfaceDomain, this.interfaceDomain, this.protocolDomain, FULL_PORTS, FULL_PORTS, FULL_PORTS, [[0, STATES.length - 1]], [[0, 1]]];
  }

  interfacePattern(pattern: string): Ranges {
    if (!pattern.endsWith('+')) return rangesOf([this.names.get(pattern)!]);
    const stem = pattern.slice(0, -1);
    if (stem === '') return this.interfaceDomain;
    const ids: number[] = [];
    for (const [name, id] of this.names) if (name.startsWith(stem)) ids.push(id);
    for (const [other, id] of this.stems) if (other.startsWith(stem)) ids.push(id);
    return rangesOf(ids);
  }

  protocol(name: string): Ranges {
    return name === 'all' ? this.protocolDomain : rangesOf([this.protocols.get(name)!]);
  }
}

// A rule's box

interface Modelled {
  box: Box;
  /** Every test of the rule is in the box: the box is exactly its packets. */
  complete: boolean;
}

function boxOf(rule: Rule, family: Family, atoms: Atoms): Modelled {
  const fields: Ranges[] = [...atoms.domains];
  let source: MaskedAddress[] = [{ family, bits: 0n, mask: 0n }];
  let destination: MaskedAddress[] = [{ family, bits: 0n, mask: 0n }];
  let complete = !rule.unsupportedRevision;
  const restrict = (field: Field, ranges: Ranges, negated: boolean): void => {
    fields[field] = rangesIntersect(fields[field], negated ? rangesMinus(atoms.domains[field], ranges) : ranges);
  };
  for (const parameter of rule.parameters) {
    const value = parameter.value ?? '';
    switch (parameter.name) {
      case 'source':
      case 'destination': {
        const nets = value.split(',').map((text) => parseMasked(text, family));
        if (nets.some((net) => net === null)) {
          complete = false;
          break;
        }
        let set = disjointUnion(nets as MaskedAddress[]);
        if (parameter.negated) set = cubesMinus([{ family, bits: 0n, mask: 0n }], set);
        if (parameter.name === 'source') source = cubesIntersect(source, set);
        else destination = cubesIntersect(destination, set);
        break;
      }
      case 'in-interface':
      case 'out-interface':
        restrict(parameter.name === 'in-interface' ? Field.InInterface : Field.OutInterface, atoms.interfacePattern(value), parameter.negated);
        break;
      case 'protocol':
        restrict(Field.Protocol, atoms.protocol(canonicalProtocol(value, family)), parameter.negated);
        break;
      case 'fragment':
        restrict(Field.Fragment, [[1, 1]], parameter.negated);
        break;
    }
  }
  for (const match of rule.matches) {
    if (match.module === 'comment') continue;
    if (!modelMatch(match, family, restrict)) complete = false;
  }
  return { box: { source, destination, fields }, complete };
}

type Restrict = (field: Field, ranges: Ranges, negated: boolean) => void;

/** Narrows the box by the match's options; false when some option is outside the model (the box then holds more than the match). */
function modelMatch(match: Match, family: Family, restrict: Restrict): boolean {
  if (!match.known) return false;
  let modelled = true;
  for (const option of match.options) {
    const value = option.values[0] ?? '';
    const ports = (field: Field): void => {
      const ranges = parsePorts(value);
      if (ranges === null) modelled = false;
      else {
        restrict(field, ranges, option.negated);
        // Only a packet with its transport header has ports: a later fragment never matches.
        restrict(Field.Fragment, [[0, 0]], false);
      }
    };
    if (PORT_MODULES.has(match.module) && (option.name === 'dport' || option.name === 'sport')) ports(option.name === 'dport' ? Field.DestinationPort : Field.SourcePort);
    else if (match.module === 'multiport' && (option.name === 'dports' || option.name === 'sports')) ports(option.name === 'dports' ? Field.DestinationPort : Field.SourcePort);
    else if ((match.module === 'icmp' && option.name === 'icmp-type') || (match.module === 'icmp6' && option.name === 'icmpv6-type')) {
      const range = parseIcmpType(value, family);
      if (range === null) modelled = false;
      else {
        const ranges: Ranges = range.type === 'any' ? FULL_PORTS : [[range.type * 256 + range.codeMin, range.type * 256 + range.codeMax]];
        restrict(Field.Icmp, ranges, option.negated);
        restrict(Field.Fragment, [[0, 0]], false);
      }
    } else if ((match.module === 'state' && option.name === 'state') || (match.module === 'conntrack' && option.name === 'ctstate')) {
      const states = value.toUpperCase().split(',').map((state) => STATES.indexOf(state));
      // DNAT and SNAT are not states of their own but facts about the connection.
      if (states.some((state) => state < 0)) modelled = false;
      else restrict(Field.State, rangesOf(states), option.negated);
    } else modelled = false;
  }
  return modelled;
}

/** A port, a range or a multiport list; null for a service name. */
function parsePorts(text: string): Ranges | null {
  const ranges: [number, number][] = [];
  for (const element of text.split(',')) {
    const colon = element.indexOf(':');
    const first = colon < 0 ? parseUnsigned(element, 65535) : colon === 0 ? 0 : parseUnsigned(element.slice(0, colon), 65535);
    const last = colon < 0 ? first : colon === element.length - 1 ? 65535 : parseUnsigned(element.slice(colon + 1), 65535);
    if (first === null || last === null) return null;
    if (first <= last) ranges.push([first, last]);
  }
  return normalize(ranges);
}

// Finding the earlier rules that can meet a box without looking at all of them

/** Prefix lengths at which addresses are bucketed. */
const LEVELS = [8, 16, 24, 32];

/**
 * Earlier rules bucketed by the leading bits their address fixes, at a few prefix lengths, so that
 * a rule about one host meets the rules about its /8, /16, /24 and itself, and the rules fixing no
 * such bits, instead of the whole chain.
 */
class AddressIndex {
  /** Rules whose address fixes the first LEVELS[i] bits (and not the next level's). */
  private readonly exact = LEVELS.map(() => new Map<bigint, Coverer[]>());
  /** Rules registered at a deeper level, under each shorter prefix of their address. */
  private readonly deeper = LEVELS.map(() => new Map<bigint, Coverer[]>());
  private readonly wide: Coverer[] = [];

  constructor(private readonly pick: (box: Box) => readonly MaskedAddress[]) {}

  add(coverer: Coverer): void {
    const place = placeOf(this.pick(coverer.box));
    if (place === null) {
      this.wide.push(coverer);
      return;
    }
    appendTo(this.exact[place.level], place.prefix(LEVELS[place.level]), coverer);
    for (let level = 0; level < place.level; level++) appendTo(this.deeper[level], place.prefix(LEVELS[level]), coverer);
  }

  /** The rules that may meet the box's addresses, unordered; null when the box fixes too few bits to use the index. */
  candidates(box: Box): Coverer[][] | null {
    const place = placeOf(this.pick(box));
    if (place === null) return null;
    const lists: Coverer[][] = [this.wide];
    for (let level = 0; level <= place.level; level++) {
      const bucket = this.exact[level].get(place.prefix(LEVELS[level]));
      if (bucket !== undefined) lists.push(bucket);
    }
    const below = this.deeper[place.level].get(place.prefix(LEVELS[place.level]));
    if (below !== undefined) lists.push(below);
    return lists;
  }
}

function appendTo(map: Map<bigint, Coverer[]>, key: bigint, coverer: Coverer): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [coverer]);
  else list.push(coverer);
}

/** The deepest level whose leading bits one cube fixes, and its prefixes; null for several cubes or fewer than 8 fixed bits. */
const places = new WeakMap<readonly MaskedAddress[], Place | null>();

interface Place {
  level: number;
  prefix: (length: number) => bigint;
}

function placeOf(cubes: readonly MaskedAddress[]): Place | null {
  let place = places.get(cubes);
  if (place === undefined) {
    place = computePlace(cubes);
    places.set(cubes, place);
  }
  return place;
}

function computePlace(cubes: readonly MaskedAddress[]): Place | null {
  if (cubes.length !== 1) return null;
  const cube = cubes[0];
  const width = cube.family === 'ipv4' ? 32 : 128;
  let fixed = 0;
  if (cube.family === 'ipv4') fixed = Math.clz32(~Number(cube.mask) >>> 0);
  else while (fixed < width && (cube.mask >> BigInt(width - 1 - fixed)) & 1n) fixed++;
  let level = -1;
  while (level + 1 < LEVELS.length && LEVELS[level + 1] <= fixed) level++;
  if (level < 0) return null;
  return { level, prefix: (length) => (cube.bits >> BigInt(width - length)) };
}

/** Earlier deciding rules, indexed by source, destination and a single destination port. */
class CovererIndex {
  private readonly all: Coverer[] = [];
  private readonly sources = new AddressIndex((box) => box.source);
  private readonly destinations = new AddressIndex((box) => box.destination);
  private readonly ports = new Map<number, Coverer[]>();
  private readonly widePorts: Coverer[] = [];
  /** By in-interface atom, out-interface atom and destination port (see `probeKey`). */
  private readonly byProbeKey = new Map<string, Coverer[]>();

  isEmpty(): boolean {
    return this.all.length === 0;
  }

  add(coverer: Coverer): void {
    this.all.push(coverer);
    this.sources.add(coverer);
    this.destinations.add(coverer);
    const port = singlePort(coverer.box);
    if (port === null) this.widePorts.push(coverer);
    else {
      const list = this.ports.get(port);
      if (list === undefined) this.ports.set(port, [coverer]);
      else list.push(coverer);
    }
    const fields = coverer.box.fields;
    const key = probeKey(single(fields[Field.InInterface]) ?? WIDE, single(fields[Field.OutInterface]) ?? WIDE, single(fields[Field.DestinationPort]) ?? WIDE);
    const list = this.byProbeKey.get(key);
    if (list === undefined) this.byProbeKey.set(key, [coverer]);
    else list.push(coverer);
  }

  /**
   * A part of `box` with one in-interface, one out-interface and one destination port (made when
   * asked for), and the earlier rules that may meet it: those about exactly these, or about more
   * than one in any of the three. The atom of unnamed interfaces is taken where the box holds it,
   * since only rules about many interfaces hold it too.
   */
  probe(box: Box, otherInterface: number): { part: () => Box; candidates: Coverer[][] } {
    const inAtom = probeAtom(box.fields[Field.InInterface], otherInterface);
    const outAtom = probeAtom(box.fields[Field.OutInterface], otherInterface);
    const port = box.fields[Field.DestinationPort][0][0];
    const candidates: Coverer[][] = [];
    for (const inKey of [inAtom, WIDE]) {
      for (const outKey of [outAtom, WIDE]) {
        for (const portKey of [port, WIDE]) {
          const list = this.byProbeKey.get(probeKey(inKey, outKey, portKey));
          if (list !== undefined) candidates.push(list);
        }
      }
    }
    const part = (): Box => {
      const fields = [...box.fields];
      fields[Field.InInterface] = [[inAtom, inAtom]];
      fields[Field.OutInterface] = [[outAtom, outAtom]];
      fields[Field.DestinationPort] = [[port, port]];
      return { source: box.source, destination: box.destination, fields };
    };
    return { part, candidates };
  }

  /** The earlier rules that may meet `box`, in no particular order. */
  candidates(box: Box): readonly (readonly Coverer[])[] {
    const port = singlePort(box);
    const options = [this.sources.candidates(box), this.destinations.candidates(box), port === null ? null : [this.ports.get(port) ?? [], this.widePorts]];
    let best: Coverer[][] | null = null;
    let bestSize = this.all.length;
    for (const lists of options) {
      if (lists === null) continue;
      const size = lists.reduce((total, list) => total + list.length, 0);
      if (size < bestSize) {
        best = lists;
        bestSize = size;
      }
    }
    return best ?? [this.all];
  }
}

const WIDE = -1;

/** The value of a field that holds one, as atoms and ports do in rules about one bridge or one port. */
function single(ranges: Ranges): number | null {
  return ranges.length === 1 && ranges[0][0] === ranges[0][1] ? ranges[0][0] : null;
}

function probeKey(inInterface: number, outInterface: number, port: number): string {
  return `${inInterface} ${outInterface} ${port}`;
}

function probeAtom(ranges: Ranges, otherInterface: number): number {
  const last = ranges[ranges.length - 1];
  return last[1] === otherInterface ? otherInterface : ranges[0][0];
}

function singlePort(box: Box): number | null {
  return single(box.fields[Field.DestinationPort]);
}

/** The families a chain's rules are restored in: both when any line of it carries a `-4`/`-6` prefix. */
export function chainFamilies(chain: Chain, family: Family): Family[] {
  for (const rule of chain.rules) if (rule.onlyFamily !== null) return ['ipv4', 'ipv6'];
  return [family];
}
