import fc from 'fast-check';
import type { Rule } from '../../src/ast';
import { parseDump } from '../../src/parser/parse-dump';
import { exactly, parseHostAddress, parseMasked, type AddressSet } from '../../src/trace/addresses';
import type { Flow } from '../../src/trace/flow';
import { matchRule } from '../../src/trace/match';
import type { InterfaceValue } from '../../src/trace/packet';
import { ChainIndex, chainIndex, INDEXED_CHAIN_LENGTH, keysFromLine, ruleKeys } from '../../src/trace/rule-index';
import type { TraceOutcome } from '../../src/trace/evaluate';
import { trace } from './helpers';

// Small vocabularies, so that random packets often meet the rules' values.
const DESTINATIONS = [
  '', '-d 10.0.0.1/32', '-d 10.0.0.2', '-d 10.0.0.0/30', '-d 10.0.0.0/24', '! -d 10.0.0.1/32', '-d 10.0.0.1,10.0.1.1', '-d 10.0.0.1/255.255.0.255',
  '-d 0.0.0.0/0', '--dst 10.0.1.0/24', '--destination 10.0.0.3/32', '-d ! 10.0.0.1',
];
const INTERFACES = ['', '-i eth0', '-i eth1', '-i eth+', '! -i eth0', '-i lo', '-o br0', '-o br1', '! -o br0', '-o br+', '--in-interface eth1', '--out-interface br1'];
const PROTOCOLS = ['', '-p tcp', '-p udp'];
const sideOf = (parameter: string): 'in' | 'out' => (/(^|\s)(-i|--in-interface)\s/.test(parameter) ? 'in' : 'out');
const MATCHES = ['', '-m comment --comment "-d 10.0.0.9"', '-m recent --rcheck --name x --mask 255.255.255.255 --rsource', '-m addrtype --dst-type LOCAL', '-m conntrack --ctstate NEW'];
const TARGETS = ['-j ACCEPT', '-j DROP', '-j RETURN', '-j LOG'];

const ruleText = fc
  .tuple(fc.constantFrom('', '-4 '), fc.constantFrom(...DESTINATIONS), fc.constantFrom(...INTERFACES), fc.constantFrom(...INTERFACES), fc.constantFrom(...PROTOCOLS), fc.constantFrom(...MATCHES), fc.constantFrom(...TARGETS), fc.boolean())
  .map(([prefix, destination, first, second, protocol, match, target, destinationLast]) => {
    // `-i` and `-o` may each be given once; a parameter after the matches must be found there too.
    const interfaces = first === '' || second === '' || sideOf(first) === sideOf(second) ? [first] : [first, second];
    const parts = destinationLast ? [...interfaces, protocol, match, destination] : [destination, ...interfaces, protocol, match];
    return [`${prefix}-A LONG`, ...parts, target].filter((part) => part !== '').join(' ');
  });

const PACKET_DESTINATIONS: AddressSet[] = [
  exactly(parseHostAddress('10.0.0.1', 'ipv4')!),
  exactly(parseHostAddress('10.0.0.2', 'ipv4')!),
  exactly(parseHostAddress('10.0.1.1', 'ipv4')!),
  exactly(parseHostAddress('192.0.2.1', 'ipv4')!),
  { within: [parseMasked('10.0.0.0/24', 'ipv4')!], except: [] },
  { within: [parseMasked('10.0.0.0/31', 'ipv4')!, parseMasked('10.0.1.0/24', 'ipv4')!], except: [] },
  { within: [], except: [] },
  { within: null, except: [parseMasked('10.0.0.0/8', 'ipv4')!] },
  { within: null, except: [], local: true },
];
const PACKET_INTERFACES: (InterfaceValue | null | undefined)[] = [{ name: 'eth0' }, { name: 'eth1' }, { name: 'br0' }, { name: 'br1' }, { name: 'lo' }, { except: ['br0'] }, null, undefined];

function flowOf(destination: AddressSet, inInterface: InterfaceValue | null, outInterface: InterfaceValue | null | undefined): Flow {
  const source = exactly(parseHostAddress('198.51.100.7', 'ipv4')!);
  return {
    family: 'ipv4', inInterface, outInterface, source, destination, protocol: 'tcp', sourcePort: 40000, destinationPort: 80, excludedPorts: { sourcePort: new Set(), destinationPort: new Set() },
    portSpans: {}, state: 'NEW', mark: 0, connmark: 0, dnat: false, snat: false, original: { source, destination }, table: 'filter',
  };
}

function longChain(lines: readonly string[]): { rules: Rule[]; text: string } {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':LONG - [0:0]', ...lines, 'COMMIT', ''].join('\n');
  const parsed = parseDump(text, { file: 'random.rules' });
  const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) throw new Error(`${errors[0].message} (line ${errors[0].line})\n${text}`);
  return { rules: parsed.dump.rulesets[0].tables[0].chains.find((chain) => chain.name === 'LONG')!.rules, text };
}

describe('the index of a long chain', () => {
  test('every rule it leaves out fails the packet, whatever the packet', () => {
    let skipped = 0;
    fc.assert(
      fc.property(fc.array(ruleText, { minLength: INDEXED_CHAIN_LENGTH, maxLength: 60 }), (lines) => {
        const { rules, text } = longChain(lines);
        const chain = { kind: 'chain', name: 'LONG', builtin: false, policy: null, rules } as never;
        const index = new ChainIndex(chain, 'ipv4');
        for (const destination of PACKET_DESTINATIONS)
          for (const inInterface of PACKET_INTERFACES)
            for (const outInterface of PACKET_INTERFACES) {
              if (inInterface === undefined) continue;
              const flow = flowOf(destination, inInterface, outInterface);
              const order = index.candidates(flow);
              if (order === null) continue;
              expect([...order].sort((a, b) => a - b)).toEqual([...new Set(order)]);
              const kept = new Set(order);
              rules.forEach((rule, position) => {
                if (kept.has(position)) return;
                skipped++;
                if (matchRule(rule, 'ipv4', flow, { localAddresses: [] }).result !== 'no') throw new Error(`the index left out ${rule.raw}, which may match ${JSON.stringify(flow, (_, value) => (typeof value === 'bigint' ? value.toString() : value instanceof Set ? [...value] : value))}\n${text}`);
              });
            }
      }),
      { numRuns: 30 },
    );
    // The property says something only when the index does leave rules out.
    expect(skipped).toBeGreaterThan(10_000);
  });

  test('reading a line gives the keys its parameters give, or fewer', () => {
    fc.assert(
      fc.property(fc.array(ruleText, { minLength: 1, maxLength: 8 }), (lines) => {
        const { rules } = longChain(lines);
        for (const rule of rules) {
          const fromLine = keysFromLine(rule.raw);
          const fromParameters = ruleKeys({ ...rule, parameters: rule.parameters } as Rule);
          if (fromLine.inInterface !== null) expect(fromLine.inInterface).toBe(fromParameters.inInterface);
          if (fromLine.outInterface !== null) expect(fromLine.outInterface).toBe(fromParameters.outInterface);
          if (fromLine.destination !== null) expect(fromLine.destination).toBe(fromParameters.destination);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('the usual iptables-save line gives its keys', () => {
    const keys = keysFromLine('-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4');
    expect(keys.destination).toBe('10.96.0.10/32');
    expect(keysFromLine('-A FORWARD -i br-1 ! -o br-1 -j ACCEPT')).toEqual({ inInterface: 'br-1', outInterface: null, destination: null });
    expect(keysFromLine('-I FORWARD 3 -o docker0 -j DOCKER').outInterface).toBe('docker0');
    expect(keysFromLine('-6 -A INPUT -d 2001:db8::/32 -f').destination).toBe('2001:db8::/32');
    expect(keysFromLine('-A INPUT -i eth+ -o br0').inInterface).toBeNull();
  });

  test('an unusual line gives no keys rather than wrong ones', () => {
    const lines = [
      '[0:0] -A INPUT -d 10.0.0.1/32 -j ACCEPT', '-A INPUT -d "10.0.0.1" -j ACCEPT', '-A INPUT -c 1 2 -d 10.0.0.1 -j ACCEPT', '-A INPUT -i -d 10.0.0.1 -j ACCEPT',
      '-A INPUT ! -d 10.0.0.1 -j ACCEPT', '-A INPUT -d ! 10.0.0.1 -j ACCEPT', '-A INPUT -m tcp --dport 1 -d 10.0.0.1 -j ACCEPT', '-A INPUT -fragment -d 10.0.0.1',
    ];
    for (const line of lines) expect(keysFromLine(line)).toEqual({ inInterface: null, outInterface: null, destination: null });
  });

  test('short chains are walked rule by rule', () => {
    const { rules } = longChain(['-A LONG -d 10.0.0.1 -j ACCEPT']);
    expect(chainIndex({ kind: 'chain', name: 'LONG', builtin: false, policy: null, rules } as never, 'ipv4')).toBeNull();
  });
});

describe('a trace through an indexed chain', () => {
  const outcomeText = (outcome: TraceOutcome): string => {
    const rule = (text: string | undefined): string => (text ?? 'policy').replace(/^(-4 )?-A \S+ /, '$1');
    const conditions = outcome.conditions.map((condition) => (condition.kind === 'rule' ? `${rule(condition.rule.raw)} ${condition.holds}` : `${condition.text} ${condition.holds}`));
    return `${outcome.verdict} by ${rule(outcome.decidedBy?.rule?.raw)} if ${conditions.join('; ')}`;
  };

  test('ends as the same rules split into short chains that are walked rule by rule', () => {
    const packets = [
      { in: 'eth0', destination: '10.0.0.1' },
      { in: 'eth1', destination: '10.0.0.2' },
      { in: 'lo', destination: '10.0.1.1' },
      { in: 'eth0', destination: '10.0.0.0/24' },
      { in: 'br0', destination: '192.0.2.1' },
    ];
    fc.assert(
      fc.property(fc.array(ruleText, { minLength: INDEXED_CHAIN_LENGTH, maxLength: 50 }), (lines) => {
        const header = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
        const long = [...header, ':LONG - [0:0]', '-A INPUT -j LONG', ...lines, 'COMMIT', ''].join('\n');
        // Parts of fewer rules than an index needs, each ending in a jump to the next: falling off one returns through all.
        const parts: string[][] = [];
        for (let start = 0; start < lines.length; start += INDEXED_CHAIN_LENGTH - 2) parts.push(lines.slice(start, start + INDEXED_CHAIN_LENGTH - 2));
        const split = [
          ...header,
          ...parts.map((_, index) => `:PART${index} - [0:0]`),
          '-A INPUT -j PART0',
          ...parts.flatMap((part, index) => [...part.map((line) => line.replace(/-A LONG/, `-A PART${index}`)), ...(index + 1 < parts.length ? [`-A PART${index} -j PART${index + 1}`] : [])]),
          'COMMIT',
          '',
        ].join('\n');
        for (const packet of packets) {
          const input = { ...packet, local: ['10.0.0.0/8', '192.0.2.1'] };
          expect(trace(long, input).outcomes.map(outcomeText)).toEqual(trace(split, input).outcomes.map(outcomeText));
        }
      }),
      { numRuns: 25 },
    );
  });
});
