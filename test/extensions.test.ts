import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { Family } from '../src/ast';
import type { ExtensionSpec, OptionSpec } from '../src/parser/extension-spec';
import {
  MATCHES,
  STANDARD_TARGETS,
  TARGETS,
  choicesFor,
  findOption,
  findOptionsByPrefix,
  validateOptionValue,
} from '../src/parser/extensions';
import { canonicalProtocol } from '../src/parser/values';

const VALUE_KINDS = new Set([
  'string', 'int', 'port', 'port-range', 'port-list', 'address', 'address-range', 'mark', 'ct-states', 'interface',
  'protocol', 'icmp-type', 'icmpv6-type', 'tcp-flags', 'rate', 'address-type', 'nat-range', 'choice', 'mac',
]);

function option(extension: ExtensionSpec, name: string): OptionSpec {
  const found = findOption(extension, name);
  if (found === null) throw new Error(`no option --${name}`);
  return found.spec;
}

const everyExtension: [string, string, ExtensionSpec][] = [
  ...Object.entries(MATCHES).map(([name, spec]): [string, string, ExtensionSpec] => ['match', name, spec]),
  ...Object.entries(TARGETS).map(([name, spec]): [string, string, ExtensionSpec] => ['target', name, spec]),
];

describe('coverage', () => {
  test.each([
    'addrtype', 'ah', 'bpf', 'cgroup', 'cluster', 'comment', 'connbytes', 'connlabel', 'connlimit', 'connmark', 'conntrack',
    'cpu', 'dccp', 'devgroup', 'dscp', 'dst', 'ecn', 'esp', 'eui64', 'frag', 'hashlimit', 'hbh', 'helper', 'hl', 'icmp',
    'icmp6', 'ipcomp', 'iprange', 'ipv6header', 'ipvs', 'length', 'limit', 'mac', 'mark', 'mh', 'multiport', 'nfacct', 'osf',
    'owner', 'physdev', 'pkttype', 'policy', 'quota', 'rateest', 'realm', 'recent', 'rpfilter', 'rt', 'sctp', 'set', 'socket',
    'srh', 'state', 'statistic', 'string', 'tcp', 'tcpmss', 'time', 'tos', 'ttl', 'u32', 'udp',
  ])('match %s', (name) => {
    expect(MATCHES[name]).toBeDefined();
  });

  test.each([
    'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DNPT', 'DSCP', 'ECN', 'HL', 'HMARK',
    'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP', 'NFLOG', 'NFQUEUE', 'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT',
    'SECMARK', 'SET', 'SNAT', 'SNPT', 'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG',
  ])('target %s', (name) => {
    expect(TARGETS[name]).toBeDefined();
  });

  test('no udplite match: iptables 1.8 has none (`-m udplite` fails to load); -p udplite goes with multiport', () => {
    expect(MATCHES.udplite).toBeUndefined();
    expect(MATCHES.multiport.protocols).toContain('udplite');
  });

  test('standard targets', () => {
    expect([...STANDARD_TARGETS].sort()).toEqual(['ACCEPT', 'DROP', 'QUEUE', 'RETURN']);
  });
});

describe('arity', () => {
  test.each([
    ['tcp', ['syn']],
    ['recent', ['set', 'rcheck', 'update', 'remove', 'rsource', 'rdest', 'reap', 'rttl']],
    ['physdev', ['physdev-is-in', 'physdev-is-out', 'physdev-is-bridged']],
    ['addrtype', ['limit-iface-in', 'limit-iface-out']],
    ['rpfilter', ['loose', 'validmark', 'accept-local', 'invert']],
    ['set', ['return-nomatch', 'update-counters', 'update-subcounters']],
    ['string', ['icase']],
    ['time', ['kerneltz', 'localtz', 'utc', 'contiguous']],
    ['owner', ['socket-exists', 'suppl-groups']],
    ['connlimit', ['connlimit-saddr', 'connlimit-daddr']],
    ['policy', ['strict', 'next']],
    ['socket', ['transparent', 'nowildcard', 'restore-skmark']],
    ['hashlimit', ['hashlimit-rate-match']],
    ['ecn', ['ecn-tcp-cwr', 'ecn-tcp-ece']],
    ['frag', ['fragres', 'fragfirst', 'fragmore', 'fraglast']],
    ['ipvs', ['ipvs']],
    ['ipv6header', ['soft']],
    ['rt', ['rt-0-res', 'rt-0-not-strict']],
    ['ah', ['ahres']],
    ['connlabel', ['set']],
    ['ipcomp', ['compres']],
    ['rateest', ['rateest-delta', 'rateest-lt', 'rateest-gt', 'rateest-eq']],
  ])('match %s: %j take no argument', (name, options) => {
    for (const name_ of options) expect(option(MATCHES[name], name_).arity).toBe(0);
  });

  test.each([
    ['LOG', ['log-tcp-sequence', 'log-tcp-options', 'log-ip-options', 'log-uid', 'log-macdecode']],
    ['SNAT', ['random', 'random-fully', 'persistent']],
    ['DNAT', ['random', 'persistent']],
    ['MASQUERADE', ['random', 'random-fully']],
    ['REDIRECT', ['random']],
    ['CT', ['notrack']],
    ['CONNMARK', ['save-mark', 'restore-mark']],
    ['NFQUEUE', ['queue-bypass', 'queue-cpu-fanout']],
    ['TCPMSS', ['clamp-mss-to-pmtu']],
    ['CHECKSUM', ['checksum-fill']],
    ['SET', ['exist', 'map-mark', 'map-prio', 'map-queue']],
    ['CLUSTERIP', ['new']],
    ['IDLETIMER', ['alarm']],
    ['SYNPROXY', ['sack-perm', 'timestamp', 'ecn']],
    ['LED', ['led-always-blink']],
    ['CONNSECMARK', ['save', 'restore']],
    ['ECN', ['ecn-tcp-remove']],
  ])('target %s: %j take no argument', (name, options) => {
    for (const name_ of options) expect(option(TARGETS[name], name_).arity).toBe(0);
  });

  test.each([
    ['tcp', 'tcp-flags', MATCHES.tcp],
    ['set', 'match-set', MATCHES.set],
    ['set', 'set', MATCHES.set],
    ['sctp', 'chunk-types', MATCHES.sctp],
    ['SET', 'add-set', TARGETS.SET],
    ['SET', 'del-set', TARGETS.SET],
    ['SET', 'map-set', TARGETS.SET],
  ])('%s --%s takes two arguments', (_label, name, extension) => {
    expect(option(extension, name).arity).toBe(2);
  });

  test('options absent from iptables 1.8.9 stay unknown', () => {
    expect(findOption(TARGETS.DNAT, 'random-fully')).toBeNull();
    expect(findOption(TARGETS.MASQUERADE, 'persistent')).toBeNull();
    expect(findOption(TARGETS.REDIRECT, 'random-fully')).toBeNull();
    expect(findOption(TARGETS.NFQUEUE, 'fail-open')).toBeNull();
  });

  test('rateest rates are optional arguments', () => {
    for (const name of ['rateest-bps', 'rateest-pps', 'rateest-bps1', 'rateest-pps1', 'rateest-bps2', 'rateest-pps2']) {
      expect(option(MATCHES.rateest, name)).toEqual({ arity: 1, optionalArgument: true });
    }
  });

  test.each(everyExtension)('%s %s: arities are 0, 1 or 2, and only the known options take 2', (_kind, _name, extension) => {
    for (const [name, spec] of Object.entries(extension.options)) {
      expect([0, 1, 2]).toContain(spec.arity);
      if (spec.values !== undefined) expect(spec.values.length).toBeLessThanOrEqual(spec.arity);
      if (spec.arity === 2) expect(['tcp-flags', 'match-set', 'chunk-types', 'add-set', 'del-set', 'map-set']).toContain(name);
    }
  });
});

describe('spellings', () => {
  test.each([
    ['tcp', 'destination-port', 'dport', MATCHES.tcp],
    ['tcp', 'source-port', 'sport', MATCHES.tcp],
    ['udp', 'destination-port', 'dport', MATCHES.udp],
    ['dccp', 'source-port', 'sport', MATCHES.dccp],
    ['sctp', 'destination-port', 'dport', MATCHES.sctp],
    ['multiport', 'source-ports', 'sports', MATCHES.multiport],
    ['multiport', 'destination-ports', 'dports', MATCHES.multiport],
    ['set', 'set', 'match-set', MATCHES.set],
    ['hashlimit', 'hashlimit', 'hashlimit-upto', MATCHES.hashlimit],
    ['time', 'localtz', 'kerneltz', MATCHES.time],
    ['tcp', 'dport', 'dport', MATCHES.tcp],
  ])('%s --%s is --%s', (_label, spelling, canonical, extension) => {
    expect(findOption(extension, spelling)?.name).toBe(canonical);
  });

  test('unknown spellings', () => {
    expect(findOption(MATCHES.tcp, '--dport')).toBeNull();
    expect(findOption(MATCHES.tcp, 'dports')).toBeNull();
  });

  test('prefixes, as getopt_long accepts them', () => {
    expect(findOptionsByPrefix(TARGETS.DNAT, 'to').map((found) => found.name)).toEqual(['to-destination']);
    expect(findOptionsByPrefix(MATCHES.tcp, 'dp').map((found) => found.name)).toEqual(['dport']);
    expect(findOptionsByPrefix(MATCHES.tcp, 'd').map((found) => found.name)).toEqual(['dport']);
    expect(findOptionsByPrefix(MATCHES.state, 'sta').map((found) => found.name)).toEqual(['state']);
    expect(findOptionsByPrefix(MATCHES.recent, 'r').map((found) => found.name).sort()).toEqual(['rcheck', 'rdest', 'reap', 'remove', 'rsource', 'rttl']);
  });

  test.each(everyExtension)('%s %s: no spelling twice', (_kind, _name, extension) => {
    const seen = new Set<string>();
    for (const [name, spec] of Object.entries(extension.options)) {
      for (const spelling of [name, ...(spec.aliases ?? [])]) {
        expect(spelling).not.toMatch(/^-/);
        expect(seen.has(spelling)).toBe(false);
        seen.add(spelling);
      }
    }
  });
});

describe('table consistency', () => {
  test.each(everyExtension)('%s %s', (_kind, _name, extension) => {
    for (const spec of Object.values(extension.options)) {
      for (const kind of spec.values ?? []) expect(VALUE_KINDS.has(kind)).toBe(true);
      const needsChoices = (spec.values ?? []).includes('choice');
      expect(needsChoices).toBe(spec.choices !== undefined);
      if (spec.choicesByFamily !== undefined) expect(needsChoices).toBe(true);
      if (spec.list || spec.ignoreCase || spec.prefixes) expect(needsChoices).toBe(true);
      if (spec.optionalArgument) expect(spec.arity).toBe(1);
    }
    if (extension.protocolsFamily !== undefined) expect(extension.protocols).toBeDefined();
    if (extension.aliasOf !== undefined) expect(MATCHES[extension.aliasOf]).toBeDefined();
  });

  test('families', () => {
    for (const name of ['icmp', 'realm', 'ttl', 'osf']) expect(MATCHES[name].family).toBe('ipv4');
    for (const name of ['icmp6', 'frag', 'hbh', 'dst', 'rt', 'mh', 'ipv6header', 'eui64', 'hl', 'srh']) expect(MATCHES[name].family).toBe('ipv6');
    for (const name of ['TTL', 'CLUSTERIP', 'ULOG', 'ECN']) expect(TARGETS[name].family).toBe('ipv4');
    for (const name of ['HL', 'DNPT', 'SNPT']) expect(TARGETS[name].family).toBe('ipv6');
    for (const name of ['ah', 'tcp', 'conntrack', 'state', 'LOG']) expect((MATCHES[name] ?? TARGETS[name]).family).toBeUndefined();
    expect(option(MATCHES.ah, 'ahlen').family).toBe('ipv6');
    expect(option(MATCHES.ah, 'ahres').family).toBe('ipv6');
    expect(option(MATCHES.ah, 'ahspi').family).toBeUndefined();
  });

  test('protocols', () => {
    expect(MATCHES.tcp.protocols).toEqual(['tcp']);
    expect(MATCHES.udp.protocols).toEqual(['udp']);
    expect(MATCHES.icmp.protocols).toEqual(['icmp']);
    expect(MATCHES.icmp6.protocols).toEqual(expect.arrayContaining(['ipv6-icmp', 'icmpv6', 'icmp6']));
    expect(MATCHES.ah.protocols).toEqual(['ah']);
    expect(MATCHES.ah.protocolsFamily).toBe('ipv4');
    expect(MATCHES.conntrack.protocols).toBeUndefined();
    expect(MATCHES.state.aliasOf).toBe('conntrack');
  });

  test('REJECT types depend on the family', () => {
    const rejectWith = option(TARGETS.REJECT, 'reject-with');
    expect(choicesFor(rejectWith, 'ipv4')).toContain('icmp-host-prohibited');
    expect(choicesFor(rejectWith, 'ipv6')).not.toContain('icmp-host-prohibited');
    expect(validateOptionValue(rejectWith, 0, 'icmp6-adm-prohibited', 'ipv6')).toBeNull();
    expect(validateOptionValue(rejectWith, 0, 'icmp6-adm-prohibited', 'ipv4')).toMatch(/is not one of/);
    expect(validateOptionValue(rejectWith, 0, 'tcp-reset', 'ipv4')).toBeNull();
  });

  test.each([
    ['hashlimit', 'hashlimit-mode', 0, 'srcip,dstport', null, MATCHES.hashlimit],
    ['hashlimit', 'hashlimit-mode', 0, 'none', /not one of/, MATCHES.hashlimit],
    ['conntrack', 'ctdir', 0, 'reply', null, MATCHES.conntrack],
    ['conntrack', 'ctstatus', 0, 'expected,assured', null, MATCHES.conntrack],
    ['connbytes', 'connbytes-dir', 0, 'Both', /not one of/, MATCHES.connbytes],
    ['statistic', 'mode', 0, 'Random', /not one of/, MATCHES.statistic],
    ['AUDIT', 'type', 0, 'Drop', null, TARGETS.AUDIT],
    ['LOG', 'log-level', 0, 'panic', null, TARGETS.LOG],
    ['LOG', 'log-level', 0, '7', null, TARGETS.LOG],
    ['LOG', 'log-level', 0, 'warn', /not one of/, TARGETS.LOG],
    ['LOG', 'log-level', 0, 'Info', /not one of/, TARGETS.LOG],
    ['set', 'match-set', 1, 'src,dst', null, MATCHES.set],
    ['set', 'match-set', 0, 'any-name', null, MATCHES.set],
    ['set', 'match-set', 1, 'src,foo', /not one of/, MATCHES.set],
    ['sctp', 'chunk-types', 0, 'ALL', null, MATCHES.sctp],
    ['sctp', 'chunk-types', 0, 'none', /not one of/, MATCHES.sctp],
    ['time', 'weekdays', 0, 'Mon,Fri,7', null, MATCHES.time],
    ['time', 'weekdays', 0, 'mon', /not one of/, MATCHES.time],
    ['REJECT', 'reject-with', 0, 'ICMP-HOST-U', null, TARGETS.REJECT],
    ['HMARK', 'hmark-tuple', 0, 'SRC,dst', null, TARGETS.HMARK],
    ['conntrack', 'ctstatus', 0, 'assur', null, MATCHES.conntrack],
    ['conntrack', 'ctdir', 0, 'rep', /not one of/, MATCHES.conntrack],
    ['pkttype', 'pkt-type', 0, 'Host', null, MATCHES.pkttype],
    ['tcp', 'dport', 0, '65536', /out of range/, MATCHES.tcp],
    ['tcp', 'tcp-flags', 1, 'SYN', null, MATCHES.tcp],
    ['DSCP', 'set-dscp-class', 0, 'af11', null, TARGETS.DSCP],
    ['CT', 'ctevents', 0, 'new,related,destroy,reply,assured,protoinfo,helper,mark', null, TARGETS.CT],
    ['CT', 'ctevents', 0, 'label', /not one of/, TARGETS.CT],
    ['ipv6header', 'header', 0, 'hop,dst,route,frag,auth,esp,none,prot', null, MATCHES.ipv6header],
  ] as [string, string, number, string, RegExp | null, ExtensionSpec][])('%s --%s argument %d %p', (_label, name, index, value, expected, extension) => {
    const result = validateOptionValue(option(extension, name), index, value, 'ipv4');
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatch(expected);
  });
});

const CORPUS = join(__dirname, '..', '..', 'shared', 'corpus', 'netfilter-t');
const corpusPresent = existsSync(CORPUS);
if (!corpusPresent) console.warn(`extensions.test: ${CORPUS} is absent; skipping the netfilter .t cross-check`);
const describeCorpus = corpusPresent ? describe : describe.skip;

interface CorpusLine {
  file: string;
  family: Family;
  text: string;
  /** The rule as iptables-save prints it. */
  saved: boolean;
}

/** OK lines of the libxt_/libipt_/libip6t_ tests, each with what iptables-save printed for it. */
function corpusLines(): CorpusLine[] {
  const lines: CorpusLine[] = [];
  for (const file of readdirSync(CORPUS).sort()) {
    const families: Family[] | null = file.startsWith('libxt_')
      ? ['ipv4', 'ipv6']
      : file.startsWith('libipt_')
        ? ['ipv4']
        : file.startsWith('libip6t_')
          ? ['ipv6']
          : null;
    if (families === null || !file.endsWith('.t')) continue;
    for (const line of readFileSync(join(CORPUS, file), 'utf8').split('\n')) {
      if (line === '' || ':*#@%'.includes(line[0])) continue;
      const [rule, expected, verdict] = line.split(';');
      if (verdict !== 'OK') continue;
      // netfilter runs libxt_ lines in both families; reading them as IPv4 is enough for the table.
      const family = families[0];
      lines.push({ file, family, text: rule, saved: expected === '=' });
      if (expected !== '=' && expected !== '') lines.push({ file, family, text: expected, saved: true });
    }
  }
  return lines;
}

/** Splits a rule fragment into words, honouring double quotes as iptables-restore does. */
function words(text: string): string[] {
  const result: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) result.push(match[1] ?? match[2]);
  return result;
}

const MAIN_WITH_VALUE = new Set(['-s', '--source', '--src', '-d', '--destination', '--dst', '-i', '--in-interface', '-o', '--out-interface', '-g', '--goto']);
const IMPLICIT_MATCH: Record<string, string> = { 'ipv6-icmp': 'icmp6' };

interface Slot {
  name: string;
  spec: ExtensionSpec;
  lastIndex: number;
}

/**
 * Reads a rule the way iptables does and returns what is wrong with it
 * according to the table: unknown options, arities that do not fit, options
 * out of save order, missing protocol requirements.
 */
function checkRule(line: CorpusLine): string[] {
  const problems: string[] = [];
  const tokens = words(line.text);
  const slots: Slot[] = [];
  let protocol: string | null = null;
  const loaded: { kind: 'match' | 'target'; name: string; spec: ExtensionSpec }[] = [];

  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i];
    if (token === '!') continue;
    let attached: string | null = null;
    const equals = token.startsWith('--') ? token.indexOf('=') : -1;
    if (equals > 0) {
      attached = token.slice(equals + 1);
      token = token.slice(0, equals);
    } else if (/^-[a-z].+/.test(token)) {
      attached = token.slice(2);
      token = token.slice(0, 2);
    }
    const value = (): string => attached ?? tokens[++i];

    if (token === '-p' || token === '--protocol') {
      protocol = canonicalProtocol(value(), line.family);
      continue;
    }
    if (MAIN_WITH_VALUE.has(token)) {
      value();
      continue;
    }
    if (token === '-f' || token === '--fragment') continue;
    if (token === '-c') {
      i += 2;
      continue;
    }
    if (token === '-m' || token === '--match' || token === '-j' || token === '--jump') {
      const name = value();
      const isMatch = token === '-m' || token === '--match';
      const spec = isMatch ? MATCHES[name] : TARGETS[name];
      if (spec === undefined) {
        if (isMatch || !STANDARD_TARGETS.has(name)) problems.push(`unknown ${isMatch ? 'match' : 'target'} ${name}`);
        continue;
      }
      slots.push({ name, spec, lastIndex: -1 });
      loaded.push({ kind: isMatch ? 'match' : 'target', name, spec });
      continue;
    }
    if (!token.startsWith('-')) {
      problems.push(`stray word ${token}`);
      continue;
    }

    const name = token.replace(/^--?/, '');
    let owner: Slot | undefined;
    for (let s = slots.length - 1; s >= 0 && owner === undefined; s--) if (findOption(slots[s].spec, name) !== null) owner = slots[s];
    if (owner === undefined && protocol !== null) {
      const implicit = IMPLICIT_MATCH[protocol] ?? protocol;
      const spec = MATCHES[implicit];
      if (spec !== undefined && findOption(spec, name) !== null) {
        owner = { name: implicit, spec, lastIndex: -1 };
        slots.push(owner);
        loaded.push({ kind: 'match', name: implicit, spec });
      }
    }
    if (owner === undefined) {
      problems.push(`unknown option ${token}`);
      continue;
    }
    const found = findOption(owner.spec, name)!;
    if (found.spec.family !== undefined && found.spec.family !== line.family) problems.push(`${token} is ${found.spec.family} only`);
    let taken = 0;
    if (attached !== null) taken = 1;
    if (found.spec.optionalArgument) {
      if (taken === 0 && i + 1 < tokens.length && !/^[-!]/.test(tokens[i + 1])) taken = 1;
    } else {
      while (taken < found.spec.arity && i + 1 < tokens.length) {
        i++;
        taken++;
      }
      if (taken < found.spec.arity) problems.push(`${token} needs ${found.spec.arity} arguments, has ${taken}`);
    }
    if (found.spec.optionalArgument && taken === 1 && attached === null) i++;
    if (attached !== null && found.spec.arity === 0) problems.push(`${token} takes no argument`);

    if (line.saved) {
      const index = Object.keys(owner.spec.options).indexOf(found.name);
      if (index < owner.lastIndex && !found.spec.repeatable) problems.push(`${owner.name}: --${found.name} printed out of table order`);
      owner.lastIndex = found.name === 'next' ? -1 : index;
    }
  }

  for (const { kind, name, spec } of loaded) {
    if (spec.protocols === undefined) continue;
    if (spec.protocolsFamily !== undefined && spec.protocolsFamily !== line.family) continue;
    if (protocol === null || !spec.protocols.includes(protocol)) problems.push(`${kind} ${name} needs -p ${spec.protocols[0]}, has ${protocol}`);
  }
  return problems;
}

describeCorpus('netfilter extension tests (OK lines)', () => {
  const lines = corpusPresent ? corpusLines() : [];

  test('the corpus has lines to check', () => {
    expect(lines.length).toBeGreaterThan(500);
  });

  test.each(lines.map((line) => [line.file, line.text, line] as const))('%s: %s', (_file, _text, line) => {
    expect(checkRule(line)).toEqual([]);
  });

  test('every extension of the corpus files is in the table', () => {
    const missing: string[] = [];
    for (const file of readdirSync(CORPUS)) {
      const match = /^lib(?:xt|ipt|ip6t)_(.+)\.t$/.exec(file);
      if (match === null) continue;
      const name = match[1];
      if (name === 'standard') continue;
      if (MATCHES[name] === undefined && TARGETS[name] === undefined) missing.push(name);
    }
    expect(missing).toEqual([]);
  });
});
