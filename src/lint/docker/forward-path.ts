import type { Chain, Family, Match, Parameter, Rule, Table, Target } from '../../ast';
import { canonicalProtocol, parseUnsigned } from '../../parser/values';
import { parsePrefix, prefixContains, prefixesOverlap, type Prefix } from './addresses';

/**
 * A small evaluator for one question: which verdicts can a packet described only in part meet on
 * its way through a chain? Matches it cannot decide (conntrack beyond the state, addrtype, ipset,
 * marks, an address or port the packet leaves open) count as "may match", and both ways are
 * followed, so a verdict that hangs on an unknown match is reported as possible, never ignored.
 */

/** One interface, or any interface but the listed ones. */
export type InterfaceSet = { readonly name: string } | { readonly except: readonly string[] };

/** Somewhere inside the prefixes, or somewhere outside all of them. */
export type AddressSet = { readonly within: readonly Prefix[] } | { readonly outside: readonly Prefix[] };

export type ConnectionState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

/** What is known of the packet; a field left out may hold anything. */
export interface PacketSpec {
  family: Family;
  inInterface?: InterfaceSet;
  outInterface?: InterfaceSet;
  source?: AddressSet;
  destination?: AddressSet;
  /** Canonical name as iptables-save prints it: tcp, udp, sctp. */
  protocol?: string;
  destinationPort?: number;
  state?: ConnectionState;
}

export interface Outcome {
  /**
   * ACCEPT, DROP, REJECT, MASQUERADE, DNAT …; the policy for a built-in chain's end; UNKNOWN for a
   * built-in chain without a policy or a chain loop; the target's own name for a target whose
   * effect this walk does not know.
   */
  verdict: string;
  /** The rule that gives the verdict; null when the chain's end (its policy) does. */
  rule: Rule | null;
  /** The chain holding the rule, or the built-in chain whose policy applies. */
  chain: Chain;
  /** The packet meets this verdict only if some match this walk cannot decide goes one way. */
  conditional: boolean;
  /** Whether the deciding rule's own matches certainly hold for the packet (the path to it may still be conditional). */
  ruleMatch: 'yes' | 'maybe';
}

export interface PathResult {
  /** Verdicts the packet may meet before `final`, in walk order. */
  possible: Outcome[];
  /** The verdict the packet meets when every undecidable match goes against it: the certain end of the walk. */
  final: Outcome;
}

type Tristate = 'yes' | 'no' | 'maybe';

/** Verdicts that stop a packet for good. */
export const DROPPING_VERDICTS: ReadonlySet<string> = new Set(['DROP', 'REJECT']);

const TERMINATING_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'QUEUE', 'NFQUEUE', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'SYNPROXY', 'TPROXY']);

/** Targets that act on the packet or log it and let it go on to the next rule. */
const CONTINUING_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TRACE', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'TCPMSS',
  'TCPOPTSTRIP', 'CHECKSUM', 'SECMARK', 'CONNSECMARK', 'AUDIT', 'SET', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'HMARK', 'ECN',
]);

/** A RETURN (or falling off the end) in a summary: back to whoever jumped here. */
const RETURN = 'RETURN';

/** The walk from the FORWARD chain of a filter table; null when the table has no FORWARD. */
export function traceForward(filter: Table, packet: PacketSpec): PathResult | null {
  return tracePath(filter, 'FORWARD', packet);
}

/** The walk from a built-in chain of any table; null when the table lacks it. */
export function tracePath(table: Table, start: string, packet: PacketSpec): PathResult | null {
  const chains = chainsOf(table);
  const startChain = chains.get(start);
  if (startChain === undefined) return null;
  const summary = new PathWalker(chains, packet).summarize(startChain);
  const chainEnd = (conditional: boolean): Outcome => ({
    verdict: startChain.builtin ? (startChain.policy ?? 'UNKNOWN') : RETURN,
    rule: null,
    chain: startChain,
    conditional,
    ruleMatch: 'yes',
  });
  return {
    possible: summary.outcomes.map((outcome) => (outcome.verdict === RETURN ? chainEnd(true) : outcome)),
    final: summary.end === RETURN ? chainEnd(false) : summary.end,
  };
}

/** "line 12 (`-A FORWARD -i a -j ACCEPT`)" or "the FORWARD policy ACCEPT (line 3)", for messages. */
export function describeOutcome(outcome: Outcome): string {
  const { rule, chain } = outcome;
  if (rule !== null) return `line ${rule.line} (\`${rule.raw.trim()}\`)`;
  if (!chain.builtin) return outcome.verdict === 'UNKNOWN' ? `the chain loop through ${chain.name} (line ${chain.line})` : `the end of ${chain.name} (line ${chain.line})`;
  if (chain.policy === null) return `the end of ${chain.name}, whose policy the dump does not give (line ${chain.line})`;
  return `the ${chain.name} policy ${chain.policy} (line ${chain.line})`;
}

/** "line 12 (`…`) accepts it", "… may accept it", for messages about traffic that gets through where it should not. */
export function describePassage(outcome: Outcome, object: string): string {
  const where = describeOutcome(outcome);
  const may = outcome.conditional;
  if (outcome.verdict === 'ACCEPT') return `${where} ${may ? 'may accept' : 'accepts'} ${object}`;
  if (outcome.verdict === 'UNKNOWN') return `${where} ${may ? 'may decide' : 'decides'} ${object} in a way this check cannot follow`;
  return `${where} ${may ? 'may hand' : 'hands'} ${object} to ${outcome.verdict}`;
}

/** The line a finding about an outcome points at. */
export function outcomeLine(outcome: Outcome): number {
  return outcome.rule?.line ?? outcome.chain.line;
}

const chainMaps = new WeakMap<Table, ReadonlyMap<string, Chain>>();

/** Name → chain, built once per table however many walks ask. */
export function chainsOf(table: Table): ReadonlyMap<string, Chain> {
  let chains = chainMaps.get(table);
  if (chains === undefined) {
    chains = new Map(table.chains.map((chain) => [chain.name, chain]));
    chainMaps.set(table, chains);
  }
  return chains;
}

/** What a chain does to the packet, seen from a jump to it. */
interface ChainSummary {
  /** Verdicts met on conditional branches, RETURN meaning "back to the caller". */
  outcomes: Outcome[];
  /** How the certain branch ends. */
  end: Outcome | typeof RETURN;
}

type TargetAction = { kind: 'verdict' } | { kind: 'return' } | { kind: 'continue' } | { kind: 'unknown' } | { kind: 'chain'; chain: Chain };

/**
 * Walks each chain at most once per packet: a chain's summary does not depend on who jumped to it,
 * so the whole walk costs one pass over the rules it reaches.
 */
class PathWalker {
  private readonly summaries = new Map<string, ChainSummary>();
  private readonly walking = new Set<string>();

  constructor(
    private readonly chains: ReadonlyMap<string, Chain>,
    private readonly packet: PacketSpec,
  ) {}

  summarize(chain: Chain): ChainSummary {
    const known = this.summaries.get(chain.name);
    if (known !== undefined) return known;
    if (this.walking.has(chain.name)) {
      // iptables refuses loops; if one is here anyway, anything may happen, including coming back.
      return { outcomes: [{ verdict: 'UNKNOWN', rule: null, chain, conditional: true, ruleMatch: 'maybe' }], end: RETURN };
    }
    this.walking.add(chain.name);
    const summary = this.walk(chain);
    this.walking.delete(chain.name);
    this.summaries.set(chain.name, summary);
    return summary;
  }

  private walk(chain: Chain): ChainSummary {
    const family = this.packet.family;
    const outcomes: Outcome[] = [];
    // Once a jump's certain branch ended in a verdict but the chain may also come back, the rest of
    // this chain is walked as a conditional branch, and `end` holds the certain one.
    let certain = true;
    let end: Outcome | typeof RETURN = RETURN;
    const returnOutcome = (rule: Rule | null, ruleMatch: 'yes' | 'maybe'): Outcome => ({ verdict: RETURN, rule, chain, conditional: true, ruleMatch });

    for (const rule of chain.rules) {
      if (rule.onlyFamily !== null && rule.onlyFamily !== family) continue;
      const target = rule.target;
      if (target === null) continue;
      const action = this.actionOf(target);
      if (action.kind === 'continue') continue;
      const match = matchRule(rule, this.packet);
      if (match === 'no') continue;
      const conditional = !certain || match === 'maybe';
      // On a conditional branch, a rule that certainly matches ends that branch.
      const endsBranch = !certain && match === 'yes';

      if (action.kind === 'verdict' || action.kind === 'return') {
        const outcome: Outcome = action.kind === 'return' ? returnOutcome(rule, match) : { verdict: target.name, rule, chain, conditional, ruleMatch: match };
        if (!conditional) return { outcomes, end: action.kind === 'return' ? RETURN : outcome };
        outcomes.push(outcome);
        if (endsBranch) return { outcomes, end };
        continue;
      }
      if (action.kind === 'unknown') {
        outcomes.push({ verdict: target.name, rule, chain, conditional: true, ruleMatch: match });
        continue;
      }

      const isGoto = target.kind === 'goto';
      const called = this.summarize(action.chain);
      let mayComeBack = false;
      for (const outcome of called.outcomes) {
        if (outcome.verdict === RETURN) {
          // A goto's chain returning means this chain returns; a jump's means going on here.
          if (isGoto) outcomes.push(outcome);
          else mayComeBack = true;
          continue;
        }
        // Summaries hold only conditional outcomes, so they stay conditional here.
        outcomes.push(outcome);
      }
      if (called.end === RETURN) {
        if (!isGoto) continue;
        if (!conditional) return { outcomes, end: RETURN };
        outcomes.push(returnOutcome(rule, match));
        if (endsBranch) return { outcomes, end };
        continue;
      }
      const calledEnd = called.end;
      if (conditional) {
        outcomes.push({ ...calledEnd, conditional: true });
        if (endsBranch && (isGoto || !mayComeBack)) return { outcomes, end };
        continue;
      }
      if (isGoto || !mayComeBack) return { outcomes, end: calledEnd };
      certain = false;
      end = calledEnd;
    }
    if (certain) return { outcomes, end: RETURN };
    outcomes.push(returnOutcome(null, 'yes'));
    return { outcomes, end };
  }

  private actionOf(target: Target): TargetAction {
    const chain = this.chains.get(target.name);
    if (chain !== undefined && !chain.builtin) return { kind: 'chain', chain };
    if (target.kind === 'goto') return { kind: 'unknown' };
    if (target.name === RETURN) return { kind: 'return' };
    if (TERMINATING_TARGETS.has(target.name)) return { kind: 'verdict' };
    if (CONTINUING_TARGETS.has(target.name)) return { kind: 'continue' };
    return { kind: 'unknown' };
  }
}

/** Parameters first: they are cheap, and most rules fail on an interface before their matches are built. */
function matchRule(rule: Rule, packet: PacketSpec): Tristate {
  if (rule.unsupportedRevision) return 'maybe';
  let result: Tristate = 'yes';
  for (const parameter of rule.parameters) {
    const matched = matchParameter(parameter, packet);
    if (matched === 'no') return 'no';
    if (matched === 'maybe') result = 'maybe';
  }
  for (const match of rule.matches) {
    const matched = matchExtension(match, packet);
    if (matched === 'no') return 'no';
    if (matched === 'maybe') result = 'maybe';
  }
  return result;
}

function negate(result: Tristate, negated: boolean): Tristate {
  if (!negated || result === 'maybe') return result;
  return result === 'yes' ? 'no' : 'yes';
}

function matchParameter(parameter: Parameter, packet: PacketSpec): Tristate {
  const value = parameter.value;
  switch (parameter.name) {
    case 'in-interface':
      return negate(matchInterface(value ?? '', packet.inInterface), parameter.negated);
    case 'out-interface':
      return negate(matchInterface(value ?? '', packet.outInterface), parameter.negated);
    case 'source':
    case 'destination': {
      const set = parameter.name === 'source' ? packet.source : packet.destination;
      // A comma list stands for one rule per element: the packet matches if it matches any.
      let result: Tristate = 'no';
      for (const element of (value ?? '').split(',')) {
        const matched = negate(matchAddress(element, set, packet.family), parameter.negated);
        if (matched === 'yes') return 'yes';
        if (matched === 'maybe') result = 'maybe';
      }
      return result;
    }
    case 'protocol':
      return negate(matchProtocol(value ?? '', packet), parameter.negated);
    case 'fragment':
      return 'maybe';
  }
}

/** `eth+` matches every name that starts with `eth`; `+` alone matches every interface. */
export function matchInterface(pattern: string, set: InterfaceSet | undefined): Tristate {
  const wildcard = pattern.endsWith('+');
  const stem = wildcard ? pattern.slice(0, -1) : pattern;
  if (wildcard && stem === '') return 'yes';
  if (set === undefined) return 'maybe';
  if ('name' in set) return (wildcard ? set.name.startsWith(stem) : set.name === stem) ? 'yes' : 'no';
  return !wildcard && set.except.includes(stem) ? 'no' : 'maybe';
}

function matchAddress(text: string, set: AddressSet | undefined, family: Family): Tristate {
  const prefix = parsePrefix(text, family);
  if (prefix === null) return 'maybe';
  if (prefix.length === 0) return 'yes';
  if (set === undefined) return 'maybe';
  if ('within' in set) {
    if (set.within.length === 0) return 'maybe';
    if (set.within.every((inner) => prefixContains(prefix, inner))) return 'yes';
    if (set.within.every((inner) => !prefixesOverlap(prefix, inner))) return 'no';
    return 'maybe';
  }
  return set.outside.some((outer) => prefixContains(outer, prefix)) ? 'no' : 'maybe';
}

function matchProtocol(value: string, packet: PacketSpec): Tristate {
  const protocol = canonicalProtocol(value, packet.family);
  if (protocol === 'all') return 'yes';
  if (packet.protocol === undefined) return 'maybe';
  return protocol === canonicalProtocol(packet.protocol, packet.family) ? 'yes' : 'no';
}

const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);

function matchExtension(match: Match, packet: PacketSpec): Tristate {
  if (!match.known) return 'maybe';
  if (match.module === 'comment') return 'yes';
  let result: Tristate = 'yes';
  for (const option of match.options) {
    const matched = negate(matchOption(match.module, option.name, option.values, packet), option.negated);
    if (matched === 'no') return 'no';
    if (matched === 'maybe') result = 'maybe';
  }
  return result;
}

function matchOption(module: string, option: string, values: readonly string[], packet: PacketSpec): Tristate {
  const value = values[0] ?? '';
  if ((module === 'conntrack' && option === 'ctstate') || (module === 'state' && option === 'state')) return matchState(value, packet.state);
  if (PORT_MODULES.has(module) && option === 'dport') return matchPorts(value, packet.destinationPort);
  if (module === 'multiport' && option === 'dports') return matchPorts(value, packet.destinationPort);
  return 'maybe';
}

function matchState(list: string, state: ConnectionState | undefined): Tristate {
  if (state === undefined) return 'maybe';
  const states = list.toUpperCase().split(',');
  if (states.includes(state)) return 'yes';
  // SNAT and DNAT are flags a connection carries on top of its state: a NAT'd NEW packet has them.
  return states.includes('SNAT') || states.includes('DNAT') ? 'maybe' : 'no';
}

/** `80`, `1024:2048`, or a multiport list of those; a service name is left undecided. */
function matchPorts(list: string, port: number | undefined): Tristate {
  if (port === undefined) return 'maybe';
  let result: Tristate = 'no';
  for (const element of list.split(',')) {
    const colon = element.indexOf(':');
    const first = colon < 0 ? parseUnsigned(element, 65535) : colon === 0 ? 0 : parseUnsigned(element.slice(0, colon), 65535);
    const last = colon < 0 ? first : colon === element.length - 1 ? 65535 : parseUnsigned(element.slice(colon + 1), 65535);
    if (first === null || last === null) {
      result = 'maybe';
      continue;
    }
    if (port >= first && port <= last) return 'yes';
  }
  return result;
}
