import type { Family, Match, Parameter, Rule } from '../ast';
import { canonicalProtocol, parseUnsigned } from '../parser/values';
import {
  addressIn, allOnes, describeAddressSet, LOOPBACK, maskedContains, maskedOverlap, MULTICAST, narrowAway, narrowTo, parseHostAddress, parseMasked, singleAddress,
  type AddressSet, type MaskedAddress, type Tristate,
} from './addresses';
import type { Flow, MatchHost } from './flow';
import { parseIcmpType } from './icmp';
import type { ConnectionState, InterfaceValue } from './packet';

/**
 * A test the rule makes that the tracer cannot decide for this packet. `narrow` refines the packet
 * on the branch where the test holds (the destination becomes the rule's `-d`), `narrowAway` on
 * the branch where it fails, when one test alone decides the rule.
 */
export interface UnknownTest {
  /** What is not known, as a person would say it: "-m recent", "the destination port". */
  why: string;
  /**
   * For a match whose answer is the same each time it is asked about the same packet (an ipset,
   * `-m string`, an unknown module), the match and the packet together: a walk that assumed it
   * held once must assume so again. Matches with state of their own (`limit`, `recent`,
   * `statistic` …) have none.
   */
  key?: string;
  narrow?: (flow: Flow) => void;
  narrowAway?: (flow: Flow) => void;
}

export type TestResult = 'yes' | 'no' | UnknownTest;

type Test = (flow: Flow, host: MatchHost) => TestResult;

export interface RuleMatch {
  result: Tristate;
  unknowns: UnknownTest[];
}

const compiled = new WeakMap<Rule, Test[]>();

/** Whether the rule's parameters and matches hold for the packet; its tests are built once per rule. */
export function matchRule(rule: Rule, family: Family, flow: Flow, host: MatchHost): RuleMatch {
  let tests = compiled.get(rule);
  if (tests === undefined) {
    tests = compileRule(rule, family);
    compiled.set(rule, tests);
  }
  let unknowns: UnknownTest[] | null = null;
  for (const test of tests) {
    const result = test(flow, host);
    if (result === 'no') return NO_MATCH;
    if (result !== 'yes') (unknowns ??= []).push(result);
  }
  return unknowns === null ? YES_MATCH : { result: 'maybe', unknowns };
}

// Most rules answer yes or no outright: those answers need no object of their own.
const NO_MATCH: RuleMatch = Object.freeze({ result: 'no', unknowns: Object.freeze([]) as unknown as UnknownTest[] });
const YES_MATCH: RuleMatch = Object.freeze({ result: 'yes', unknowns: Object.freeze([]) as unknown as UnknownTest[] });

function compileRule(rule: Rule, family: Family): Test[] {
  if (rule.unsupportedRevision) return [() => ({ why: 'a match iptables-save could not print ([unsupported revision])' })];
  // Cheap parameter tests first: most rules fail on an interface.
  const order: Record<Parameter['name'], number> = { 'in-interface': 0, 'out-interface': 1, protocol: 2, source: 3, destination: 4, fragment: 5 };
  const parameters = [...rule.parameters].sort((a, b) => order[a.name] - order[b.name]);
  return [...parameters.map((parameter) => compileParameter(parameter, family)), ...rule.matches.map((match) => compileMatch(match, family))];
}

function negated(test: Test, negate: boolean): Test {
  if (!negate) return test;
  return (flow, host) => {
    const result = test(flow, host);
    if (result === 'yes') return 'no';
    if (result === 'no') return 'yes';
    return { why: result.why, narrow: result.narrowAway, narrowAway: result.narrow };
  };
}

function compileParameter(parameter: Parameter, family: Family): Test {
  const value = parameter.value ?? '';
  switch (parameter.name) {
    case 'in-interface':
      return negated((flow) => interfaceTest(value, flow.inInterface, 'the input interface', (f, v) => (f.inInterface = v)), parameter.negated);
    case 'out-interface':
      return negated((flow) => interfaceTest(value, flow.outInterface, 'the output interface', (f, v) => (f.outInterface = v)), parameter.negated);
    case 'source':
    case 'destination': {
      const field = parameter.name;
      const what = field === 'source' ? 'the source address' : 'the destination address';
      const nets = value.split(',').map((element) => parseMasked(element, family));
      if (nets.some((net) => net === null)) return () => ({ why: `${what} (\`${value}\` is a host name)` });
      return negated(addressTest(nets as MaskedAddress[], field, what), parameter.negated);
    }
    case 'protocol': {
      const protocol = canonicalProtocol(value, family);
      return negated((flow) => protocolTest(protocol, flow), parameter.negated);
    }
    case 'fragment':
      // A packet the tracer follows carries its transport header: it is never a second or later fragment.
      return negated(() => 'no', parameter.negated);
  }
}

function interfaceTest(pattern: string, actual: InterfaceValue | null | undefined, what: string, set: (flow: Flow, value: InterfaceValue) => void): TestResult {
  const wildcard = pattern.endsWith('+');
  const stem = wildcard ? pattern.slice(0, -1) : pattern;
  if (wildcard && stem === '') return 'yes';
  // No interface compares as the empty name, as in the kernel.
  if (actual === null) return 'no';
  if (actual !== undefined && 'name' in actual) return (wildcard ? actual.name.startsWith(stem) : actual.name === stem) ? 'yes' : 'no';
  const except = actual?.except ?? [];
  if (!wildcard && exceptSet(except).has(stem)) return 'no';
  return {
    why: what,
    narrow: wildcard ? undefined : (flow) => set(flow, { name: stem }),
    narrowAway: wildcard ? undefined : (flow) => set(flow, { except: [...except, stem] }),
  };
}

const exceptSets = new WeakMap<readonly string[], Set<string>>();

function exceptSet(names: readonly string[]): Set<string> {
  let set = exceptSets.get(names);
  if (set === undefined) {
    set = new Set(names);
    exceptSets.set(names, set);
  }
  return set;
}

function addressTest(nets: MaskedAddress[], field: 'source' | 'destination', what: string): Test {
  return (flow) => {
    const set = flow[field];
    let result: TestResult = 'no';
    for (const net of nets) {
      const matched = addressIn(net, set);
      if (matched === 'yes') return 'yes';
      if (matched === 'maybe') result = { why: what };
    }
    if (result !== 'no' && nets.length === 1) {
      const net = nets[0];
      return { why: what, narrow: (f) => (f[field] = narrowTo(f[field], net)), narrowAway: (f) => (f[field] = narrowAway(f[field], net)) };
    }
    return result;
  };
}

function protocolTest(protocol: string, flow: Flow): TestResult {
  if (protocol === 'all') return 'yes';
  if (flow.protocol === undefined) return { why: 'the protocol', narrow: (f) => (f.protocol = protocol) };
  return flow.protocol === protocol ? 'yes' : 'no';
}

const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);

function compileMatch(match: Match, family: Family): Test {
  const label = `-m ${match.module}`;
  if (match.module === 'comment') return () => 'yes';
  if (!match.known || !UNDERSTOOD_MODULES.has(match.module)) {
    const why = match.known ? label : `${label} (a match ipt-lint does not know)`;
    if (VOLATILE_MODULES.has(match.module)) return () => ({ why });
    const text = `${match.module}:${JSON.stringify(match.options.map((option) => [option.name, option.negated, option.values]))}`;
    return (flow) => ({ why, key: `${text}|${packetFingerprint(flow)}` });
  }
  const tests = match.options.map((option) => negated(compileOption(match.module, option.name, option.values, family, label), option.negated));
  return (flow, host) => {
    const unknowns: UnknownTest[] = [];
    for (const test of tests) {
      const result = test(flow, host);
      if (result === 'no') return 'no';
      if (result !== 'yes') unknowns.push(result);
    }
    if (unknowns.length === 0) return 'yes';
    if (unknowns.length === 1) return unknowns[0];
    return {
      why: [...new Set(unknowns.map((unknown) => unknown.why))].join(' and '),
      narrow: (f) => unknowns.forEach((unknown) => unknown.narrow?.(f)),
    };
  };
}

/** Modules whose options the tracer evaluates; any other module is an opaque yes-or-no. */
const UNDERSTOOD_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'multiport', 'icmp', 'icmp6', 'state', 'conntrack', 'addrtype', 'mark', 'connmark', 'iprange']);

/** Matches that may answer differently each time, even for the same packet. */
const VOLATILE_MODULES = new Set(['limit', 'hashlimit', 'statistic', 'recent', 'connlimit', 'quota', 'quota2', 'connbytes', 'nth', 'random', 'rateest']);

/** Everything a match may look at that a walk can change (NAT, marks, routing). */
function packetFingerprint(flow: Flow): string {
  const iface = (value: Flow['inInterface'] | undefined): string => (value === null ? '-' : value === undefined ? '?' : 'name' in value ? value.name : `!${value.except.join(',')}`);
  return [describeAddressSet(flow.source), describeAddressSet(flow.destination), flow.sourcePort, flow.destinationPort, iface(flow.inInterface), iface(flow.outInterface), flow.mark, flow.connmark].join('|');
}

function unknown(why: string): Test {
  return () => ({ why });
}

function compileOption(module: string, option: string, values: readonly string[], family: Family, label: string): Test {
  const value = values[0] ?? '';
  if (PORT_MODULES.has(module)) {
    if (option === 'dport' || option === 'sport') return portTest(value, option === 'dport' ? 'destinationPort' : 'sourcePort');
    if (option === 'tcp-flags' || option === 'syn') return tcpFlagsTest(option === 'syn' ? ['FIN,SYN,RST,ACK', 'SYN'] : values);
    return unknown(`--${option} of ${label}`);
  }
  switch (module) {
    case 'multiport':
      if (option === 'dports') return portTest(value, 'destinationPort');
      if (option === 'sports') return portTest(value, 'sourcePort');
      if (option === 'ports') return eitherPortTest(value);
      break;
    case 'icmp':
    case 'icmp6':
      if (option === 'icmp-type' || option === 'icmpv6-type') return icmpTest(value, family);
      break;
    case 'state':
    case 'conntrack':
      return conntrackTest(option, value, family, label);
    case 'addrtype':
      if (option === 'src-type' || option === 'dst-type') return addrtypeTest(value, option === 'src-type' ? 'source' : 'destination', family);
      // Limiting the test to the packet's interface only narrows LOCAL; the type test alone decides the rest.
      if (option === 'limit-iface-in' || option === 'limit-iface-out') return () => 'yes';
      break;
    case 'mark':
    case 'connmark':
      if (option === 'mark') return markTest(value, module === 'mark' ? 'mark' : 'connmark');
      break;
    case 'iprange':
      if (option === 'src-range' || option === 'dst-range') return rangeTest(value, option === 'src-range' ? 'source' : 'destination', family);
      break;
  }
  return unknown(label);
}

interface PortRange {
  first: number;
  last: number;
}

/** `80`, `1024:2048`, `:1023`, or a multiport list of those; null for a service name, which only the host's /etc/services resolves. */
function parsePortList(text: string): PortRange[] | null {
  const ranges: PortRange[] = [];
  for (const element of text.split(',')) {
    const colon = element.indexOf(':');
    const first = colon < 0 ? parseUnsigned(element, 65535) : colon === 0 ? 0 : parseUnsigned(element.slice(0, colon), 65535);
    const last = colon < 0 ? first : colon === element.length - 1 ? 65535 : parseUnsigned(element.slice(colon + 1), 65535);
    if (first === null || last === null) return null;
    ranges.push({ first, last });
  }
  return ranges;
}

function portTest(text: string, field: 'destinationPort' | 'sourcePort'): Test {
  const ranges = parsePortList(text);
  const what = field === 'destinationPort' ? 'the destination port' : 'the source port';
  if (ranges === null) return unknown(`${what} (\`${text}\` is a service name)`);
  const single = ranges.length === 1 && ranges[0].first === ranges[0].last ? ranges[0].first : null;
  return (flow) => {
    const port = flow[field];
    if (port !== undefined) return ranges.some((range) => port >= range.first && port <= range.last) ? 'yes' : 'no';
    const span = flow.portSpans[field];
    if (span !== undefined) {
      const [low, high] = span;
      if (ranges.some((range) => range.first <= low && range.last >= high)) return 'yes';
      if (ranges.every((range) => range.last < low || range.first > high)) return 'no';
    }
    if (single === null) return { why: what };
    if (flow.excludedPorts[field].has(single)) return 'no';
    return {
      why: what,
      narrow: (f) => (f[field] = single),
      narrowAway: (f) => (f.excludedPorts = { ...f.excludedPorts, [field]: new Set([...f.excludedPorts[field], single]) }),
    };
  };
}

function eitherPortTest(text: string): Test {
  const source = portTest(text, 'sourcePort');
  const destination = portTest(text, 'destinationPort');
  return (flow, host) => {
    const a = source(flow, host);
    const b = destination(flow, host);
    if (a === 'yes' || b === 'yes') return 'yes';
    if (a === 'no' && b === 'no') return 'no';
    return { why: 'the source or destination port' };
  };
}

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

/** A new TCP connection's first packet carries SYN alone; later packets are left undecided. */
function tcpFlagsTest(values: readonly string[]): Test {
  const flagSet = (text: string): Set<string> => new Set(text.toUpperCase() === 'ALL' ? TCP_FLAGS : text.toUpperCase() === 'NONE' ? [] : text.toUpperCase().split(','));
  const mask = flagSet(values[0] ?? '');
  const comparison = flagSet(values[1] ?? '');
  return (flow) => {
    if (flow.state !== 'NEW' || flow.protocol !== 'tcp') return { why: 'the TCP flags' };
    const matches = [...mask].every((flag) => (flag === 'SYN') === comparison.has(flag));
    return matches ? 'yes' : 'no';
  };
}

function icmpTest(text: string, family: Family): Test {
  const range = parseIcmpType(text, family);
  if (range === null) return unknown(`the ICMP type (\`${text}\`)`);
  return (flow) => {
    if (range.type === 'any') return 'yes';
    const packet = flow.icmpType;
    if (packet === undefined) {
      const exact = range.codeMin === range.codeMax ? range.codeMin : undefined;
      return { why: 'the ICMP type', narrow: (f) => (f.icmpType = { type: range.type as number, code: exact }) };
    }
    if (packet.type !== range.type) return 'no';
    if (packet.code === undefined) return range.codeMin === 0 && range.codeMax === 255 ? 'yes' : { why: 'the ICMP code' };
    return packet.code >= range.codeMin && packet.code <= range.codeMax ? 'yes' : 'no';
  };
}

const CT_STATES: readonly ConnectionState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

function conntrackTest(option: string, value: string, family: Family, label: string): Test {
  switch (option) {
    case 'state':
    case 'ctstate': {
      const wanted = value.toUpperCase().split(',');
      return (flow) => {
        // The raw table runs before conntrack: the packet has no connection yet, which the match reads as INVALID.
        const state: ConnectionState = flow.table === 'raw' && flow.state !== 'UNTRACKED' ? 'INVALID' : flow.state;
        if (wanted.includes(state)) return 'yes';
        if (state === 'NEW' || state === 'INVALID' || state === 'UNTRACKED') {
          if (wanted.includes('DNAT') && flow.dnat) return 'yes';
          if (wanted.includes('SNAT') && flow.snat) return 'yes';
          return 'no';
        }
        // An existing connection may have been NATed when it opened; the tracer does not know.
        return wanted.includes('DNAT') || wanted.includes('SNAT') ? { why: 'whether the connection was NATed' } : 'no';
      };
    }
    case 'ctproto': {
      const protocol = canonicalProtocol(value, family);
      return (flow) => protocolTest(protocol, flow);
    }
    case 'ctorigsrc':
    case 'ctorigdst': {
      const net = parseMasked(value, family);
      if (net === null) return unknown(label);
      const field = option === 'ctorigsrc' ? 'source' : 'destination';
      return (flow) => {
        if (flow.state !== 'NEW') return { why: `--${option} of ${label}` };
        const result = addressIn(net, flow.original[field]);
        return result === 'maybe' ? { why: `--${option} of ${label}` } : result;
      };
    }
    case 'ctorigsrcport':
    case 'ctorigdstport': {
      const ranges = parsePortList(value);
      const field = option === 'ctorigsrcport' ? 'sourcePort' : 'destinationPort';
      return (flow) => {
        const port = flow.original[field];
        if (ranges === null || flow.state !== 'NEW' || port === undefined) return { why: `--${option} of ${label}` };
        return ranges.some((range) => port >= range.first && port <= range.last) ? 'yes' : 'no';
      };
    }
    case 'ctdir':
      return (flow) => (flow.state === 'NEW' ? (value.toUpperCase() === 'ORIGINAL' ? 'yes' : 'no') : { why: `--ctdir of ${label}` });
  }
  return unknown(`--${option} of ${label}`);
}

function addrtypeTest(value: string, field: 'source' | 'destination', family: Family): Test {
  const types = value.toUpperCase().split(',');
  const results = types.map((type) => (flow: Flow, host: MatchHost): Tristate => {
    const set = flow[field];
    switch (type) {
      case 'LOCAL':
        return isLocal(set, host, family);
      case 'MULTICAST':
        return addressIn(MULTICAST[family], set);
      case 'UNICAST': {
        if (addressIn(MULTICAST[family], set) === 'yes') return 'no';
        return 'maybe';
      }
      default:
        return 'maybe';
    }
  });
  return (flow, host) => {
    let result: TestResult = 'no';
    for (const test of results) {
      const one = test(flow, host);
      if (one === 'yes') return 'yes';
      if (one === 'maybe') result = { why: `-m addrtype --${field === 'source' ? 'src' : 'dst'}-type ${value}` };
    }
    return result;
  };
}

/** Whether the address is one of the host's: loopback, the given host addresses, or the symbolic "an address of the host". */
export function isLocal(set: AddressSet, host: MatchHost, family: Family): Tristate {
  if (set.local !== undefined) return set.local ? 'yes' : 'no';
  const locals = [LOOPBACK[family], ...host.localAddresses.filter((address) => address.family === family)];
  if (set.within === null) return 'maybe';
  if (set.within.length === 0) return 'no';
  // The given list is taken as all of the host's addresses: that is what `--local-address` says.
  const each = set.within.map((element): Tristate => {
    if (locals.some((local) => maskedContains(local, element))) return 'yes';
    if (locals.every((local) => !maskedOverlap(local, element))) return 'no';
    return 'maybe';
  });
  if (each.every((result) => result === 'yes')) return 'yes';
  if (each.every((result) => result === 'no')) return 'no';
  return 'maybe';
}

function parseMark(text: string): { value: number; mask: number } | null {
  const slash = text.indexOf('/');
  const value = parseUnsigned(slash < 0 ? text : text.slice(0, slash), 0xffffffff);
  const mask = slash < 0 ? 0xffffffff : parseUnsigned(text.slice(slash + 1), 0xffffffff);
  return value === null || mask === null ? null : { value, mask };
}

export { parseMark };

function markTest(text: string, field: 'mark' | 'connmark'): Test {
  const mark = parseMark(text);
  const what = field === 'mark' ? 'the packet mark' : 'the connection mark';
  if (mark === null) return unknown(what);
  return (flow) => {
    const actual = flow[field];
    if (actual === undefined) return { why: what };
    return ((actual & mark.mask) >>> 0) === mark.value ? 'yes' : 'no';
  };
}

function rangeTest(text: string, field: 'source' | 'destination', family: Family): Test {
  const dash = text.indexOf('-');
  const first = parseHostAddress(dash < 0 ? text : text.slice(0, dash), family);
  const last = parseHostAddress(dash < 0 ? text : text.slice(dash + 1), family);
  const what = `-m iprange --${field === 'source' ? 'src' : 'dst'}-range ${text}`;
  if (first === null || last === null) return unknown(what);
  return (flow) => {
    const single = singleAddress(flow[field]);
    if (single !== null) return single.bits >= first.bits && single.bits <= last.bits ? 'yes' : 'no';
    const within = flow[field].within;
    if (within !== null && within.length > 0) {
      // A prefix lies wholly inside or outside the range when its lowest and highest addresses do.
      const bounds = within.map((element) => ({ low: element.bits, high: element.bits | (allOnes(family) & ~element.mask) }));
      if (bounds.every((bound) => bound.low >= first.bits && bound.high <= last.bits)) return 'yes';
      if (bounds.every((bound) => bound.high < first.bits || bound.low > last.bits)) return 'no';
    }
    return { why: what };
  };
}
