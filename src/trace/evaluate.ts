import type { Chain, ExtensionOption, Family, Rule, Ruleset, Table, TableName } from '../ast';
import { parsedChainsByName } from '../parser/parse-dump';
import { parseUnsigned } from '../parser/values';
import { allOnes, exactly, formatMasked, maskedContains, maskedOverlap, parseHostAddress, parseMasked, singleAddress, type AddressSet, type MaskedAddress } from './addresses';
import { copyFlow, type Flow, type MatchHost } from './flow';
import { isLocal, matchRule, parseMark, type UnknownTest } from './match';
import type { HostModel, InterfaceValue, Packet } from './packet';
import { chainIndex } from './rule-index';

/** A match the tracer could not decide, and which way this outcome assumes it went. */
export type Condition =
  | { kind: 'rule'; table: TableName; chain: string; rule: Rule; holds: boolean; why: string[] }
  | { kind: 'routing'; holds: boolean; text: string };

/** One thing that happened to the packet, in order: what `-j TRACE` would log, and more. */
export type Step =
  | { kind: 'hook'; hook: Hook }
  | { kind: 'chain'; table: TableName; chain: Chain; resumed?: boolean }
  | { kind: 'rule'; table: TableName; chain: Chain; rule: Rule; assumed: boolean }
  | { kind: 'policy'; table: TableName; chain: Chain; verdict: string }
  /** A NAT rule changed an address, or (rule null) conntrack undid the NAT of an existing connection. */
  | { kind: 'rewrite'; table: TableName; rule: Rule | null; what: 'destination' | 'source'; from: string; to: string }
  | { kind: 'routing'; local: boolean; outInterface: InterfaceValue | null | undefined; note: string };

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** The rule (or chain policy) that gave a table's verdict. */
export interface Decision {
  table: TableName;
  chain: Chain;
  /** Null when the chain's policy decided. */
  rule: Rule | null;
  verdict: string;
}

export type Delivery = 'host' | 'forwarded' | 'sent';

export interface TraceOutcome {
  verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'UNKNOWN';
  /** For ACCEPT: delivered to the host, forwarded, or (a packet the host sent) sent out. */
  delivery?: Delivery;
  /** What decided: the dropping rule, the filter table's accepting rule or policy, the rule the tracer could not follow. */
  decidedBy: Decision | null;
  /** For UNKNOWN: why the tracer cannot tell. */
  reason?: string;
  /** Empty when the outcome is certain; otherwise the undecided matches it assumes. */
  conditions: Condition[];
  steps: Step[];
  /** The packet as it leaves, after NAT. */
  final: Flow;
  /** Set by connection checks: this outcome is what happened to the connection's answer. */
  answer?: boolean;
}

export interface TraceResult {
  packet: Packet;
  outcomes: TraceOutcome[];
  /** Assumptions the answer rests on, for people to check. */
  assumptions: string[];
}

export interface TraceOptions {
  /** Branches explored before the tracer gives up on the rest (default 4096). */
  maxBranches?: number;
  /**
   * Only the verdicts matter (reach, policy checks): POSTROUTING tables that can only accept are
   * not walked, so the path and the final packet lack their NAT.
   */
  verdictsOnly?: boolean;
}

/** The tables a hook runs, in netfilter priority order. NAT only sees a connection's first packet. */
const HOOK_TABLES: Record<Hook, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

const MAX_DEPTH = 64;

/** Targets that act on the packet or log it and let it go on to the next rule. */
const CONTINUING_TARGETS = new Set([
  'LOG', 'NFLOG', 'ULOG', 'TRACE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'HL', 'TCPMSS', 'TCPOPTSTRIP', 'CHECKSUM',
  'SECMARK', 'CONNSECMARK', 'SET', 'IDLETIMER', 'LED', 'RATEEST', 'TEE', 'ECN', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'HMARK',
]);

const NAT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

type List<T> = { value: T; previous: List<T> } | null;

function push<T>(list: List<T>, value: T): List<T> {
  return { value, previous: list };
}

function toArray<T>(list: List<T>): T[] {
  const result: T[] = [];
  for (let node = list; node !== null; node = node.previous) result.push(node.value);
  return result.reverse();
}

interface Branch {
  flow: Flow;
  steps: List<Step>;
  conditions: List<Condition>;
  decision: Decision | null;
  /** The answers assumed so far for matches that always answer the same (UnknownTest.key). */
  facts: List<readonly [string, boolean]>;
}

// Branches are made with every field written out: a spread with a changed field costs ten times more.

function withStep(branch: Branch, step: Step): Branch {
  return { flow: branch.flow, steps: push(branch.steps, step), conditions: branch.conditions, decision: branch.decision, facts: branch.facts };
}

function withFlow(branch: Branch, flow: Flow): Branch {
  return { flow, steps: branch.steps, conditions: branch.conditions, decision: branch.decision, facts: branch.facts };
}

function withDecision(branch: Branch, decision: Decision | null): Branch {
  return { flow: branch.flow, steps: branch.steps, conditions: branch.conditions, decision, facts: branch.facts };
}

function factOf(facts: List<readonly [string, boolean]>, key: string): boolean | undefined {
  for (let node = facts; node !== null; node = node.previous) if (node.value[0] === key) return node.value[1];
  return undefined;
}

type TableVerdict =
  | { kind: 'accept'; decision: Decision }
  | { kind: 'drop' | 'reject'; decision: Decision }
  | { kind: 'unknown'; decision: Decision | null; reason: string };

interface Frame {
  chain: Chain;
  /** The indexes of the rules that can match the packet's interfaces, or null for all of them. */
  order: readonly number[] | null;
  position: number;
}

/** The rules of a chain that can match the packet, or null for all of them. */
function ruleOrder(chain: Chain, flow: Flow, family: Family): readonly number[] | null {
  return chainIndex(chain, family)?.candidates(flow) ?? null;
}

type ChainsByName = ReadonlyMap<string, Chain>;

const chainMaps = new WeakMap<Table, { count: number; chains: ChainsByName }>();

/** A table's chains by name, shared by every trace through the table. */
function chainsByName(table: Table): ChainsByName {
  let entry = chainMaps.get(table);
  // A table is not changed once parsed; the count only guards against a caller who adds chains.
  if (entry === undefined || entry.count !== table.chains.length) {
    const parsed = parsedChainsByName(table);
    if (parsed !== undefined && parsed.size === table.chains.length) {
      entry = { count: table.chains.length, chains: parsed };
      chainMaps.set(table, entry);
      return parsed;
    }
    // Set one by one: kube-proxy's nat table holds tens of thousands of chains, and a pair per chain costs as much again.
    const chains = new Map<string, Chain>();
    for (const chain of table.chains) chains.set(chain.name, chain);
    entry = { count: table.chains.length, chains };
    chainMaps.set(table, entry);
  }
  return entry.chains;
}

/** The address the host sends from, per host model and output interface: sets are not changed once made, so traces share them and what is known of them. */
const outInterfaceAddresses = new WeakMap<HostModel, Map<string, AddressSet>>();

/** Where routing sends a destination, per host model: every trace of a reach matrix asks again. */
const deducedOutInterfaces = new WeakMap<HostModel, WeakMap<AddressSet, { value: InterfaceValue | undefined; note: string }>>();

class BudgetExceeded extends Error {}

/**
 * Follows a packet through every table and hook of one ruleset, the way the kernel would, and
 * returns every outcome it may meet. A match the tracer cannot decide splits the walk in two; each
 * outcome carries the assumptions that lead to it.
 */
export function tracePacket(ruleset: Ruleset, packet: Packet, host: HostModel, options: TraceOptions = {}): TraceResult {
  return new Tracer(ruleset, host, options.maxBranches ?? 4096, options.verdictsOnly ?? false).run(packet);
}

type TablesByName = ReadonlyMap<TableName, { table: Table; chains: ChainsByName }>;

const rulesetTables = new WeakMap<Ruleset, { count: number; tables: TablesByName }>();

/** A ruleset's tables by name, with their chains, shared by every trace through it. */
function tablesByName(ruleset: Ruleset): TablesByName {
  let entry = rulesetTables.get(ruleset);
  if (entry === undefined || entry.count !== ruleset.tables.length) {
    const tables = new Map<TableName, { table: Table; chains: ChainsByName }>();
    for (const table of ruleset.tables) tables.set(table.name, { table, chains: chainsByName(table) });
    entry = { count: ruleset.tables.length, tables };
    rulesetTables.set(ruleset, entry);
  }
  return entry.tables;
}

/** "the host's addresses are …" per host model and family: a reach matrix asks for it on every trace. */
const localAddressTexts = new WeakMap<HostModel, Map<Family, string>>();

function localAddressText(host: HostModel, family: Family): string {
  let byFamily = localAddressTexts.get(host);
  if (byFamily === undefined) {
    byFamily = new Map();
    localAddressTexts.set(host, byFamily);
  }
  let text = byFamily.get(family);
  if (text === undefined) {
    const locals = host.localAddresses.filter((address) => address.family === family);
    text =
      locals.length === 0
        ? 'the host has no addresses but loopback (give --local-address to add its own)'
        : `the host's addresses are loopback and ${locals.map((address) => formatAddressText(address)).join(', ')}`;
    byFamily.set(family, text);
  }
  return text;
}

class Tracer {
  private readonly tables: TablesByName;
  private readonly outcomes: TraceOutcome[] = [];
  private branches = 1;
  private readonly matchHost: MatchHost;

  constructor(
    private readonly ruleset: Ruleset,
    private readonly host: HostModel,
    private readonly maxBranches: number,
    private readonly verdictsOnly: boolean,
  ) {
    this.tables = tablesByName(ruleset);
    this.matchHost = { localAddresses: host.localAddresses };
  }

  run(packet: Packet): TraceResult {
    const flow: Flow = {
      family: packet.family,
      inInterface: packet.inInterface,
      outInterface: undefined,
      source: packet.source,
      destination: packet.destination,
      protocol: packet.protocol,
      sourcePort: packet.sourcePort,
      destinationPort: packet.destinationPort,
      icmpType: packet.icmpType,
      excludedPorts: { sourcePort: new Set(), destinationPort: new Set(packet.excludedDestinationPorts ?? []) },
      portSpans: { sourcePort: packet.sourcePortSpan, destinationPort: packet.destinationPortSpan },
      undoNat: packet.undoNat,
      state: packet.state,
      mark: 0,
      connmark: packet.state === 'NEW' ? 0 : undefined,
      dnat: false,
      snat: false,
      original: { source: packet.source, destination: packet.destination, sourcePort: packet.sourcePort, destinationPort: packet.destinationPort },
      table: 'raw',
    };
    const start: Branch = { flow, steps: null, conditions: null, decision: null, facts: null };
    const userOut = packet.outInterface;
    try {
      if (packet.inInterface === null) this.fromHost(start, userOut);
      else this.fromInterface(start, userOut);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      this.outcomes.push({
        verdict: 'UNKNOWN',
        decidedBy: null,
        reason: `the tracer stopped after ${this.maxBranches} branches: too many undecided matches to follow every way`,
        conditions: [],
        steps: [],
        final: flow,
      });
    }
    // Sorting compares condition lists, which grow with the number of branches: many outcomes stay in the order found.
    const outcomes = this.outcomes.length <= 256 ? [...this.outcomes].sort(byBranch) : this.outcomes;
    return { packet, outcomes, assumptions: this.assumptions(packet) };
  }

  private assumptions(packet: Packet): string[] {
    const assumptions = ['the host forwards packets (ip_forward is on)', localAddressText(this.host, packet.family)];
    if (packet.state !== 'NEW') assumptions.push(`a ${packet.state} packet skips the nat tables, so NAT done when the connection opened is not shown`);
    return assumptions;
  }

  /** A packet arriving on an interface: PREROUTING, then routing picks INPUT or FORWARD. */
  private fromInterface(branch: Branch, userOut: InterfaceValue | undefined): void {
    for (const after of this.hook(branch, 'PREROUTING')) {
      for (const routed of this.route(after, userOut, false)) {
        if (routed.flow.outInterface === null) this.deliver(routed, true);
        else for (const forwarded of this.hook(routed, 'FORWARD')) this.postrouting(forwarded, 'forwarded');
      }
    }
  }

  /** A packet the host sends: routed first, then OUTPUT (whose DNAT routes it again), then POSTROUTING. */
  private fromHost(branch: Branch, userOut: InterfaceValue | undefined): void {
    for (const routed of this.route(branch, userOut, true)) {
      const before = singleOrText(routed.flow.destination);
      // The kernel routes a packet again right after nat OUTPUT changed its destination, before filter OUTPUT.
      const reroute = (after: Branch): Branch[] => (after.flow.dnat && singleOrText(after.flow.destination) !== before ? this.route(after, userOut, true) : [after]);
      for (const next of this.hook(routed, 'OUTPUT', false, reroute)) {
        const out = next.flow.outInterface;
        if (out === undefined || out === null || !('name' in out) || out.name !== 'lo') {
          this.postrouting(next, 'sent');
          continue;
        }
        // To itself: out through lo and back in on lo, where the connection's NAT is already set up.
        for (const sent of this.hook(next, 'POSTROUTING')) {
          const loopedFlow = copyFlow(sent.flow);
          loopedFlow.inInterface = { name: 'lo' };
          loopedFlow.outInterface = null;
          const looped = withFlow(sent, loopedFlow);
          for (const back of this.hook(looped, 'PREROUTING', true)) this.deliver(back, false);
        }
      }
    }
  }

  private deliver(branch: Branch, withNat: boolean): void {
    for (const done of this.hook(branch, 'INPUT', !withNat)) this.finish(done, 'ACCEPT', 'host');
  }

  private postrouting(branch: Branch, delivery: Delivery): void {
    for (const done of this.hook(branch, 'POSTROUTING')) this.finish(done, 'ACCEPT', delivery);
  }

  private finish(branch: Branch, verdict: TraceOutcome['verdict'], delivery?: Delivery, reason?: string): void {
    this.outcomes.push({
      verdict,
      delivery,
      decidedBy: branch.decision,
      reason,
      conditions: toArray(branch.conditions),
      steps: toArray(branch.steps),
      final: branch.flow,
    });
  }

  /** The routing decision: to the host (INPUT) or on (FORWARD/out), and by which interface. */
  private route(branch: Branch, userOut: InterfaceValue | undefined, fromHost: boolean): Branch[] {
    const local = isLocal(branch.flow.destination, this.matchHost, branch.flow.family);
    const results: Branch[] = [];
    const decide = (base: Branch, toHost: boolean, condition: Condition | null): void => {
      const flow = copyFlow(base.flow);
      let note: string;
      if (toHost) {
        flow.outInterface = fromHost ? { name: 'lo' } : null;
        note = `${singleOrText(flow.destination)} is an address of the host`;
      } else {
        const deduced = userOut === undefined ? this.deduceOutInterface(flow.destination) : { value: userOut, note: `${singleOrText(flow.destination)} is not an address of the host; out ${interfaceText(userOut)}, as given` };
        flow.outInterface = deduced.value;
        note = deduced.note;
      }
      // The host sends from the address of the interface the packet leaves by.
      if (fromHost && flow.source.local === true && flow.source.within === null) flow.source = this.outInterfaceAddress(flow.outInterface, flow.family);
      const conditions = condition === null ? base.conditions : push(base.conditions, condition);
      results.push({ flow, steps: push(base.steps, { kind: 'routing', local: toHost, outInterface: flow.outInterface, note }), conditions, decision: base.decision, facts: base.facts });
    };
    if (local === 'yes') decide(branch, true, null);
    else if (local === 'no') decide(branch, false, null);
    else {
      this.countBranch();
      const text = `the destination (${singleOrText(branch.flow.destination)}) is an address of the host`;
      decide(branch, true, { kind: 'routing', holds: true, text });
      decide(branch, false, { kind: 'routing', holds: false, text });
    }
    return results;
  }

  private deduceOutInterface(destination: AddressSet): { value: InterfaceValue | undefined; note: string } {
    let known = deducedOutInterfaces.get(this.host);
    if (known === undefined) {
      known = new WeakMap();
      deducedOutInterfaces.set(this.host, known);
    }
    let deduced = known.get(destination);
    if (deduced === undefined) {
      deduced = this.computeOutInterface(destination);
      known.set(destination, deduced);
    }
    return deduced;
  }

  private computeOutInterface(destination: AddressSet): { value: InterfaceValue | undefined; note: string } {
    const where = singleOrText(destination);
    for (const route of this.host.routes) {
      if (destination.within !== null && destination.within.length > 0 && destination.within.every((element) => maskedContains(route.subnet, element))) {
        return { value: { name: route.interface }, note: `${where} is in ${route.label}: out ${route.interface}` };
      }
    }
    const outsideRoutes =
      destination.within === null
        ? this.host.routes.every((route) => destination.except.some((excluded) => maskedContains(excluded, route.subnet)))
        : destination.within.every((element) => this.host.routes.every((route) => !maskedOverlap(route.subnet, element)));
    if (this.host.routes.length > 0 && outsideRoutes) {
      return {
        value: { except: this.host.knownInterfaces },
        note: `${where} is in none of the policy's networks: out some other interface (not ${this.host.knownInterfaces.join(', ')})`,
      };
    }
    return { value: undefined, note: `${where} is not an address of the host; the output interface is unknown (give --out)` };
  }

  /** Runs the tables of one hook; returns the branches that got through all of them. */
  private hook(branch: Branch, hook: Hook, skipNat = false, afterNat?: (branch: Branch) => Branch[]): Branch[] {
    let current: Branch[] = [withStep(branch, { kind: 'hook', hook })];
    for (const tableName of HOOK_TABLES[hook]) {
      if (tableName === 'nat' && !skipNat && branch.flow.state !== 'NEW') {
        current = current.map((item) => undoNat(item, hook));
        continue;
      }
      const entry = this.tables.get(tableName);
      if (entry === undefined) continue;
      const chain = entry.chains.get(hook);
      if (chain === undefined) continue;
      if (tableName === 'nat' && skipNat) continue;
      if (this.verdictsOnly && hook === 'POSTROUTING' && onlyAccepts(chain, entry.chains)) continue;
      const next: Branch[] = [];
      for (const item of current) {
        const flow = copyFlow(item.flow);
        flow.table = tableName;
        for (const [after, verdict] of this.walkTable(withFlow(item, flow), tableName, entry.chains, chain)) {
          if (verdict.kind === 'accept') {
            const decision = tableName === 'filter' || after.decision === null ? verdict.decision : after.decision;
            next.push(withDecision(after, decision));
          } else if (verdict.kind === 'unknown') {
            this.finish(withDecision(after, verdict.decision), 'UNKNOWN', undefined, verdict.reason);
          } else {
            this.finish(withDecision(after, verdict.decision), verdict.kind === 'drop' ? 'DROP' : 'REJECT');
          }
        }
      }
      current = tableName === 'nat' && afterNat !== undefined ? next.flatMap(afterNat) : next;
    }
    return current;
  }

  private countBranch(): void {
    this.branches++;
    if (this.branches > this.maxBranches) throw new BudgetExceeded();
  }

  /** Walks a built-in chain and everything it jumps to; one result per way through. */
  private walkTable(start: Branch, tableName: TableName, chains: ChainsByName, base: Chain): [Branch, TableVerdict][] {
    const results: [Branch, TableVerdict][] = [];
    const family = this.ruleset.family;
    const pending: { branch: Branch; frames: Frame[] }[] = [{ branch: withStep(start, { kind: 'chain', table: tableName, chain: base }), frames: [{ chain: base, order: ruleOrder(base, start.flow, family), position: 0 }] }];
    while (pending.length > 0) {
      const walk = pending.pop()!;
      let branch = walk.branch;
      const frames = walk.frames;
      let verdict: TableVerdict | null = null;
      while (verdict === null) {
        const frame = frames[frames.length - 1];
        if (frame === undefined || frame.position >= (frame.order === null ? frame.chain.rules.length : frame.order.length)) {
          // Falling off a user chain returns to its caller; off the built-in chain, its policy decides.
          if (frame !== undefined && frames.length > 1) {
            frames.pop();
            branch = withStep(branch, { kind: 'chain', table: tableName, chain: frames[frames.length - 1].chain, resumed: true });
            continue;
          }
          verdict = this.policyVerdict(tableName, base);
          branch = withStep(branch, { kind: 'policy', table: tableName, chain: base, verdict: base.policy ?? 'unknown' });
          break;
        }
        const rule = frame.chain.rules[frame.order === null ? frame.position : frame.order[frame.position]];
        frame.position++;
        if (rule.onlyFamily !== null && rule.onlyFamily !== family) continue;
        const matched = matchRule(rule, family, branch.flow, this.matchHost);
        if (matched.result === 'no') continue;
        let assumed = false;
        if (matched.result === 'maybe') {
          assumed = true;
          // A match this walk already took a side on answers the same again: no new branch.
          const known = matched.unknowns.map((unknown) => (unknown.key === undefined ? undefined : factOf(branch.facts, unknown.key)));
          if (known.some((fact) => fact === false)) continue;
          const open = matched.unknowns.filter((_, index) => known[index] !== true);
          if (open.length > 0) {
            this.countBranch();
            const why = open.map((unknown) => unknown.why);
            const otherFlow = copyFlow(branch.flow);
            let otherFacts = branch.facts;
            if (open.length === 1) {
              open[0].narrowAway?.(otherFlow);
              if (open[0].key !== undefined) otherFacts = push(otherFacts, [open[0].key, false] as const);
            }
            pending.push({
              branch: { flow: otherFlow, steps: branch.steps, conditions: push(branch.conditions, { kind: 'rule', table: tableName, chain: frame.chain.name, rule, holds: false, why }), decision: branch.decision, facts: otherFacts },
              frames: frames.map((f) => ({ ...f })),
            });
            const flow = copyFlow(branch.flow);
            narrowAll(open, flow);
            let facts = branch.facts;
            for (const unknown of open) if (unknown.key !== undefined) facts = push(facts, [unknown.key, true] as const);
            branch = { flow, steps: branch.steps, conditions: push(branch.conditions, { kind: 'rule', table: tableName, chain: frame.chain.name, rule, holds: true, why }), decision: branch.decision, facts };
          }
        }
        branch = withStep(branch, { kind: 'rule', table: tableName, chain: frame.chain, rule, assumed });
        const target = rule.target;
        if (target === null) continue;
        const decision: Decision = { table: tableName, chain: frame.chain, rule, verdict: target.name };
        const userChain = chains.get(target.name);
        if (userChain !== undefined && !userChain.builtin) {
          if (frames.length >= MAX_DEPTH) {
            verdict = { kind: 'unknown', decision, reason: `chains nest deeper than ${MAX_DEPTH} here (a loop?)` };
            break;
          }
          if (target.kind === 'goto') frames.pop();
          frames.push({ chain: userChain, order: ruleOrder(userChain, branch.flow, family), position: 0 });
          branch = withStep(branch, { kind: 'chain', table: tableName, chain: userChain });
          continue;
        }
        switch (target.name) {
          case 'ACCEPT':
            verdict = { kind: 'accept', decision };
            continue;
          case 'DROP':
            verdict = { kind: 'drop', decision };
            continue;
          case 'REJECT':
            verdict = { kind: 'reject', decision };
            continue;
          case 'RETURN':
            frames.pop();
            if (frames.length > 0) branch = withStep(branch, { kind: 'chain', table: tableName, chain: frames[frames.length - 1].chain, resumed: true });
            continue;
        }
        if (NAT_TARGETS.has(target.name) && tableName === 'nat') {
          branch = this.applyNat(branch, rule, tableName, base.name);
          verdict = { kind: 'accept', decision };
          continue;
        }
        if (CONTINUING_TARGETS.has(target.name)) {
          branch = withFlow(branch, applyContinuing(branch.flow, target.name, target.options));
          continue;
        }
        verdict = { kind: 'unknown', decision, reason: unknownTargetReason(target.name, chains) };
      }
      results.push([branch, verdict]);
    }
    return results;
  }

  /**
   * The address MASQUERADE picks, the output interface's: on a bridge of the policy, its gateway
   * in the bridge's subnet; on any other interface, an address of the host outside every subnet.
   */
  private outInterfaceAddress(out: InterfaceValue | null | undefined, family: Flow['family']): AddressSet {
    let known = outInterfaceAddresses.get(this.host);
    if (known === undefined) {
      known = new Map();
      outInterfaceAddresses.set(this.host, known);
    }
    const key = `${family}\u0000${out === undefined ? '?' : out === null ? '-' : 'name' in out ? `=${out.name}` : `!${out.except.join('\u0000')}`}`;
    let address = known.get(key);
    if (address === undefined) {
      address = this.computeOutInterfaceAddress(out, family);
      known.set(key, address);
    }
    return address;
  }

  private computeOutInterfaceAddress(out: InterfaceValue | null | undefined, family: Flow['family']): AddressSet {
    const notLocal = (this.host.notLocal ?? []).filter((address) => address.family === family);
    const routes = this.host.routes.filter((route) => route.subnet.family === family);
    if (out === undefined || out === null || routes.length === 0) return { within: null, except: notLocal, local: true };
    if ('name' in out) {
      const bridged = routes.filter((route) => route.interface === out.name);
      if (bridged.length > 0) return { within: bridged.map((route) => route.subnet), except: notLocal, local: true };
      if (!this.host.knownInterfaces.includes(out.name)) return { within: null, except: routes.map((route) => route.subnet), local: true };
      return { within: null, except: notLocal, local: true };
    }
    const elsewhere = this.host.knownInterfaces.every((name) => out.except.includes(name));
    return { within: null, except: elsewhere ? routes.map((route) => route.subnet) : notLocal, local: true };
  }

  private policyVerdict(table: TableName, chain: Chain): TableVerdict {
    const decision: Decision = { table, chain, rule: null, verdict: chain.policy ?? 'unknown' };
    if (chain.policy === 'ACCEPT') return { kind: 'accept', decision };
    if (chain.policy === 'DROP') return { kind: 'drop', decision };
    return { kind: 'unknown', decision, reason: `the dump does not give the policy of ${table} ${chain.name}` };
  }

  private applyNat(branch: Branch, rule: Rule, table: TableName, hook: string): Branch {
    const flow = copyFlow(branch.flow);
    const target = rule.target!;
    const option = (name: string): string | undefined => target.options.find((candidate) => candidate.name === name)?.values[0];
    const changeDestination = hook === 'PREROUTING' || hook === 'OUTPUT';
    const before = endpointText(flow, changeDestination ? 'destination' : 'source');
    switch (target.name) {
      case 'DNAT': {
        const to = parseNatRange(option('to-destination'), flow.family);
        flow.destination = to.address ?? flow.destination;
        if (to.port !== undefined) flow.destinationPort = to.port === null ? undefined : to.port;
        flow.dnat = true;
        break;
      }
      case 'REDIRECT': {
        flow.destination = hook === 'OUTPUT' ? exactly(loopbackHost(flow.family)) : { within: null, except: [], local: true };
        const ports = option('to-ports');
        if (ports !== undefined) flow.destinationPort = parseUnsigned(ports, 65535) ?? undefined;
        flow.dnat = true;
        break;
      }
      case 'SNAT': {
        const to = parseNatRange(option('to-source'), flow.family);
        flow.source = to.address ?? flow.source;
        if (to.port !== undefined) flow.sourcePort = to.port === null ? undefined : to.port;
        flow.snat = true;
        break;
      }
      case 'MASQUERADE':
        flow.source = this.outInterfaceAddress(flow.outInterface, flow.family);
        flow.snat = true;
        break;
      case 'NETMAP': {
        const to = parseMasked(option('to') ?? '', flow.family);
        const field = changeDestination ? 'destination' : 'source';
        const single = singleAddress(flow[field]);
        flow[field] = to !== null && single !== null ? exactly({ family: flow.family, bits: to.bits | (single.bits & ~to.mask & allOnes(flow.family)), mask: allOnes(flow.family) }) : { within: null, except: [] };
        if (changeDestination) flow.dnat = true;
        else flow.snat = true;
        break;
      }
    }
    const what = changeDestination ? 'destination' : 'source';
    const after = endpointText(flow, what);
    return { flow, steps: push(branch.steps, { kind: 'rewrite', table, rule, what, from: before, to: after }), conditions: branch.conditions, decision: branch.decision, facts: branch.facts };
  }
}

/**
 * Where the nat table would run for a new connection, conntrack maps an answer back instead: its
 * destination before routing (PREROUTING, OUTPUT), its source on the way out (POSTROUTING, INPUT).
 */
function undoNat(branch: Branch, hook: Hook): Branch {
  const undo = branch.flow.undoNat;
  const what = hook === 'PREROUTING' || hook === 'OUTPUT' ? 'destination' : 'source';
  const target = undo?.[what];
  if (undo === undefined || target === undefined) return branch;
  const flow = copyFlow(branch.flow);
  const before = endpointText(flow, what);
  flow[what] = target.address;
  if (what === 'destination') flow.destinationPort = target.port;
  else flow.sourcePort = target.port;
  flow.undoNat = { ...undo, [what]: undefined };
  return { flow, steps: push(branch.steps, { kind: 'rewrite', table: 'nat', rule: null, what, from: before, to: endpointText(flow, what) }), conditions: branch.conditions, decision: branch.decision, facts: branch.facts };
}

const acceptOnly = new WeakMap<Chain, boolean>();

/** Whether a built-in chain, and every chain it reaches, can only let packets through. */
function onlyAccepts(start: Chain, chains: ChainsByName): boolean {
  const known = acceptOnly.get(start);
  if (known !== undefined) return known;
  let result = start.policy === 'ACCEPT';
  const seen = new Set<Chain>();
  const queue = [start];
  while (result && queue.length > 0) {
    const chain = queue.pop()!;
    if (seen.has(chain)) continue;
    seen.add(chain);
    for (const rule of chain.rules) {
      const name = rule.target?.name;
      if (name === undefined || name === 'ACCEPT' || name === 'RETURN' || NAT_TARGETS.has(name) || (CONTINUING_TARGETS.has(name) && name !== 'MARK' && name !== 'CONNMARK')) continue;
      const next = chains.get(name);
      if (next !== undefined && !next.builtin) queue.push(next);
      else result = false;
    }
  }
  acceptOnly.set(start, result);
  return result;
}

/** The order of a depth-first walk that tries "the match holds" first: where two outcomes part, the one that assumed it holds comes first. */
function byBranch(a: TraceOutcome, b: TraceOutcome): number {
  const length = Math.min(a.conditions.length, b.conditions.length);
  for (let index = 0; index < length; index++) {
    const x = a.conditions[index];
    const y = b.conditions[index];
    if (x.holds !== y.holds) return x.holds ? -1 : 1;
  }
  return a.conditions.length - b.conditions.length;
}

function narrowAll(unknowns: UnknownTest[], flow: Flow): void {
  for (const unknown of unknowns) unknown.narrow?.(flow);
}


function unknownTargetReason(name: string, chains: ChainsByName): string {
  if (name === 'QUEUE' || name === 'NFQUEUE') return `-j ${name} hands the packet to a program, which decides`;
  if (name === 'SYNPROXY' || name === 'TPROXY') return `-j ${name} answers or diverts the packet itself`;
  if (chains.get(name)?.builtin === true) return `-j ${name} jumps to a built-in chain, which iptables refuses`;
  if (NAT_TARGETS.has(name)) return `-j ${name} outside the nat table`;
  return `-j ${name} is a target the tracer cannot follow (no chain of that name in the table)`;
}

function applyContinuing(flow: Flow, name: string, options: readonly ExtensionOption[]): Flow {
  const option = (key: string): ExtensionOption | undefined => options.find((candidate) => candidate.name === key);
  const next = copyFlow(flow);
  switch (name) {
    case 'MARK': {
      next.mark = applyMarkOptions(flow.mark, options);
      break;
    }
    case 'CONNMARK': {
      const nfmask = numberOption(option('nfmask')) ?? numberOption(option('mask')) ?? 0xffffffff;
      const ctmask = numberOption(option('ctmask')) ?? numberOption(option('mask')) ?? 0xffffffff;
      if (option('save-mark') !== undefined) {
        next.connmark = flow.connmark === undefined || flow.mark === undefined ? undefined : (((flow.connmark & ~ctmask) ^ (flow.mark & nfmask)) >>> 0);
      } else if (option('restore-mark') !== undefined) {
        next.mark = flow.connmark === undefined || flow.mark === undefined ? undefined : (((flow.mark & ~nfmask) ^ (flow.connmark & ctmask)) >>> 0);
      } else {
        next.connmark = applyMarkOptions(flow.connmark, options);
      }
      break;
    }
    case 'HMARK':
      next.mark = undefined;
      break;
    case 'CT':
      if (option('notrack') !== undefined) next.state = 'UNTRACKED';
      break;
    case 'NOTRACK':
      next.state = 'UNTRACKED';
      break;
  }
  return next;
}

function numberOption(option: ExtensionOption | undefined): number | null {
  return option === undefined ? null : parseUnsigned(option.values[0] ?? '', 0xffffffff);
}

/** `(mark & ~mask) ^ value`, which every MARK option comes down to. */
function applyMarkOptions(mark: number | undefined, options: readonly ExtensionOption[]): number | undefined {
  if (mark === undefined) return undefined;
  let result: number | undefined = mark;
  for (const option of options) {
    const value = option.values[0] ?? '';
    switch (option.name) {
      case 'set-xmark': {
        const parsed = parseMark(value);
        result = parsed === null || result === undefined ? undefined : ((result & ~parsed.mask) ^ parsed.value) >>> 0;
        break;
      }
      case 'set-mark': {
        const parsed = parseMark(value);
        result = parsed === null || result === undefined ? undefined : ((result & ~(parsed.mask | parsed.value)) ^ parsed.value) >>> 0;
        break;
      }
      case 'and-mark':
      case 'or-mark':
      case 'xor-mark': {
        const bits = parseUnsigned(value, 0xffffffff);
        if (bits === null || result === undefined) result = undefined;
        else if (option.name === 'and-mark') result = (result & bits) >>> 0;
        else if (option.name === 'or-mark') result = (result | bits) >>> 0;
        else result = (result ^ bits) >>> 0;
        break;
      }
    }
  }
  return result;
}

/**
 * `--to-destination 10.0.0.2:80`, `[fd00::2]:80`, `10.0.0.2-10.0.0.9:8000-8010` … The address is
 * null when the rule leaves it unchanged; a range of addresses or ports leaves the value unknown.
 * `port` is undefined when the rule keeps the port, null when it picks from a range.
 */
export function parseNatRange(text: string | undefined, family: Parameters<typeof parseHostAddress>[1]): { address: AddressSet | null; port?: number | null } {
  if (text === undefined || text === '') return { address: null };
  let addressPart = text;
  let portPart: string | undefined;
  if (family === 'ipv6') {
    const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (bracket !== null) {
      addressPart = bracket[1];
      portPart = bracket[2];
    }
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0) {
      addressPart = text.slice(0, colon);
      portPart = text.slice(colon + 1);
    }
  }
  let address: AddressSet | null = null;
  if (addressPart !== '') {
    const single = addressPart.includes('-') ? null : parseHostAddress(addressPart, family);
    address = single === null ? { within: null, except: [] } : exactly(single);
  }
  if (portPart === undefined || portPart === '') return { address };
  const port = parseUnsigned(portPart, 65535);
  return { address, port: port === null ? null : port };
}

function loopbackHost(family: Flow['family']): MaskedAddress {
  return family === 'ipv4' ? { family, bits: 0x7f000001n, mask: allOnes(family) } : { family, bits: 1n, mask: allOnes(family) };
}

function formatAddressText(address: MaskedAddress): string {
  return singleOrText(exactly(address));
}

const setTexts = new WeakMap<AddressSet, string>();

/** One address as text, or a short description of the set. */
export function singleOrText(set: AddressSet): string {
  // Sets are not changed once made, and the traces of a reach matrix share theirs: a set "outside every network" is long to write.
  let text = setTexts.get(set);
  if (text === undefined) {
    text = describeSet(set);
    setTexts.set(set, text);
  }
  return text;
}

function describeSet(set: AddressSet): string {
  const single = singleAddress(set);
  if (single !== null) return formatMasked(single);
  if (set.local === true) return 'an address of the host';
  if (set.within === null) return set.except.length === 0 ? 'any address' : `an address outside ${set.except.map(formatMasked).join(', ')}`;
  return set.within.length === 1 ? `an address in ${formatMasked(set.within[0])}` : `an address in ${set.within.map(formatMasked).join(', ')}`;
}


export function endpointText(flow: Flow, which: 'source' | 'destination'): string {
  return endpoint(flow[which], which === 'source' ? flow.sourcePort : flow.destinationPort, flow.family);
}

/** `192.0.2.1:80`, `[2001:db8::1]:80`, `an address in 10.0.0.0/8 port 80`. */
export function endpoint(set: AddressSet, port: number | undefined, family: Flow['family']): string {
  const address = singleOrText(set);
  if (port === undefined) return address;
  if (singleAddress(set) === null) return `${address} port ${port}`;
  return family === 'ipv6' ? `[${address}]:${port}` : `${address}:${port}`;
}

export function interfaceText(value: InterfaceValue | null | undefined): string {
  if (value === null) return 'none';
  if (value === undefined) return 'unknown';
  if ('name' in value) return value.name;
  return value.except.length === 0 ? 'any interface' : `an interface other than ${value.except.join(', ')}`;
}
