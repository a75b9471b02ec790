import type { Table } from '../../src/ast';
import { parsePrefix, type Prefix } from '../../src/lint/docker/addresses';
import { describeOutcome, matchInterface, traceForward, tracePath, type PacketSpec, type PathResult } from '../../src/lint/docker/forward-path';
import { parseDump } from '../../src/parser/parse-dump';
import { dump } from '../helpers/policy-rule-tester';

function table(text: string, name = 'filter'): Table {
  const parsed = parseDump(text, { file: 'case.rules' });
  expect(parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return parsed.dump.rulesets[0].tables.find((candidate) => candidate.name === name)!;
}

const filter = (policy: string, ...lines: string[]): Table => table(dump('*filter', `:FORWARD ${policy} [0:0]`, ...lines, 'COMMIT'));
const prefix = (text: string): Prefix => parsePrefix(text, text.includes(':') ? 'ipv6' : 'ipv4')!;
const A_TO_B: PacketSpec = { family: 'ipv4', inInterface: { name: 'br-a' }, outInterface: { name: 'br-b' }, state: 'NEW' };

/** `ACCEPT@5?` for a conditional ACCEPT by line 5, `DROP@policy` for the policy. */
function summary(result: PathResult | null): { possible: string[]; final: string } {
  const show = (outcome: PathResult['final']): string => `${outcome.verdict}@${outcome.rule?.line ?? 'policy'}${outcome.conditional ? '?' : ''}`;
  return { possible: result!.possible.map(show), final: show(result!.final) };
}

describe('interfaces', () => {
  test.each([
    ['br-a', { name: 'br-a' }, 'yes'],
    ['br-a', { name: 'br-b' }, 'no'],
    ['br-+', { name: 'br-a' }, 'yes'],
    ['br-+', { name: 'docker0' }, 'no'],
    ['+', { except: ['br-a'] }, 'yes'],
    ['br-a', { except: ['br-a'] }, 'no'],
    ['eth0', { except: ['br-a'] }, 'maybe'],
    ['br-+', { except: ['br-a'] }, 'maybe'],
    ['eth0', undefined, 'maybe'],
  ] as const)('%s against %j: %s', (pattern, set, expected) => {
    expect(matchInterface(pattern, set)).toBe(expected);
  });

  test('negation turns a known answer round, and leaves "maybe" alone', () => {
    const forward = filter('DROP', '-A FORWARD ! -i br-a -j DROP', '-A FORWARD ! -o eth0 -j ACCEPT');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: [], final: 'ACCEPT@4' });
    expect(summary(traceForward(forward, { ...A_TO_B, outInterface: { except: ['br-a'] } }))).toEqual({ possible: ['ACCEPT@4?'], final: 'DROP@policy' });
  });
});

describe('matches', () => {
  test('conntrack and state are decided for a packet of known state', () => {
    const forward = filter(
      'DROP',
      '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A FORWARD -m state --state INVALID -j ACCEPT',
      '-A FORWARD -m conntrack ! --ctstate NEW -j ACCEPT',
      '-A FORWARD -m conntrack --ctstate NEW,DNAT -j DROP',
    );
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: [], final: 'DROP@6' });
    expect(summary(traceForward(forward, { ...A_TO_B, state: undefined }))).toEqual({ possible: ['ACCEPT@3?', 'ACCEPT@4?', 'ACCEPT@5?', 'DROP@6?'], final: 'DROP@policy' });
  });

  test('a DNAT flag on the connection is not known: the match may hold', () => {
    const forward = filter('ACCEPT', '-A FORWARD -m conntrack --ctstate DNAT -j DROP');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: ['DROP@3?'], final: 'ACCEPT@policy' });
  });

  test('matches the walk cannot decide make the verdict conditional, and the walk goes on', () => {
    const forward = filter('DROP', '-A FORWARD -m mark --mark 0x1 -j ACCEPT', '-A FORWARD -m addrtype --dst-type LOCAL -j ACCEPT', '-A FORWARD -j DROP');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: ['ACCEPT@3?', 'ACCEPT@4?'], final: 'DROP@5' });
  });

  test('protocols, ports, port ranges and multiport lists', () => {
    const forward = filter(
      'DROP',
      '-A FORWARD -p udp -j ACCEPT',
      '-A FORWARD -p tcp -m tcp --dport 81 -j ACCEPT',
      '-A FORWARD -p tcp -m tcp --dport 1000:2000 -j ACCEPT',
      '-A FORWARD -p tcp -m multiport --dports 22,443 -j ACCEPT',
      '-A FORWARD -p tcp -m tcp ! --dport 80 -j ACCEPT',
      '-A FORWARD -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset',
    );
    expect(summary(traceForward(forward, { ...A_TO_B, protocol: 'tcp', destinationPort: 80 }))).toEqual({ possible: [], final: 'REJECT@8' });
    expect(summary(traceForward(forward, { ...A_TO_B, protocol: 'tcp', destinationPort: 1500 })).final).toBe('ACCEPT@5');
    expect(summary(traceForward(forward, { ...A_TO_B, protocol: 'tcp', destinationPort: 443 })).final).toBe('ACCEPT@6');
    expect(summary(traceForward(forward, { ...A_TO_B, protocol: 'tcp' })).possible).toEqual(['ACCEPT@4?', 'ACCEPT@5?', 'ACCEPT@6?', 'ACCEPT@7?', 'REJECT@8?']);
  });

  test('addresses inside, across and outside the packet\'s prefixes', () => {
    const forward = filter('DROP', '-A FORWARD -s 10.0.0.0/8 -j ACCEPT', '-A FORWARD -d 172.20.0.2/32 -j ACCEPT', '-A FORWARD ! -s 172.16.0.0/12 -j DROP', '-A FORWARD -d 0.0.0.0/0 -j ACCEPT');
    const packet: PacketSpec = { ...A_TO_B, source: { within: [prefix('172.17.0.0/16')] }, destination: { within: [prefix('172.20.0.0/16')] } };
    expect(summary(traceForward(forward, packet))).toEqual({ possible: ['ACCEPT@4?'], final: 'ACCEPT@6' });
    const outside: PacketSpec = { ...A_TO_B, source: { outside: [prefix('172.16.0.0/12')] } };
    expect(summary(traceForward(forward, outside))).toEqual({ possible: ['ACCEPT@3?', 'ACCEPT@4?'], final: 'DROP@5' });
  });

  test('IPv6 prefixes', () => {
    const forward = table(dump('*filter', ':FORWARD DROP [0:0]', '-A FORWARD ! -s fd00:1::/64 -o br-b -j DROP', '-A FORWARD -o br-b -j ACCEPT', 'COMMIT'));
    expect(summary(traceForward(forward, { ...A_TO_B, family: 'ipv6', source: { outside: [prefix('fd00:1::/64')] } })).final).toBe('DROP@3');
    expect(summary(traceForward(forward, { ...A_TO_B, family: 'ipv6', source: { within: [prefix('fd00:1::2/128')] } })).final).toBe('ACCEPT@4');
  });
});

describe('chains', () => {
  test('a jump comes back on RETURN and at the end of the chain; a goto returns from the caller', () => {
    const forward = filter('ACCEPT', ':one - [0:0]', ':two - [0:0]', '-A FORWARD -j one', '-A FORWARD -g two', '-A FORWARD -j DROP', '-A one -j RETURN', '-A one -j DROP', '-A two -j LOG');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: [], final: 'ACCEPT@policy' });
  });

  test('a chain that may come back before its certain DROP: the caller goes on, conditionally', () => {
    const forward = filter('DROP', ':stage - [0:0]', '-A FORWARD -j stage', '-A FORWARD -j ACCEPT', '-A stage -m mark --mark 0x1 -j RETURN', '-A stage -j DROP');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: ['ACCEPT@5?'], final: 'DROP@7' });
  });

  test('a conditional jump: whatever the chain decides is conditional', () => {
    const forward = filter('DROP', ':docker - [0:0]', '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j docker', '-A FORWARD -i br-a -j ACCEPT', '-A docker -j DROP');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: ['DROP@6?'], final: 'ACCEPT@5' });
  });

  test("Docker 18.05+'s two-stage isolation drops a packet from one bridge to another", () => {
    const forward = filter(
      'ACCEPT',
      ':S1 - [0:0]',
      ':S2 - [0:0]',
      '-A FORWARD -j S1',
      '-A FORWARD -i br-a ! -o br-a -j ACCEPT',
      '-A S1 -i br-a ! -o br-a -j S2',
      '-A S1 -i br-b ! -o br-b -j S2',
      '-A S1 -j RETURN',
      '-A S2 -o br-b -j DROP',
      '-A S2 -o br-a -j DROP',
      '-A S2 -j RETURN',
    );
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: [], final: 'DROP@10' });
    expect(summary(traceForward(forward, { ...A_TO_B, outInterface: { name: 'eth0' } }))).toEqual({ possible: [], final: 'ACCEPT@6' });
  });

  test('a chain loop ends the walk with an UNKNOWN possibility instead of recursing', () => {
    const forward = filter('DROP', ':a - [0:0]', ':b - [0:0]', '-A FORWARD -j a', '-A a -j b', '-A b -j a');
    const result = traceForward(forward, A_TO_B)!;
    expect(summary(result)).toEqual({ possible: ['UNKNOWN@policy?'], final: 'DROP@policy' });
    expect(describeOutcome(result.possible[0])).toContain('the chain loop through a');
  });

  test('a target the walk does not know may decide; LOG and MARK do not', () => {
    const forward = filter('DROP', '-A FORWARD -j LOG', '-A FORWARD -j MARK --set-mark 0x1', '-A FORWARD -j NFQUEUE --queue-num 1', '-A FORWARD -j ACCEPT');
    expect(summary(traceForward(forward, A_TO_B))).toEqual({ possible: [], final: 'NFQUEUE@5' });
    const unknown = filter('DROP', '-A FORWARD -j SOMETHING', '-A FORWARD -j ACCEPT');
    expect(summary(traceForward(unknown, A_TO_B))).toEqual({ possible: ['SOMETHING@3?'], final: 'ACCEPT@4' });
  });

  test('a built-in chain without a policy in the dump ends in UNKNOWN', () => {
    const result = traceForward(filter('-', '-A FORWARD -o eth0 -j ACCEPT'), A_TO_B)!;
    expect(summary(result)).toEqual({ possible: [], final: 'UNKNOWN@policy' });
    expect(describeOutcome(result.final)).toContain('whose policy the dump does not give');
  });

  test('nat POSTROUTING: MASQUERADE is a verdict, and a missing start chain gives null', () => {
    const nat = table(dump('*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -s 172.20.0.0/16 ! -o br-b -j MASQUERADE', 'COMMIT'), 'nat');
    const packet: PacketSpec = { family: 'ipv4', outInterface: { except: ['br-b'] }, source: { within: [prefix('172.20.0.0/16')] } };
    expect(summary(tracePath(nat, 'POSTROUTING', packet))).toEqual({ possible: [], final: 'MASQUERADE@3' });
    expect(tracePath(nat, 'PREROUTING', packet)).toBeNull();
  });

  test('a rule for the other family is skipped', () => {
    const forward = table(dump('*filter', ':FORWARD DROP [0:0]', '-6 -A FORWARD -j ACCEPT', '-4 -A FORWARD -j REJECT', 'COMMIT'));
    expect(summary(traceForward(forward, A_TO_B)).final).toBe('REJECT@4');
  });
});

describe('cost', () => {
  test('a chain jumped to from many rules is walked once per packet', () => {
    const shared = Array.from({ length: 2000 }, (_, index) => `-A shared -s 10.${index >> 8}.${index & 255}.0/24 -j RETURN`);
    // Each RETURN hangs on the source address, so every jump comes back and the next one follows.
    const jumps = Array.from({ length: 500 }, () => '-A FORWARD -j shared');
    const forward = filter('DROP', ':shared - [0:0]', ...jumps, ...shared);
    let reads = 0;
    for (const chain of forward.chains) {
      for (const rule of chain.rules) {
        const parameters = rule.parameters;
        Object.defineProperty(rule, 'parameters', {
          get: () => {
            reads++;
            return parameters;
          },
        });
      }
    }
    traceForward(forward, A_TO_B);
    expect(reads).toBeLessThanOrEqual(500 + 2000);
  });
});
