import type { Chain, Family, Rule } from '../ast';
import { LazyRule } from '../parser/lazy-rule';
import { allOnes, formatBits, maskedOverlap, parseMasked, type AddressSet, type MaskedAddress } from './addresses';
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
  /** The value of an unnegated `-d` as written: the rule matches only a destination in it. */
  destination: string | null;
}

const NO_KEYS: RuleKeys = { inInterface: null, outInterface: null, destination: null };

/*
 * The words before a rule's first match or target can only be a family prefix, the command, its
 * chain and rule number, and parameters: there `-d` is surely the rule's `-d`. One regular
 * expression checks that shape (and gives up on quotes, a value that starts like an option, or any
 * other word); reading a line this way costs a fraction of building the rule, or of a loop over its
 * characters before the loop is compiled, which is what a first trace meets.
 */
const PARAMETER_NAME = '(?:-[sdiop]|--source|--src|--destination|--dst|--in-interface|--out-interface|--protocol)';
const PARAMETER = `[ \\t]+(?:![ \\t]+)?(?:${PARAMETER_NAME}[ \\t]+[^ \\t"!\\-][^ \\t"]*|-f|--fragment)`;
const LEADING_PARAMETERS = new RegExp(
  `^(?:(?:-4|-6|--ipv4|--ipv6)[ \\t]+)*(?:-[AIRDC]|--append|--insert|--replace|--delete|--check)[ \\t]+[^ \\t"]+(?:[ \\t]+\\d+)?((?:${PARAMETER})*)(?:[ \\t]+(?:-m|--match|-j|--jump|-g|--goto)(?=[ \\t]|$)|[ \\t]*$)`,
);
/** `-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m …`: the shape of most lines of a big kube-proxy chain, read at half the cost. */
const DESTINATION_ONLY = /^-A [^ \t"]+ -d ([^ \t"!\-][^ \t"]*) (?:-p [^ \t"!\-][^ \t"]* )?(?:-m|-j|-g) /;

/** A parameter's value in the words LEADING_PARAMETERS gives, unless a `!` comes before it. */
const parameterValue = (names: string): RegExp => new RegExp(`(?<![ \\t]![ \\t]*)[ \\t](?:${names})[ \\t]+([^ \\t]+)`);
const DESTINATION = parameterValue('-d|--destination|--dst');
const IN_INTERFACE = parameterValue('-i|--in-interface');
const OUT_INTERFACE = parameterValue('-o|--out-interface');

/** The keys of a rule read from its line, without building its parameters and matches; no keys for an unusual line. */
export function keysFromLine(raw: string): RuleKeys {
  const serviceLike = DESTINATION_ONLY.exec(raw);
  if (serviceLike !== null) return { inInterface: null, outInterface: null, destination: serviceLike[1] };
  const leading = LEADING_PARAMETERS.exec(raw);
  if (leading === null || leading[1] === '') return NO_KEYS;
  const parameters = leading[1];
  // Each long spelling holds its short one: most lines need only the cheap search.
  const inInterface = parameters.includes('-i') ? IN_INTERFACE.exec(parameters) : null;
  const outInterface = parameters.includes('-o') ? OUT_INTERFACE.exec(parameters) : null;
  const destination = parameters.includes('-d') ? DESTINATION.exec(parameters) : null;
  if (inInterface === null && outInterface === null && destination === null) return NO_KEYS;
  return { inInterface: requiredInterface(inInterface?.[1]), outInterface: requiredInterface(outInterface?.[1]), destination: destination?.[1] ?? null };
}

function requiredInterface(value: string | undefined): string | null {
  return value === undefined || value.endsWith('+') ? null : value;
}

/** The keys of a rule: from its line when its details are not built yet, else from its parameters. */
export function ruleKeys(rule: Rule): RuleKeys {
  if (rule instanceof LazyRule) return keysFromLine(rule.raw);
  let inInterface: string | null = null;
  let outInterface: string | null = null;
  let destination: string | null = null;
  for (const parameter of rule.parameters) {
    if (parameter.negated || parameter.value === null) continue;
    if (parameter.name === 'in-interface') inInterface = requiredInterface(parameter.value);
    else if (parameter.name === 'out-interface') outInterface = requiredInterface(parameter.value);
    else if (parameter.name === 'destination') destination = parameter.value;
  }
  return { inInterface, outInterface, destination };
}

/** The networks of a `-d` value; null when one is a host name, which the tracer cannot resolve. */
export function destinationNetworks(value: string, family: Family): MaskedAddress[] | null {
  const networks: MaskedAddress[] = [];
  for (const element of value.split(',')) {
    const network = parseMasked(element, family);
    if (network === null) return null;
    networks.push(network);
  }
  return networks;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** One IPv4 host the way iptables-save prints it, and the way formatBits writes an address. */
const PLAIN_IPV4_HOST = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}(?:/32)?$`);

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
  /** Whether any rule requires an input (output) interface; when none does, the packet's tells nothing. */
  private readonly inRequired: boolean;
  private readonly outRequired: boolean;
  private byInInterface: PositionsByKey | null = null;
  private byOutInterface: PositionsByKey | null = null;
  /** Rules with no `-d` requirement, in chain order. */
  private readonly anyDestination: number[] = [];
  /** Rules whose `-d` is one IPv4 host as iptables-save prints it, by that text (`/32` or not): no address is read until asked for. */
  private readonly byHostText = new Map<string, number[]>();
  /** Rules with any other `-d`. */
  private readonly otherDestinations: number[] = [];
  private otherIndex: NetworkIndex | null = null;
  private hostIndex: NetworkIndex | null = null;
  private readonly networks: (readonly MaskedAddress[] | null | undefined)[];
  /** Candidates already worked out, by input interface, output interface and destination. */
  private readonly remembered = new Map<string, Map<string, Map<string, readonly number[]>>>();
  private rememberedCount = 0;

  constructor(
    readonly chain: Chain,
    private readonly family: Family,
  ) {
    this.keys = chain.rules.map(ruleKeys);
    this.networks = new Array(this.keys.length);
    let inRequired = false;
    let outRequired = false;
    for (let position = 0; position < this.keys.length; position++) {
      const keys = this.keys[position];
      if (keys.inInterface !== null) inRequired = true;
      if (keys.outInterface !== null) outRequired = true;
      const destination = keys.destination;
      if (destination === null) this.anyDestination.push(position);
      else if (family === 'ipv4' && PLAIN_IPV4_HOST.test(destination)) {
        const list = this.byHostText.get(destination);
        if (list === undefined) this.byHostText.set(destination, [position]);
        else list.push(position);
      } else this.otherDestinations.push(position);
    }
    this.inRequired = inRequired;
    this.outRequired = outRequired;
  }

  /** The positions, in chain order, of the rules that may match the packet; null for all of them. */
  candidates(flow: Flow): readonly number[] | null {
    // Only what some rule of the chain requires tells rules apart: the rest stays out of the key.
    const inName = this.inRequired ? interfaceKey(flow.inInterface) : undefined;
    const outName = this.outRequired ? interfaceKey(flow.outInterface) : undefined;
    const within = this.anyDestination.length < this.keys.length ? possibleNetworks(flow.destination) : undefined;
    if (inName === undefined && outName === undefined && within === undefined) return null;
    const byOut = nested(this.remembered, interfaceText(inName), () => new Map<string, Map<string, readonly number[]>>());
    const byDestination = nested(byOut, interfaceText(outName), () => new Map<string, readonly number[]>());
    const destinationText = within === undefined ? '' : networksText(within);
    let found = byDestination.get(destinationText);
    if (found === undefined) {
      found = this.compute(inName, outName, within);
      if (++this.rememberedCount > MAX_REMEMBERED_SHAPES) {
        this.remembered.clear();
        this.rememberedCount = 0;
      }
      byDestination.set(destinationText, found);
    }
    return found;
  }

  /** The rules that pass every requirement, gathered from whichever key leaves the fewest to check. */
  private compute(inName: string | null | undefined, outName: string | null | undefined, within: readonly MaskedAddress[] | undefined): readonly number[] {
    const gatherings: (readonly (readonly number[])[])[] = [];
    if (inName !== undefined) {
      this.byInInterface ??= new PositionsByKey(this.keys.map((keys) => keys.inInterface));
      gatherings.push(this.byInInterface.lists(inName));
    }
    if (outName !== undefined) {
      this.byOutInterface ??= new PositionsByKey(this.keys.map((keys) => keys.outInterface));
      gatherings.push(this.byOutInterface.lists(outName));
    }
    if (within !== undefined) gatherings.push(this.destinationLists(within));
    let smallest = gatherings[0];
    let smallestSize = Infinity;
    for (const lists of gatherings) {
      let size = 0;
      for (const list of lists) size += list.length;
      if (size < smallestSize) {
        smallest = lists;
        smallestSize = size;
      }
    }
    const result: number[] = [];
    for (const list of smallest) {
      for (const position of list) {
        const keys = this.keys[position];
        if (inName !== undefined && keys.inInterface !== null && keys.inInterface !== inName) continue;
        if (outName !== undefined && keys.outInterface !== null && keys.outInterface !== outName) continue;
        if (within !== undefined && keys.destination !== null) {
          const networks = this.networksAt(position);
          if (networks !== null && !networks.some((network) => within.some((element) => maskedOverlap(network, element)))) continue;
        }
        result.push(position);
      }
    }
    if (smallest.length === 1) return result;
    // Several lists: a rule with several -d networks may be in more than one.
    result.sort((a, b) => a - b);
    let kept = 0;
    for (let index = 0; index < result.length; index++) if (index === 0 || result[index] !== result[index - 1]) result[kept++] = result[index];
    result.length = kept;
    return result;
  }

  /** The rules whose `-d` may meet the destination, and those with none. */
  private destinationLists(within: readonly MaskedAddress[]): (readonly number[])[] {
    const lists: (readonly number[])[] = [this.anyDestination];
    this.otherIndex ??= new NetworkIndex(this.otherDestinations, (position) => this.networksAt(position));
    this.otherIndex.collect(within, lists);
    if (within.every((element) => element.family === 'ipv4' && element.mask === IPV4_HOST_MASK)) {
      for (const element of within) {
        const text = formatBits(element.bits, 'ipv4');
        for (const spelling of [text, `${text}/32`]) {
          const list = this.byHostText.get(spelling);
          if (list !== undefined) lists.push(list);
        }
      }
    } else {
      this.hostIndex ??= new NetworkIndex([...this.byHostText.values()].flat(), (position) => this.networksAt(position));
      this.hostIndex.collect(within, lists);
    }
    return lists;
  }

  private networksAt(position: number): readonly MaskedAddress[] | null {
    let networks = this.networks[position];
    if (networks === undefined) {
      networks = destinationNetworks(this.keys[position].destination!, this.family);
      this.networks[position] = networks;
    }
    return networks;
  }
}

const IPV4_HOST_MASK = allOnes('ipv4');

/** The one IPv4 host a rule's `-d` names, read from its line as the index does; null when it names anything else, or nothing. */
export function plainIPv4Destination(rule: Rule): string | null {
  const destination = ruleKeys(rule).destination;
  if (destination === null || !PLAIN_IPV4_HOST.test(destination)) return null;
  return destination.endsWith('/32') ? destination.slice(0, -3) : destination;
}

/** Rules by the networks of their `-d`: by each network's mask, then its bits. */
class NetworkIndex {
  private readonly byMask = new Map<bigint, Map<bigint, number[]>>();
  /** Rules whose `-d` names a host the tracer cannot resolve: any destination may match. */
  private readonly unreadable: number[] = [];

  constructor(positions: readonly number[], networksAt: (position: number) => readonly MaskedAddress[] | null) {
    for (const position of positions) {
      const networks = networksAt(position);
      if (networks === null) {
        this.unreadable.push(position);
        continue;
      }
      for (const network of networks) {
        let byBits = this.byMask.get(network.mask);
        if (byBits === undefined) {
          byBits = new Map();
          this.byMask.set(network.mask, byBits);
        }
        const list = byBits.get(network.bits);
        if (list === undefined) byBits.set(network.bits, [position]);
        else if (list[list.length - 1] !== position) list.push(position);
      }
    }
  }

  /** Adds the lists of rules whose networks may overlap one of `within`. */
  collect(within: readonly MaskedAddress[], lists: (readonly number[])[]): void {
    lists.push(this.unreadable);
    for (const [mask, byBits] of this.byMask) {
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
  }
}

/** Rule positions by the name a rule requires, and those that require none. */
class PositionsByKey {
  private readonly byValue = new Map<string, number[]>();
  private readonly unconstrained: number[] = [];

  constructor(values: readonly (string | null)[]) {
    values.forEach((value, position) => {
      if (value === null) {
        this.unconstrained.push(position);
        return;
      }
      const list = this.byValue.get(value);
      if (list === undefined) this.byValue.set(value, [position]);
      else list.push(position);
    });
  }

  /** The rules a packet with this value (null: none, which no requirement accepts) may pass. */
  lists(value: string | null): (readonly number[])[] {
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

function nested<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function interfaceText(name: string | null | undefined): string {
  return name === null ? '\u0001' : name === undefined ? '\u0002' : name;
}

/** The destination's possible networks, when it is a list of them (an empty list matches every `-d`). */
function possibleNetworks(set: AddressSet): readonly MaskedAddress[] | undefined {
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
