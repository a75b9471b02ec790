import type { Chain, Family, Rule } from '../ast';
import { LazyRule } from '../parser/lazy-rule';
import { maskedOverlap, parseMasked, type AddressSet, type MaskedAddress } from './addresses';
import type { Flow } from './flow';
import type { InterfaceValue } from './packet';

/**
 * What a rule requires of the packet's interfaces and destination, as far as a cheap reading tells.
 * Null means "nothing known": the rule may match any value there. A rule is never said to require
 * more than it does, so a packet that fails a requirement provably fails the rule.
 */
export interface RuleKeys {
  inInterface: string | null;
  outInterface: string | null;
  /** The networks of an unnegated `-d`: the rule matches only a destination in one of them. */
  destination: readonly MaskedAddress[] | null;
}

const NO_KEYS: RuleKeys = { inInterface: null, outInterface: null, destination: null };

const enum Field {
  Source,
  Destination,
  InInterface,
  OutInterface,
  Protocol,
  Fragment,
}

const FIELD_SPELLINGS: readonly (readonly [string, Field])[] = [
  ['-s', Field.Source], ['--source', Field.Source], ['--src', Field.Source],
  ['-d', Field.Destination], ['--destination', Field.Destination], ['--dst', Field.Destination],
  ['-i', Field.InInterface], ['--in-interface', Field.InInterface],
  ['-o', Field.OutInterface], ['--out-interface', Field.OutInterface],
  ['-p', Field.Protocol], ['--protocol', Field.Protocol],
  ['-f', Field.Fragment], ['--fragment', Field.Fragment],
];

const COMMANDS = ['-A', '--append', '-I', '--insert', '-R', '--replace', '-D', '--delete', '-C', '--check'];
const FAMILY_WORDS = ['-4', '--ipv4', '-6', '--ipv6'];
const END_OF_PARAMETERS = ['-m', '--match', '-j', '--jump', '-g', '--goto'];

/**
 * The keys of a rule read from its line, without building its parameters and matches (which costs
 * far more on a 100k-rule dump). Only the words before the first match or target are read: there a
 * word can only be a command, a family prefix or a parameter, so `-d` is surely the rule's `-d`.
 * Anything unusual (quotes, counters, a word not known) leaves the rule with no keys.
 */
export function keysFromLine(raw: string, family: Family): RuleKeys {
  const line = new LineWords(raw);
  if (!line.next()) return NO_KEYS;
  while (line.isOneOf(FAMILY_WORDS)) if (!line.next()) return NO_KEYS;
  if (!line.isOneOf(COMMANDS) || !line.next()) return NO_KEYS;
  // The chain, then the rule number of `-I CHAIN 3`.
  let more = line.next();
  if (more && line.isDigits()) more = line.next();
  let seen = 0;
  let inInterface: string | null = null;
  let outInterface: string | null = null;
  let destination: string | null = null;
  while (more) {
    if (line.isOneOf(END_OF_PARAMETERS)) break;
    let negated = false;
    if (line.is('!')) {
      negated = true;
      if (!line.next()) return NO_KEYS;
    }
    const field = line.field();
    if (field === null) return NO_KEYS;
    const bit = 1 << field;
    if ((seen & bit) !== 0) return NO_KEYS;
    seen |= bit;
    if (field === Field.Fragment) {
      more = line.next();
      continue;
    }
    // `-d ! 10.0.0.1` (the old spelling of a negation) or a value that is not one: nothing is required outright.
    if (!line.next() || line.startsWithBang()) return NO_KEYS;
    if (!negated && (field === Field.InInterface || field === Field.OutInterface || field === Field.Destination)) {
      const value = line.text();
      if (field === Field.InInterface) inInterface = value;
      else if (field === Field.OutInterface) outInterface = value;
      else destination = value;
    }
    more = line.next();
  }
  if (line.sawQuote) return NO_KEYS;
  if (inInterface === null && outInterface === null && destination === null) return NO_KEYS;
  return { inInterface: requiredInterface(inInterface), outInterface: requiredInterface(outInterface), destination: requiredNetworks(destination, family) };
}

/** A cursor over the blank-separated words of a line, compared in place: slicing and hashing each word costs more than the rest. */
class LineWords {
  private start = 0;
  private end = 0;
  /** A word read so far holds a quote, which may glue words together: the reading is unsure. */
  sawQuote = false;

  constructor(private readonly raw: string) {}

  next(): boolean {
    const raw = this.raw;
    const length = raw.length;
    let index = this.end;
    while (index < length && isBlank(raw.charCodeAt(index))) index++;
    if (index >= length) return false;
    this.start = index;
    while (index < length && !isBlank(raw.charCodeAt(index))) {
      if (raw.charCodeAt(index) === 34 /* " */) this.sawQuote = true;
      index++;
    }
    this.end = index;
    return true;
  }

  is(word: string): boolean {
    return this.end - this.start === word.length && this.raw.startsWith(word, this.start);
  }

  isOneOf(words: readonly string[]): boolean {
    for (const word of words) if (this.is(word)) return true;
    return false;
  }

  isDigits(): boolean {
    for (let index = this.start; index < this.end; index++) {
      const code = this.raw.charCodeAt(index);
      if (code < 48 || code > 57) return false;
    }
    return true;
  }

  startsWithBang(): boolean {
    return this.raw.charCodeAt(this.start) === 33;
  }

  field(): Field | null {
    if (this.raw.charCodeAt(this.start) !== 45 /* - */) return null;
    for (const [spelling, field] of FIELD_SPELLINGS) if (this.is(spelling)) return field;
    return null;
  }

  text(): string {
    return this.raw.slice(this.start, this.end);
  }
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function requiredInterface(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.endsWith('+') ? null : value;
}

function requiredNetworks(value: string | null | undefined, family: Family): MaskedAddress[] | null {
  if (value === null || value === undefined) return null;
  const networks: MaskedAddress[] = [];
  for (const element of value.includes(',') ? value.split(',') : [value]) {
    const network = (family === 'ipv4' ? plainIPv4Network(element) : null) ?? parseMasked(element, family);
    // A host name: the tracer cannot tell what it matches.
    if (network === null) return null;
    networks.push(network);
  }
  return networks;
}

const IPV4_PREFIX_MASKS = Array.from({ length: 33 }, (_, length) => (length === 0 ? 0n : ((0xffffffffn >> BigInt(32 - length)) << BigInt(32 - length))));

/**
 * `10.96.0.1/32` as iptables-save prints it, read without the general parser's detours; null for
 * any other spelling, which parseMasked reads. Both read this form the same.
 */
function plainIPv4Network(text: string): MaskedAddress | null {
  const length = text.length;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let index = 0;
  for (; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      if (digits === 1 && octet === 0) return null;
      octet = octet * 10 + (code - 48);
      if (++digits > 3 || octet > 255) return null;
    } else break;
  }
  if (dots !== 3 || digits === 0) return null;
  value = value * 256 + octet;
  let prefix = 32;
  if (index < length) {
    if (text.charCodeAt(index) !== 47 /* / */ || index + 1 >= length || length - index - 1 > 2) return null;
    prefix = 0;
    for (let at = index + 1; at < length; at++) {
      const code = text.charCodeAt(at);
      if (code < 48 || code > 57) return null;
      prefix = prefix * 10 + (code - 48);
    }
    if (prefix > 32) return null;
  }
  const mask = IPV4_PREFIX_MASKS[prefix];
  return { family: 'ipv4', bits: BigInt(value) & mask, mask };
}

/** The keys of a rule: from its line when its details are not built yet, else from its parameters. */
export function ruleKeys(rule: Rule, family: Family): RuleKeys {
  if (rule instanceof LazyRule) return keysFromLine(rule.raw, family);
  let inInterface: string | null = null;
  let outInterface: string | null = null;
  let destination: MaskedAddress[] | null = null;
  for (const parameter of rule.parameters) {
    if (parameter.negated || parameter.value === null) continue;
    if (parameter.name === 'in-interface') inInterface = requiredInterface(parameter.value);
    else if (parameter.name === 'out-interface') outInterface = requiredInterface(parameter.value);
    else if (parameter.name === 'destination') destination = requiredNetworks(parameter.value, family);
  }
  return { inInterface, outInterface, destination };
}

/** Chains shorter than this are walked rule by rule: an index would not pay for itself. */
export const INDEXED_CHAIN_LENGTH = 32;

/** How many packet shapes a chain remembers its candidates for before it starts over. */
const MAX_REMEMBERED_SHAPES = 4096;

/**
 * The rules of one chain that a packet can match, found without testing each: Docker's chains hold
 * a few rules per bridge and a packet meets only its bridges' rules; kube-proxy's KUBE-SERVICES
 * holds one rule per service address and a packet meets only its own. The answer is exact in the
 * one direction that matters: every rule left out provably fails the packet.
 */
export class ChainIndex {
  private readonly keys: RuleKeys[];
  private readonly byInInterface = new PositionsByKey<string>();
  private readonly byOutInterface = new PositionsByKey<string>();
  /** Rules with a `-d`, by the mask of each of its networks and then the network's bits. */
  private readonly byDestination = new Map<bigint, Map<bigint, number[]>>();
  /** Rules with no `-d` requirement, in chain order. */
  private readonly anyDestination: number[] = [];
  private readonly remembered = new Map<string, readonly number[]>();

  constructor(readonly chain: Chain, family: Family) {
    this.keys = chain.rules.map((rule) => ruleKeys(rule, family));
    this.keys.forEach((keys, position) => {
      this.byInInterface.add(keys.inInterface, position);
      this.byOutInterface.add(keys.outInterface, position);
      if (keys.destination === null) {
        this.anyDestination.push(position);
        return;
      }
      for (const network of keys.destination) {
        let byBits = this.byDestination.get(network.mask);
        if (byBits === undefined) {
          byBits = new Map();
          this.byDestination.set(network.mask, byBits);
        }
        const list = byBits.get(network.bits);
        if (list === undefined) byBits.set(network.bits, [position]);
        else if (list[list.length - 1] !== position) list.push(position);
      }
    });
  }

  /** The positions, in chain order, of the rules that may match the packet; null for all of them. */
  candidates(flow: Flow): readonly number[] | null {
    const inName = interfaceKey(flow.inInterface);
    const outName = interfaceKey(flow.outInterface);
    const within = destinationNetworks(flow.destination);
    if (inName === undefined && outName === undefined && within === undefined) return null;
    const shape = `${interfaceText(inName)}\u0000${interfaceText(outName)}\u0000${within === undefined ? '' : networksText(within)}`;
    let found = this.remembered.get(shape);
    if (found === undefined) {
      found = this.compute(inName, outName, within);
      if (this.remembered.size >= MAX_REMEMBERED_SHAPES) this.remembered.clear();
      this.remembered.set(shape, found);
    }
    return found;
  }

  /** The rules that pass every requirement, gathered from whichever key leaves the fewest to check. */
  private compute(inName: string | null | undefined, outName: string | null | undefined, within: readonly MaskedAddress[] | undefined): readonly number[] {
    const gatherings: (readonly (readonly number[])[])[] = [];
    if (inName !== undefined) gatherings.push(this.byInInterface.lists(inName));
    if (outName !== undefined) gatherings.push(this.byOutInterface.lists(outName));
    if (within !== undefined) gatherings.push(this.destinationLists(within));
    let smallest = gatherings[0];
    let smallestSize = Infinity;
    for (const lists of gatherings) {
      const size = lists.reduce((total, list) => total + list.length, 0);
      if (size < smallestSize) {
        smallest = lists;
        smallestSize = size;
      }
    }
    const positions = new Set<number>();
    for (const list of smallest) for (const position of list) positions.add(position);
    const result: number[] = [];
    for (const position of positions) {
      const keys = this.keys[position];
      if (inName !== undefined && keys.inInterface !== null && keys.inInterface !== inName) continue;
      if (outName !== undefined && keys.outInterface !== null && keys.outInterface !== outName) continue;
      if (within !== undefined && keys.destination !== null && !keys.destination.some((network) => within.some((element) => maskedOverlap(network, element)))) continue;
      result.push(position);
    }
    return result.sort((a, b) => a - b);
  }

  /** The rules whose `-d` may meet the destination, and those with none. */
  private destinationLists(within: readonly MaskedAddress[]): (readonly number[])[] {
    const lists: (readonly number[])[] = [this.anyDestination];
    for (const [mask, byBits] of this.byDestination) {
      // A network overlaps an element that fixes all its bits only when they agree on those bits.
      if (within.every((element) => (element.mask & mask) === mask)) {
        for (const element of within) {
          const list = byBits.get(element.bits & mask);
          if (list !== undefined) lists.push(list);
        }
      } else {
        for (const list of byBits.values()) lists.push(list);
      }
    }
    return lists;
  }
}

/** Rule positions by the value a rule requires, and those that require none. */
class PositionsByKey<K> {
  private readonly byValue = new Map<K, number[]>();
  private readonly unconstrained: number[] = [];

  add(value: K | null, position: number): void {
    if (value === null) {
      this.unconstrained.push(position);
      return;
    }
    const list = this.byValue.get(value);
    if (list === undefined) this.byValue.set(value, [position]);
    else list.push(position);
  }

  /** The rules a packet with this value (null: none, which no requirement accepts) may pass. */
  lists(value: K | null): (readonly number[])[] {
    const matching = value === null ? undefined : this.byValue.get(value);
    return matching === undefined ? [this.unconstrained] : [this.unconstrained, matching];
  }
}

/**
 * The interface a packet is known to use, for comparing with what rules require: its name, or null
 * for none (no rule requiring a name matches it); undefined when it may be several.
 */
function interfaceKey(value: InterfaceValue | null | undefined): string | null | undefined {
  if (value === null) return null;
  if (value === undefined || !('name' in value)) return undefined;
  return value.name;
}

function interfaceText(name: string | null | undefined): string {
  return name === null ? '\u0001' : name === undefined ? '\u0002' : name;
}

/** The destination's possible networks, when it is a list of them (an empty list matches every `-d`). */
function destinationNetworks(set: AddressSet): readonly MaskedAddress[] | undefined {
  const within = set.within;
  return within === null || within.length === 0 ? undefined : within;
}

const networkTexts = new WeakMap<readonly MaskedAddress[], string>();

/** A list of networks as text, kept with the list: the branches and traces of a run share their address sets. */
function networksText(networks: readonly MaskedAddress[]): string {
  let text = networkTexts.get(networks);
  if (text === undefined) {
    text = networks.map((network) => `${network.bits}/${network.mask}`).join(',');
    networkTexts.set(networks, text);
  }
  return text;
}

const indexes = new WeakMap<Chain, ChainIndex>();

/** A long chain's index, built the first time a packet enters it; null for a short chain. */
export function chainIndex(chain: Chain, family: Family): ChainIndex | null {
  if (chain.rules.length < INDEXED_CHAIN_LENGTH) return null;
  let index = indexes.get(chain);
  if (index === undefined || index.chain.rules.length !== chain.rules.length) {
    index = new ChainIndex(chain, family);
    indexes.set(chain, index);
  }
  return index;
}
