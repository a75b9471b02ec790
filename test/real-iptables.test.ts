/**
 * The canonical printer against real iptables (both backends, both families),
 * each case in a private network namespace (see ../shared/docs/real-iptables.md).
 *
 * 1. Every sample (samples/*.save, samples/docker-20.10/*.v4|*.v6, samples/src/*.rules):
 *    restore it, read it back with *-save, and require printDump(parseDump(saved)) to equal the
 *    saved text (`#` lines removed) byte for byte, with no error diagnostics.
 * 2. The hand-written samples/src/*.rules: printDump(parseDump(src)) must equal what *-save
 *    printed after restoring src. Where it does not because the printer lacks a normalisation,
 *    the difference is listed, exactly, in KNOWN_PRINTER_MISMATCHES: the test then requires that
 *    list to match what happens, so an unlisted difference fails and so does a listed one that
 *    went away (remove it from the list when the printer learns the normalisation).
 * 3. A property: random rules from a small vocabulary, loaded with real iptables-restore; the
 *    printer reproduces what iptables-save printed.
 */
import fc from 'fast-check';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Diagnostic, Dump } from '../src/ast';
import { parseDump, printDump } from '../src/index';
import { KNOWN_PRINTER_MISMATCHES, type PrinterMismatch } from './helpers/known-printer-mismatches';
import { BACKENDS, NetNamespace, describeReal, withNamespace, withoutHashLines, type Backend, type IpFamily } from './helpers/real-system';

const ROOT = join(__dirname, '..');
const SAMPLES = join(ROOT, 'samples');

// Inputs

interface Input {
  path: string;
  /** Relative to the project root, for test names and messages. */
  rel: string;
  family: IpFamily;
  /** `*.counters.save`: restored and saved with --counters. */
  counters: boolean;
  /** A hand-written restore input rather than something *-save printed. */
  handWritten: boolean;
}

function listDir(dir: string, pattern: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => pattern.test(name))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function input(path: string, handWritten: boolean): Input {
  const name = basename(path);
  return {
    path,
    rel: relative(ROOT, path),
    family: /\.v6(\.|$)/.test(name) ? 'ipv6' : 'ipv4',
    counters: /\.counters\./.test(name),
    handWritten,
  };
}

const SOURCES: Input[] = listDir(join(SAMPLES, 'src'), /\.rules$/).map((path) => input(path, true));
const INPUTS: Input[] = [
  ...listDir(SAMPLES, /\.save$/).map((path) => input(path, false)),
  ...listDir(join(SAMPLES, 'docker-20.10'), /\.v[46]$/).map((path) => input(path, false)),
  ...SOURCES,
];

function errorsOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
}

/** Restores `text` into a fresh namespace and returns what *-save prints. */
function reloaded(backend: Backend, family: IpFamily, text: string, counters: boolean): string {
  return withNamespace((ns) => ns.roundTrip(backend, family, text, { counters }));
}

// Comparing printer output with iptables-save output, difference by difference

interface TableText {
  name: string;
  /** `:NAME POLICY [p:b]` lines by chain, in order. */
  chains: Map<string, string>;
  /** `-A` lines (with any counters prefix) by chain, in order. */
  rules: Map<string, string[]>;
}

/** Splits iptables-save text (no `#` lines) into tables, chain lines and rule lines. */
function splitTables(text: string): TableText[] {
  const tables: TableText[] = [];
  let table: TableText | null = null;
  for (const line of text.split('\n')) {
    if (line === '' || line === 'COMMIT') continue;
    if (line.startsWith('*')) {
      table = { name: line.slice(1), chains: new Map(), rules: new Map() };
      tables.push(table);
      continue;
    }
    if (table === null) throw new Error(`line outside a table: ${line}`);
    if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0];
      table.chains.set(name, line);
      continue;
    }
    const chain = /^(?:\[\d+:\d+\] )?-A (\S+)/.exec(line)?.[1];
    if (chain === undefined) throw new Error(`not a chain or rule line: ${line}`);
    const list = table.rules.get(chain) ?? [];
    list.push(line);
    table.rules.set(chain, list);
  }
  return tables;
}

type Mismatch = PrinterMismatch;

function mismatchKey(m: Mismatch): string {
  return JSON.stringify([m.file, m.variant, m.kind, m.where, m.input ?? null, m.iptables, m.printer]);
}

function sourceRules(dump: Dump): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const ruleset of dump.rulesets)
    for (const table of ruleset.tables)
      for (const chain of table.chains) map.set(`${table.name}/${chain.name}`, chain.rules.map((rule) => rule.raw));
  return map;
}

/**
 * Every way `printed` differs from `saved`. Table order is compared only when
 * `compareTableOrder` (the legacy backend prints tables in the reverse order of
 * their first use in the namespace, a matter of history rather than of the rules).
 */
function compareDumps(file: string, variant: Mismatch['variant'], dump: Dump, printed: string, saved: string, compareTableOrder: boolean): Mismatch[] {
  const out: Mismatch[] = [];
  const add = (m: Omit<Mismatch, 'file' | 'variant'>): void => {
    out.push({ file, variant, ...m });
  };
  const p = splitTables(printed);
  const s = splitTables(saved);
  const pNames = p.map((t) => t.name).join(' ');
  const sNames = s.map((t) => t.name).join(' ');
  if (compareTableOrder && pNames !== sNames) add({ kind: 'table-order', where: '*', iptables: sNames, printer: pNames });
  const raw = sourceRules(dump);
  for (const st of s) {
    const pt = p.find((t) => t.name === st.name);
    if (pt === undefined) {
      add({ kind: 'table-missing', where: st.name, iptables: `*${st.name}`, printer: '(no such table)' });
      continue;
    }
    const sChains = [...st.chains.keys()].join(' ');
    const pChains = [...pt.chains.keys()].join(' ');
    if (sChains !== pChains) add({ kind: 'chain-order', where: st.name, iptables: sChains, printer: pChains });
    for (const [chain, line] of st.chains) {
      const pl = pt.chains.get(chain) ?? '(no such chain)';
      if (pl !== line) add({ kind: 'chain-line', where: `${st.name}/${chain}`, iptables: line, printer: pl });
    }
    const chains = new Set([...st.rules.keys(), ...pt.rules.keys()]);
    for (const chain of chains) {
      const sr = st.rules.get(chain) ?? [];
      const pr = pt.rules.get(chain) ?? [];
      const where = `${st.name}/${chain}`;
      if (sr.length !== pr.length) {
        add({ kind: 'rule-count', where, iptables: `${sr.length} rules`, printer: `${pr.length} rules` });
        continue;
      }
      const sources = raw.get(where) ?? [];
      sr.forEach((line, i) => {
        if (pr[i] !== line) add({ kind: 'rule', where, input: sources[i] ?? '(unknown)', iptables: line, printer: pr[i] });
      });
    }
  }
  for (const pt of p) {
    if (!s.some((t) => t.name === pt.name)) add({ kind: 'table-missing', where: pt.name, iptables: '(no such table)', printer: `*${pt.name}` });
  }
  return out;
}


// 1 and 2: the samples

describeReal('real iptables: samples', ['iptables'], () => {
  test('there are samples to check', () => {
    expect(SOURCES.length).toBeGreaterThanOrEqual(5);
    expect(INPUTS.filter((i) => i.family === 'ipv6').length).toBeGreaterThan(0);
  });

  for (const backend of BACKENDS) {
    describe(`${backend} backend`, () => {
      for (const sample of INPUTS) {
        test(`${sample.family} ${sample.rel}: the printer reproduces iptables-save after a restore`, () => {
          const saved = reloaded(backend, sample.family, readFileSync(sample.path, 'utf8'), sample.counters);
          const { dump, diagnostics } = parseDump(saved, { file: `${sample.rel} (${backend} save)` });
          expect(errorsOf(diagnostics)).toEqual([]);
          expect(printDump(dump)).toBe(withoutHashLines(saved));
        });
      }

      for (const source of SOURCES) {
        const name = basename(source.path, '.rules');
        const variants: Mismatch['variant'][] = ['plain'];
        if (listDir(SAMPLES, new RegExp(`^${name.replace(/\./g, '\\.')}\\.counters\\.save$`)).length > 0) variants.push('counters');
        for (const variant of variants) {
          test(`${source.family} ${source.rel} (${variant}): printDump(parseDump(src)) equals iptables-save after restoring src, but for KNOWN_PRINTER_MISMATCHES`, () => {
            const text = readFileSync(source.path, 'utf8');
            const counters = variant === 'counters';
            const saved = withoutHashLines(reloaded(backend, source.family, text, counters));
            const { dump, diagnostics } = parseDump(text, { file: source.rel, family: source.family });
            const printed = printDump(dump, { counters });
            const file = basename(source.path);
            const actual = compareDumps(file, variant, dump, printed, saved, backend === 'nft');
            // IPT_LINT_MISMATCH_REPORT=FILE appends what differs, one JSON object a line, to rebuild the list.
            const report = process.env.IPT_LINT_MISMATCH_REPORT;
            if (report) appendFileSync(report, actual.map((m) => JSON.stringify({ backend, ...m }) + '\n').join(''));
            const known = KNOWN_PRINTER_MISMATCHES.filter(
              (m) => m.file === file && m.variant === variant && (backend === 'nft' || m.kind !== 'table-order'),
            );
            const knownKeys = new Set(known.map(mismatchKey));
            const actualKeys = new Set(actual.map(mismatchKey));
            const unexpected = actual.filter((m) => !knownKeys.has(mismatchKey(m)));
            const gone = known.filter((m) => !actualKeys.has(mismatchKey(m)));
            expect({ errors: errorsOf(diagnostics), unexpected, noLongerHappening: gone }).toEqual({ errors: [], unexpected: [], noLongerHappening: [] });
            if (actual.length === 0) expect(printed).toBe(saved);
          });
        }
      }
    });
  }
});

// 3: random rules

/** Characters a comment or log prefix may hold in this property (no newline, no NUL). */
const TEXT_CHARS = [...'abcXYZ019 _-"\'\\:/#;!*[](),.=%$`&<>?@^{}|~+', 'é', 'ß', '\t'];
const text = (maxLength: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...TEXT_CHARS), { maxLength }).map((chars) => chars.join(''));
const nonEmptyText = (maxLength: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...TEXT_CHARS), { minLength: 1, maxLength }).map((chars) => chars.join(''));

/** How iptables-restore reads a quoted word: inside double quotes, a backslash escapes the next character. */
function quoted(value: string): string {
  return '"' + value.replace(/["\\]/g, (ch) => '\\' + ch) + '"';
}

const ADDRESSES: Record<IpFamily, string[]> = {
  ipv4: ['10.0.0.0/8', '192.168.1.5', '192.168.1.77/24', '0.0.0.0/0', '172.16.0.0/255.240.0.0', '10.1.2.3/255.0.255.0', '203.0.113.9/32', '198.51.100.7/31', '100.64.0.0/10'],
  ipv6: ['2001:db8::/32', '2001:DB8::1', 'fe80::/10', '::/0', '::1', '::ffff:10.0.0.1', '2001:db8:0:0:1:0:0:1', '2001:db8::/127', 'fd00::1/64', '2001:db8:1:0:1::/ffff:ffff:ffff:ffff:ffff::'],
};
const INTERFACES = ['eth0', 'eth+', 'wlan0', 'br-0a1b2c3d4e5f', 'veth1.100', 'lo', 'docker0', 'ens3f0np0'];
const PORTED_PROTOCOLS = ['tcp', 'udp', 'TCP', '6', '17', 'sctp'];
const OTHER_PROTOCOLS: Record<IpFamily, string[]> = {
  ipv4: ['icmp', 'gre', 'all', 'udplite', 'esp', '47', '1'],
  ipv6: ['icmpv6', 'ipv6-icmp', '58', 'all', 'esp', 'udplite'],
};
const PORTS = ['22', '1024:65535', ':1023', '8080:', 'ssh', 'https', 'domain', '53', '0:65535', '5000:5000', '65535'];
/** Service names from Debian's /etc/services (netbase), and the protocols they are listed for there. */
const SERVICES: Record<string, { number: string; protocols: RegExp }> = {
  ssh: { number: '22', protocols: /^(tcp|TCP|6)$/ },
  https: { number: '443', protocols: /^(tcp|TCP|6|udp|17)$/ },
  domain: { number: '53', protocols: /^(tcp|TCP|6|udp|17)$/ },
};
/** A port for the protocol: a service name the protocol does not have becomes its number. */
function portFor(port: string, protocol: string): string {
  const service = SERVICES[port];
  return service === undefined || service.protocols.test(protocol) ? port : service.number;
}
const STATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'];
const ICMP_TYPES: Record<IpFamily, string[]> = {
  ipv4: ['echo-request', '8', 'destination-unreachable', '3/4', 'any', 'time-exceeded', 'port-unreachable'],
  ipv6: ['echo-request', '128', 'neighbour-solicitation', '1/4', 'packet-too-big', 'router-advertisement'],
};
const REJECT_WITH: Record<IpFamily, string[]> = {
  ipv4: ['icmp-port-unreachable', 'icmp-host-prohibited', 'icmp-net-unreachable', 'icmp-admin-prohibited'],
  ipv6: ['icmp6-port-unreachable', 'icmp6-adm-prohibited', 'icmp6-no-route', 'icmp6-addr-unreachable'],
};

const maybe = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null, freq: 2 });
const negation = fc.boolean().map((negated) => (negated ? '! ' : ''));

/** One rule specification for chain FORWARD or PROP-B, valid for iptables (the generator must not produce what iptables refuses). */
function ruleArbitrary(family: IpFamily): fc.Arbitrary<string> {
  const address = fc.tuple(negation, fc.constantFrom(...ADDRESSES[family]));
  const iface = fc.tuple(negation, fc.constantFrom(...INTERFACES));
  const protocol = fc.oneof(
    fc.record({ kind: fc.constant('ported' as const), name: fc.constantFrom(...PORTED_PROTOCOLS), negated: fc.constant(false) }),
    fc.record({ kind: fc.constant('other' as const), name: fc.constantFrom(...OTHER_PROTOCOLS[family]), negated: fc.boolean() }),
  );
  const ports = fc.record({ sport: maybe(fc.tuple(negation, fc.constantFrom(...PORTS))), dport: maybe(fc.tuple(negation, fc.constantFrom(...PORTS))) });
  const multiport = fc.tuple(negation, fc.uniqueArray(fc.constantFrom('22', '80', '443', '8000:8080', '53', '1:100'), { minLength: 1, maxLength: 4 }));
  const states = fc.tuple(fc.constantFrom('conntrack --ctstate', 'state --state'), negation, fc.shuffledSubarray(STATES, { minLength: 1 }));
  const target = fc.oneof(
    fc.constantFrom('-j ACCEPT', '-j DROP', '-j RETURN', '-j PROP-B', '-g PROP-B'),
    fc.constantFrom(...REJECT_WITH[family]).map((w) => `-j REJECT --reject-with ${w}`),
    fc
      .tuple(nonEmptyText(29), fc.constantFrom('', ' --log-level 4', ' --log-level debug', ' --log-level 7', ' --log-uid', ' --log-tcp-sequence --log-ip-options'))
      .map(([prefix, more]) => `-j LOG --log-prefix ${quoted(prefix)}${more}`),
    fc.constantFrom('-j MARK --set-mark 5', '-j MARK --set-xmark 0x10/0xff', '-j MARK --or-mark 0x4000', '-j CONNMARK --set-mark 3/0xf', '-j CONNMARK --save-mark', '-j NFQUEUE --queue-num 1'),
    fc.tuple(nonEmptyText(30), fc.integer({ min: 0, max: 65535 })).map(([prefix, group]) => `-j NFLOG --nflog-prefix ${quoted(prefix)} --nflog-group ${group}`),
  );
  /** Matches that need no protocol, each as written in a restore file. */
  const extra = fc.oneof(
    fc.tuple(negation, nonEmptyText(30), fc.constantFrom('bm', 'kmp')).map(([neg, needle, algo]) => `-m string ${neg}--string ${quoted(needle)} --algo ${algo}`),
    fc.constantFrom(
      '-m string --hex-string "|0a0b|" --algo bm',
      '-m string --string abc --algo kmp --from 10 --to 100',
      '-m u32 --u32 "0>>22&0x3C@12>>26&0x3F=0x10"',
      '-m mark --mark 0x10/0xff',
      '-m mark ! --mark 7',
      '-m connmark --mark 1',
      '-m length --length :100',
      '-m length ! --length 64:1500',
      '-m limit --limit 7/hour --limit-burst 3',
      '-m limit --limit 100/s',
      '-m addrtype ! --dst-type UNICAST',
      '-m pkttype ! --pkt-type broadcast',
      '-m mac --mac-source 00:AA:bb:cc:dd:ee',
      '-m statistic --mode random --probability 0.25',
      '-m physdev --physdev-is-bridged',
    ),
    // IPv6 has no broadcast addresses: ip6tables refuses --src-type BROADCAST.
    fc.constantFrom(...(family === 'ipv4' ? ['-m addrtype --src-type LOCAL,BROADCAST', '-m ttl --ttl-gt 3', '-m iprange --src-range 10.0.0.1-10.0.0.5', '-m iprange ! --dst-range 192.168.0.9-192.168.1.3'] : ['-m addrtype --src-type LOCAL,MULTICAST', '-m hl --hl-lt 5', '-m iprange --src-range 2001:db8::1-2001:db8::ff'])),
  );
  return fc
    .record({
      source: maybe(address),
      destination: maybe(address),
      inIface: maybe(iface),
      outIface: maybe(iface),
      protocol: maybe(protocol),
      ports,
      multiport: maybe(multiport),
      icmpType: maybe(fc.tuple(negation, fc.constantFrom(...ICMP_TYPES[family]))),
      states: maybe(states),
      extras: fc.array(extra, { maxLength: 2 }),
      comment: maybe(text(40)),
      target,
      tcpReset: fc.boolean(),
    })
    .map((r) => {
      const parts: string[] = [];
      // iptables refuses `! -s 0.0.0.0/0` (nf_tables) and `! -p all` (both): "would never match".
      const bang = (neg: string, address: string): string => (address.endsWith('/0') ? '' : neg);
      if (r.source) parts.push(`${bang(r.source[0], r.source[1])}-s ${r.source[1]}`);
      if (r.destination) parts.push(`${bang(r.destination[0], r.destination[1])}-d ${r.destination[1]}`);
      if (r.inIface) parts.push(`${r.inIface[0]}-i ${r.inIface[1]}`);
      if (r.outIface) parts.push(`${r.outIface[0]}-o ${r.outIface[1]}`);
      let target = r.target;
      if (r.protocol) {
        parts.push(`${r.protocol.negated && r.protocol.name !== 'all' ? '! ' : ''}-p ${r.protocol.name}`);
        if (r.protocol.kind === 'ported') {
          if (r.ports.sport) parts.push(`${r.ports.sport[0]}--sport ${portFor(r.ports.sport[1], r.protocol.name)}`);
          if (r.ports.dport) parts.push(`${r.ports.dport[0]}--dport ${portFor(r.ports.dport[1], r.protocol.name)}`);
          if (r.multiport) parts.push(`-m multiport ${r.multiport[0]}--dports ${r.multiport[1].join(',')}`);
          if (r.tcpReset && /^(tcp|TCP|6)$/.test(r.protocol.name) && target.startsWith('-j REJECT')) target = '-j REJECT --reject-with tcp-reset';
        } else if (!r.protocol.negated && r.icmpType && /^(icmp|1|icmpv6|ipv6-icmp|58)$/.test(r.protocol.name)) {
          parts.push(`${r.icmpType[0]}--${family === 'ipv6' ? 'icmpv6' : 'icmp'}-type ${r.icmpType[1]}`);
        }
      }
      if (r.states) parts.push(`-m ${r.states[0].split(' ')[0]} ${r.states[1]}${r.states[0].split(' ')[1]} ${r.states[2].join(',')}`);
      parts.push(...r.extras);
      if (r.comment !== null) parts.push(`-m comment --comment ${quoted(r.comment)}`);
      parts.push(target);
      return parts.join(' ');
    });
}

/** FORWARD may jump to PROP-B, PROP-B only to PROP-C (a loop is refused). */
function restoreInput(rules: { chain: string; spec: string }[]): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':PROP-B - [0:0]', ':PROP-C - [0:0]'];
  for (const rule of rules) {
    const spec = rule.chain === 'PROP-B' ? rule.spec.replace(/ ?-([jg]) PROP-B$/, ' -$1 PROP-C').trimStart() : rule.spec;
    lines.push(`-A ${rule.chain} ${spec}`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

const PROPERTY_RUNS = Number.parseInt(process.env.IPT_LINT_REAL_RUNS ?? '40', 10);

describeReal('real iptables: random rules', ['iptables'], () => {
  const namespaces = new Map<Backend, NetNamespace>();
  beforeAll(() => {
    for (const backend of BACKENDS) namespaces.set(backend, NetNamespace.create());
  });
  afterAll(() => {
    for (const ns of namespaces.values()) ns.delete();
  });

  for (const backend of BACKENDS)
    for (const family of ['ipv4', 'ipv6'] as const) {
      test(`${backend} ${family}: the printer reproduces what iptables-save prints for random rules`, () => {
        const ns = namespaces.get(backend);
        if (ns === undefined) throw new Error('no namespace');
        const rules = fc.array(fc.record({ chain: fc.constantFrom('FORWARD', 'PROP-B'), spec: ruleArbitrary(family) }), { minLength: 1, maxLength: 8 });
        fc.assert(
          fc.property(rules, (generated) => {
            const input = restoreInput(generated);
            const restored = ns.restore(backend, family, input);
            if (restored.status !== 0) throw new Error(`the generator made input iptables refuses:\n${input}\n${restored.stderr}`);
            const saved = ns.save(backend, family);
            const { dump, diagnostics } = parseDump(saved, { file: 'random' });
            expect(errorsOf(diagnostics)).toEqual([]);
            expect(printDump(dump)).toBe(withoutHashLines(saved));
          }),
          { numRuns: PROPERTY_RUNS },
        );
      });
    }
});
