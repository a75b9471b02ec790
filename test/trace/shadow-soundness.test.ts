import fc from 'fast-check';
import type { Rule } from '../../src/ast';
import { parseDump } from '../../src/parser/parse-dump';
import { exactly, parseHostAddress } from '../../src/trace/addresses';
import type { Flow } from '../../src/trace/flow';
import { matchRule } from '../../src/trace/match';
import type { ConnectionState } from '../../src/trace/packet';
import { chainFamilies, coveredRules } from '../../src/trace/shadow';

// Small vocabularies, so that random rules often overlap and cover each other.
const SOURCES = ['', '-s 10.0.0.0/30', '-s 10.0.0.0/31', '-s 10.0.0.2/31', '-s 10.0.0.1/32', '! -s 10.0.0.0/31', '-s 10.0.0.0/255.255.255.253', '-s 10.0.0.1/0.0.0.1'];
const INTERFACES = ['', '-i eth0', '-i eth1', '-i eth+', '! -i eth0', '! -i eth+', '-i lo'];
const PROTOCOLS = ['', '-p tcp', '-p udp', '! -p tcp', '-p icmp'];
const PORT_MATCHES = ['', '-m tcp --dport 1', '-m tcp --dport 1:2', '-m tcp ! --dport 2', '-m multiport --dports 1,3'];
const STATES = ['', '-m conntrack --ctstate NEW', '-m conntrack --ctstate ESTABLISHED,RELATED', '-m state ! --state NEW', '-m recent --rcheck --name x --mask 255.255.255.255 --rsource'];
const TARGETS = ['-j ACCEPT', '-j DROP', '-j ACCEPT', '-j DROP', '-j LOG', '-j OTHER', '-g OTHER', '-j RETURN'];

const ruleText = fc
  .tuple(fc.constantFrom(...SOURCES), fc.constantFrom(...INTERFACES), fc.constantFrom(...PROTOCOLS), fc.nat(PORT_MATCHES.length - 1), fc.constantFrom(...STATES), fc.constantFrom(...TARGETS))
  .map(([source, iface, protocol, port, state, target]) => {
    // Port matches need -p tcp (or udp for multiport): iptables refuses them otherwise.
    const ports = protocol === '-p tcp' ? PORT_MATCHES[port] : '';
    return ['-A INPUT', source, iface, protocol, ports, state, target].filter((part) => part !== '').join(' ');
  });

const PACKET_SOURCES = ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '192.168.0.1'];
const PACKET_INTERFACES = ['eth0', 'eth1', 'eth9', 'lo', 'wlan0'];
const PACKET_PROTOCOLS = ['tcp', 'udp', 'icmp', 'sctp'];
const PACKET_STATES: ConnectionState[] = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

function* packets(): Generator<Flow> {
  for (const source of PACKET_SOURCES)
    for (const inInterface of PACKET_INTERFACES)
      for (const protocol of PACKET_PROTOCOLS)
        for (const port of protocol === 'icmp' ? [undefined] : [1, 2, 3, 4])
          for (const state of PACKET_STATES) {
            const address = exactly(parseHostAddress(source, 'ipv4')!);
            const destination = exactly(parseHostAddress('10.9.9.9', 'ipv4')!);
            yield {
              family: 'ipv4', inInterface: { name: inInterface }, outInterface: null, source: address, destination, protocol, sourcePort: port === undefined ? undefined : 40000,
              destinationPort: port, icmpType: protocol === 'icmp' ? { type: 8, code: 0 } : undefined, excludedPorts: { sourcePort: new Set(), destinationPort: new Set() },
              portSpans: {}, state, mark: 0, connmark: 0, dnat: false, snat: false, original: { source: address, destination }, table: 'filter',
            };
          }
}

const DECIDING = new Set(['ACCEPT', 'DROP', 'RETURN']);

/**
 * Whether an earlier rule takes the packet on every way the walk can go: an undecided match
 * (`-m recent`) may let it on, so only a rule that certainly matches and ends the chain counts.
 */
function decidedBefore(rules: readonly Rule[], index: number, flow: Flow): boolean {
  for (const earlier of rules.slice(0, index)) {
    if (matchRule(earlier, 'ipv4', flow, { localAddresses: [] }).result !== 'yes') continue;
    const target = earlier.target;
    if (target?.kind === 'goto' || (target?.kind === 'jump' && DECIDING.has(target.name))) return true;
  }
  return false;
}

describe('shadow analysis against the tracer', () => {
  test('every packet a covered rule could match is decided by an earlier rule', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.array(ruleText, { minLength: 2, maxLength: 10 }), (lines) => {
        const text = ['*filter', ':INPUT ACCEPT [0:0]', ':OTHER - [0:0]', ...lines, 'COMMIT', ''].join('\n');
        const parsed = parseDump(text, { file: 'random.rules' });
        const ruleset = parsed.dump.rulesets[0];
        const chain = ruleset.tables[0].chains.find((candidate) => candidate.name === 'INPUT')!;
        for (const [covered] of coveredRules(chain, chainFamilies(chain, 'ipv4'))) {
          const index = chain.rules.indexOf(covered);
          checked++;
          for (const flow of packets()) {
            if (matchRule(covered, 'ipv4', flow, { localAddresses: [] }).result === 'no') continue;
            if (!decidedBefore(chain.rules, index, flow)) throw new Error(`line ${covered.line} reported covered, but a packet reaches it:\n${text}`);
          }
        }
      }),
      { numRuns: 1000, seed: 20261126 },
    );
    // Random chains must have produced covered rules for the property to say anything.
    expect(checked).toBeGreaterThan(100);
  });

  test('the check finds covered rules at all (it can fail)', () => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -s 10.0.0.0/31 -j DROP', '-A INPUT -s 10.0.0.2/31 -j DROP', '-A INPUT -s 10.0.0.0/30 -p tcp -j ACCEPT', 'COMMIT', ''].join('\n');
    const chain = parseDump(text, { file: 'x' }).dump.rulesets[0].tables[0].chains[0];
    expect([...coveredRules(chain, ['ipv4']).keys()].map((rule) => rule.line)).toEqual([5]);
  });
});

describe('shadow analysis of a chain whose rules each name one destination host', () => {
  const HOSTS = ['-d 10.0.0.1/32', '-d 10.0.0.1', '-d 10.0.0.2/32', '-d 10.0.0.3'];
  const hostRule = fc
    .tuple(fc.constantFrom(...HOSTS), fc.constantFrom(...INTERFACES), fc.constantFrom(...PROTOCOLS), fc.nat(PORT_MATCHES.length - 1), fc.constantFrom(...STATES), fc.constantFrom(...TARGETS))
    .map(([destination, iface, protocol, port, state, target]) => {
      const ports = protocol === '-p tcp' ? PORT_MATCHES[port] : '';
      return ['-A INPUT', destination, iface, protocol, ports, state, target].filter((part) => part !== '').join(' ');
    });

  const covers = (lines: readonly string[]): string[] => {
    const text = ['*filter', ':INPUT ACCEPT [0:0]', ':OTHER - [0:0]', ...lines, 'COMMIT', ''].join('\n');
    const chain = parseDump(text, { file: 'hosts.rules' }).dump.rulesets[0].tables[0].chains.find((candidate) => candidate.name === 'INPUT')!;
    return [...coveredRules(chain, ['ipv4'])].map(([rule, cover]) => `${rule.line} by ${cover.by.map((by) => by.line).join(',')}${cover.sameVerdict ? ' same' : ''}`);
  };

  test('leaving out the rules alone with their host changes nothing', () => {
    let found = 0;
    fc.assert(
      fc.property(fc.array(hostRule, { minLength: 2, maxLength: 12 }), (lines) => {
        // A last rule with no -d makes the analysis look at every rule; being last, it covers none of them.
        const everyRule = covers([...lines, '-A INPUT -j LOG']).filter((text) => Number(text.split(' ')[0]) < lines.length + 4);
        expect(covers(lines)).toEqual(everyRule);
        found += everyRule.length;
      }),
      { numRuns: 500 },
    );
    expect(found).toBeGreaterThan(100);
  });
});
