import { parseDump } from '../../src/parser/parse-dump';
import { tracePacket } from '../../src/trace/evaluate';
import { hostModel, parsePacket } from '../../src/trace/packet-input';
import { replyPacket } from '../../src/trace/reply';
import { dump, summary, trace, verdictOf } from './helpers';

const filter = (policy: { input?: string; forward?: string; output?: string }, ...rules: string[]): string =>
  dump('*filter', `:INPUT ${policy.input ?? 'ACCEPT'} [0:0]`, `:FORWARD ${policy.forward ?? 'ACCEPT'} [0:0]`, `:OUTPUT ${policy.output ?? 'ACCEPT'} [0:0]`, ...rules, 'COMMIT');

/** A forwarded packet: eth0 → eth1. */
const forwarded = { in: 'eth0', out: 'eth1' };

describe('built-in policies and plain verdicts', () => {
  test('the chain policy decides when no rule matches', () => {
    expect(verdictOf(trace(filter({ forward: 'DROP' }), forwarded))).toBe('DROP@FORWARD policy');
    expect(verdictOf(trace(filter({ forward: 'ACCEPT' }), forwarded))).toBe('ACCEPT@FORWARD policy');
  });

  test('ACCEPT, DROP and REJECT rules decide at their line', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT', '-A FORWARD -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset', '-A FORWARD -p udp -j DROP');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 22 }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 23 }))).toBe('REJECT@6');
    expect(verdictOf(trace(text, { ...forwarded, protocol: 'udp', destinationPort: 53 }))).toBe('DROP@7');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 80 }))).toBe('DROP@FORWARD policy');
  });

  test('a built-in chain without a policy in the dump gives an unknown verdict, never a guess', () => {
    // iptables-nft prints `-` for a base chain whose policy it leaves alone.
    const text = dump('*filter', ':FORWARD - [0:0]', '-A FORWARD -p udp -j DROP', 'COMMIT');
    const result = trace(text, forwarded);
    expect(summary(result)).toEqual(['UNKNOWN@FORWARD policy']);
    expect(result.outcomes[0].reason).toContain('does not give the policy of filter FORWARD');
  });

  test('a packet to the host goes through INPUT, one it sends through OUTPUT', () => {
    const text = filter({ input: 'DROP', output: 'DROP' }, '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A OUTPUT -d 203.0.113.0/24 -j ACCEPT');
    const toHost = trace(text, { destination: '192.0.2.10', destinationPort: 22, local: ['192.0.2.10'] });
    expect(verdictOf(toHost)).toBe('ACCEPT@5');
    expect(toHost.outcomes[0].delivery).toBe('host');
    expect(verdictOf(trace(text, { destination: '192.0.2.10', destinationPort: 80, local: ['192.0.2.10'] }))).toBe('DROP@INPUT policy');
    const sent = trace(text, { in: undefined, source: '192.0.2.10', destination: '203.0.113.5', destinationPort: 443, out: 'eth0', local: ['192.0.2.10'] });
    expect(verdictOf(sent)).toBe('ACCEPT@6');
    expect(sent.outcomes[0].delivery).toBe('sent');
    expect(verdictOf(trace(text, { in: undefined, source: '192.0.2.10', destination: '198.51.100.1', out: 'eth0' }))).toBe('DROP@OUTPUT policy');
  });
});

describe('matches', () => {
  test('addresses with prefix lengths, dotted and non-contiguous masks, and negation', () => {
    const text = filter(
      { forward: 'DROP' },
      '-A FORWARD -s 10.0.0.0/8 -j ACCEPT',
      '-A FORWARD -s 172.16.0.0/255.240.0.0 -j REJECT',
      '-A FORWARD -d 0.0.0.5/0.0.0.255 -j ACCEPT',
      '-A FORWARD ! -s 192.168.0.0/16 -d 203.0.113.9/32 -j ACCEPT',
    );
    expect(verdictOf(trace(text, { ...forwarded, source: '10.9.8.7' }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { ...forwarded, source: '172.31.0.1' }))).toBe('REJECT@6');
    expect(verdictOf(trace(text, { ...forwarded, source: '172.32.0.1' }))).toBe('DROP@FORWARD policy');
    // Non-contiguous: any address whose last byte is 5.
    expect(verdictOf(trace(text, { ...forwarded, destination: '198.51.7.5' }))).toBe('ACCEPT@7');
    expect(verdictOf(trace(text, { ...forwarded, destination: '198.51.7.6' }))).toBe('DROP@FORWARD policy');
    expect(verdictOf(trace(text, { ...forwarded, source: '198.51.100.1', destination: '203.0.113.9' }))).toBe('ACCEPT@8');
    expect(verdictOf(trace(text, { ...forwarded, source: '192.168.1.1', destination: '203.0.113.9' }))).toBe('DROP@FORWARD policy');
  });

  test('interfaces with + wildcards and negation', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -i br-+ -o eth1 -j ACCEPT', '-A FORWARD ! -i eth+ -j REJECT', '-A FORWARD -i eth0 ! -o eth0 -j ACCEPT');
    expect(verdictOf(trace(text, { in: 'br-1a2b', out: 'eth1' }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { in: 'br-1a2b', out: 'eth2' }))).toBe('REJECT@6');
    expect(verdictOf(trace(text, { in: 'eth0', out: 'eth2' }))).toBe('ACCEPT@7');
    expect(verdictOf(trace(text, { in: 'eth0', out: 'eth0' }))).toBe('DROP@FORWARD policy');
  });

  test('protocols, port ranges, source ports and multiport', () => {
    const text = filter(
      { forward: 'DROP' },
      '-A FORWARD -p tcp -m tcp --dport 1000:2000 -j ACCEPT',
      '-A FORWARD -p tcp -m tcp --sport 53 -j ACCEPT',
      '-A FORWARD -p udp -m multiport --dports 53,123,5000:5010 -j ACCEPT',
      '-A FORWARD -p tcp -m multiport ! --dports 1:999 -j REJECT',
      '-A FORWARD -p sctp -m sctp --dport 9 -j ACCEPT',
    );
    const from = { ...forwarded, sourcePort: 40000 };
    expect(verdictOf(trace(text, { ...from, destinationPort: 1500 }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { ...from, destinationPort: 80, sourcePort: 53 }))).toBe('ACCEPT@6');
    expect(verdictOf(trace(text, { ...from, protocol: 'udp', destinationPort: 5005 }))).toBe('ACCEPT@7');
    expect(verdictOf(trace(text, { ...from, protocol: 'udp', destinationPort: 5011 }))).toBe('DROP@FORWARD policy');
    expect(verdictOf(trace(text, { ...from, destinationPort: 3000 }))).toBe('REJECT@8');
    expect(verdictOf(trace(text, { ...from, destinationPort: 80 }))).toBe('DROP@FORWARD policy');
    expect(verdictOf(trace(text, { ...from, protocol: 'sctp', destinationPort: 9 }))).toBe('ACCEPT@9');
    // Without a source port, line 6 may or may not match.
    expect(summary(trace(text, { ...forwarded, destinationPort: 80 }))).toEqual(['ACCEPT@6 if 6 holds', 'DROP@FORWARD policy if 6 fails']);
  });

  test('ICMP and ICMPv6 types by name and number', () => {
    const v4 = filter({ input: 'DROP' }, '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT', '-A INPUT -p icmp -m icmp --icmp-type 3/4 -j ACCEPT');
    const local = { destination: '192.0.2.10', local: ['192.0.2.10'], protocol: 'icmp' };
    expect(verdictOf(trace(v4, { ...local, icmpType: 'echo-request' }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(v4, { ...local, icmpType: 'fragmentation-needed' }))).toBe('ACCEPT@6');
    expect(verdictOf(trace(v4, { ...local, icmpType: 'host-unreachable' }))).toBe('DROP@INPUT policy');
    expect(verdictOf(trace(v4, { ...local, icmpType: 'timestamp-request' }))).toBe('DROP@INPUT policy');
    // Without a type the answer depends on it.
    expect(summary(trace(v4, local))).toEqual(['ACCEPT@5 if 5 holds', 'ACCEPT@6 if 5 fails, 6 holds', 'DROP@INPUT policy if 5 fails, 6 fails']);
    const v6 = dump('*filter', ':INPUT DROP [0:0]', '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT', 'COMMIT');
    const local6 = { source: '2001:db8::7', destination: '2001:db8::1', local: ['2001:db8::1'], protocol: 'icmpv6' };
    expect(verdictOf(trace(v6, { ...local6, icmpType: 'echo-request' }))).toBe('ACCEPT@3');
    expect(verdictOf(trace(v6, { ...local6, icmpType: 'neighbour-solicitation' }))).toBe('DROP@INPUT policy');
  });

  test('conntrack and state: the state given, NEW by default', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -m state --state INVALID -j REJECT', '-A FORWARD -m conntrack --ctstate NEW -p tcp -m tcp --dport 80 -j ACCEPT');
    expect(verdictOf(trace(text, { ...forwarded, state: 'ESTABLISHED', destinationPort: 5555 }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { ...forwarded, state: 'invalid' }))).toBe('REJECT@6');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 80 }))).toBe('ACCEPT@7');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 81 }))).toBe('DROP@FORWARD policy');
  });

  test('addrtype LOCAL is decided by the host addresses given', () => {
    const text = filter({ input: 'DROP' }, '-A INPUT -m addrtype --dst-type LOCAL -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -m addrtype --dst-type MULTICAST -j ACCEPT');
    expect(verdictOf(trace(text, { destination: '192.0.2.10', destinationPort: 22, local: ['192.0.2.10'] }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { destination: '127.0.0.1', destinationPort: 22 }))).toBe('ACCEPT@5');
  });

  test('marks set by MARK and CONNMARK earlier in the path are known to later matches', () => {
    const text = dump(
      '*mangle',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x10/0xff',
      '-A PREROUTING -i eth0 -p tcp -m tcp --dport 81 -j CONNMARK --set-xmark 0x2/0xffffffff',
      'COMMIT',
      '*filter',
      ':FORWARD DROP [0:0]',
      '-A FORWARD -m mark --mark 0x10/0xf0 -j ACCEPT',
      '-A FORWARD -m connmark --mark 0x2 -j REJECT',
      '-A FORWARD -m mark ! --mark 0x0 -j ACCEPT',
      'COMMIT',
    );
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 80 }))).toBe('ACCEPT@8');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 81 }))).toBe('REJECT@9');
    expect(verdictOf(trace(text, { ...forwarded, destinationPort: 82 }))).toBe('DROP@FORWARD policy');
    // An existing connection's mark is not known.
    expect(summary(trace(text, { ...forwarded, destinationPort: 82, state: 'ESTABLISHED' }))).toEqual(['REJECT@9 if 9 holds', 'DROP@FORWARD policy if 9 fails']);
  });

  test('iprange', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -m iprange --src-range 10.0.0.10-10.0.0.20 -j ACCEPT', '-A FORWARD -m iprange ! --dst-range 192.0.2.1-192.0.2.100 -j REJECT');
    expect(verdictOf(trace(text, { ...forwarded, source: '10.0.0.15' }))).toBe('ACCEPT@5');
    expect(verdictOf(trace(text, { ...forwarded, source: '10.0.0.21', destination: '192.0.2.101' }))).toBe('REJECT@6');
    expect(verdictOf(trace(text, { ...forwarded, source: '10.0.0.21', destination: '192.0.2.100' }))).toBe('DROP@FORWARD policy');
  });

  test('comments and LOG do not change anything', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -m comment --comment "hello" -j LOG --log-prefix "fw: "', '-A FORWARD -m comment --comment ok -j ACCEPT');
    const result = trace(text, forwarded);
    expect(verdictOf(result)).toBe('ACCEPT@6');
    expect(result.outcomes[0].steps.filter((step) => step.kind === 'rule').map((step) => (step.kind === 'rule' ? step.rule.line : 0))).toEqual([5, 6]);
  });
});

describe('chains: jump, goto, RETURN', () => {
  test('RETURN from a jumped-to chain goes on after the jump', () => {
    const text = dump('*filter', ':FORWARD ACCEPT [0:0]', ':A - [0:0]', '-A FORWARD -j A', '-A FORWARD -j DROP', '-A A -p udp -j ACCEPT', '-A A -j RETURN', 'COMMIT');
    expect(verdictOf(trace(text, forwarded))).toBe('DROP@5');
    expect(verdictOf(trace(text, { ...forwarded, protocol: 'udp' }))).toBe('ACCEPT@6');
  });

  test('RETURN from a chain reached by goto returns to whoever called the chain that jumped', () => {
    const viaGoto = dump('*filter', ':FORWARD ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A FORWARD -j A', '-A FORWARD -j DROP', '-A A -g B', '-A A -j REJECT', '-A B -j RETURN', 'COMMIT');
    // B returns to FORWARD (A's caller), skipping A's REJECT; FORWARD's next rule drops.
    expect(verdictOf(trace(viaGoto, forwarded))).toBe('DROP@6');
    const gotoFromBuiltin = dump('*filter', ':FORWARD ACCEPT [0:0]', ':B - [0:0]', '-A FORWARD -g B', '-A FORWARD -j DROP', 'COMMIT');
    // A goto from the built-in chain never comes back: falling off B means the policy.
    expect(verdictOf(trace(gotoFromBuiltin, forwarded))).toBe('ACCEPT@FORWARD policy');
  });

  test('RETURN in a built-in chain applies its policy', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -p tcp -j RETURN', '-A FORWARD -j ACCEPT');
    expect(verdictOf(trace(text, forwarded))).toBe('DROP@FORWARD policy');
  });

  test('a chain loop is cut off with an unknown outcome instead of running forever', () => {
    const text = dump('*filter', ':FORWARD ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A FORWARD -j A', '-A A -j B', '-A B -j A', 'COMMIT');
    const result = trace(text, forwarded);
    expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(['UNKNOWN']);
    expect(result.outcomes[0].reason).toContain('deeper than 64');
  });

  test('a jump to a target that is neither a chain nor known gives an unknown outcome', () => {
    const text = filter({ forward: 'ACCEPT' }, '-A FORWARD -j NFQUEUE --queue-num 1');
    const result = trace(text, forwarded);
    expect(summary(result)).toEqual(['UNKNOWN@5']);
    expect(result.outcomes[0].reason).toContain('hands the packet to a program');
  });
});

describe('three-valued outcomes', () => {
  const text = filter({ input: 'DROP' }, '-A INPUT -p tcp -m tcp --dport 22 -m recent --rcheck --seconds 60 --name ssh -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');

  test('an unknown match splits the answer, naming the line and the match', () => {
    const result = trace(text, { destination: '192.0.2.10', destinationPort: 22, local: ['192.0.2.10'] });
    expect(summary(result)).toEqual(['DROP@5 if 5 holds', 'ACCEPT@6 if 5 fails']);
    const condition = result.outcomes[0].conditions[0];
    expect(condition.kind === 'rule' && condition.why).toEqual(['-m recent']);
  });

  test('an unknown match on a rule the packet fails anyway does not split anything', () => {
    expect(verdictOf(trace(text, { destination: '192.0.2.10', destinationPort: 80, local: ['192.0.2.10'] }))).toBe('DROP@INPUT policy');
  });

  test('ipsets and rate limits are unknown too', () => {
    const sets = filter({ forward: 'ACCEPT' }, '-A FORWARD -m set --match-set blocklist src -j DROP', '-A FORWARD -m limit --limit 5/min -j LOG');
    expect(summary(trace(sets, forwarded))).toEqual(['DROP@5 if 5 holds', 'ACCEPT@FORWARD policy if 5 fails, 6 holds', 'ACCEPT@FORWARD policy if 5 fails, 6 fails']);
  });

  test('the same ipset asked twice about the same packet answers the same: no impossible mix of answers', () => {
    // Docker 28.0.0's FORWARD asks about docker-ext-bridges-v4 twice.
    const text = filter(
      { forward: 'DROP' },
      '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j REJECT',
    );
    expect(summary(trace(text, { ...forwarded, state: 'ESTABLISHED' }))).toEqual(['ACCEPT@5 if 5 holds', 'DROP@FORWARD policy if 5 fails']);
    // A rate limit may answer differently each time: both ways stay open.
    const limits = filter({ forward: 'DROP' }, '-A FORWARD -m limit --limit 1/s -j LOG', '-A FORWARD -m limit --limit 1/s -j ACCEPT');
    expect(summary(trace(limits, forwarded))).toHaveLength(4);
  });

  test('a source port known to be ephemeral decides rules on low ports', () => {
    const text = filter({ forward: 'DROP' }, '-A FORWARD -p tcp -m tcp --sport 0:1023 -j REJECT', '-A FORWARD -p tcp -m tcp --sport 32768:60999 -j ACCEPT');
    const parsed = parseDump(text).dump.rulesets[0];
    const packet = parsePacket({ in: 'eth0', out: 'eth1', source: '10.0.0.1', destination: '10.0.0.2', protocol: 'tcp', destinationPort: 80 });
    if (!packet.ok) throw new Error(packet.problem);
    const outcomes = tracePacket(parsed, { ...packet.packet, sourcePortSpan: [32768, 60999] }, { localAddresses: [], routes: [], knownInterfaces: [] }).outcomes;
    expect(outcomes.map((outcome) => `${outcome.verdict}@${outcome.decidedBy?.rule?.line}`)).toEqual(['ACCEPT@6']);
  });

  test('past its branch budget the tracer says it cannot tell instead of answering from part of the ways', () => {
    const rules = Array.from({ length: 5000 }, (_, index) => `-A FORWARD -m recent --rcheck --name list${index} -j ACCEPT`);
    const result = trace(filter({ forward: 'DROP' }, ...rules), forwarded);
    expect(result.outcomes.map((outcome) => outcome.verdict)).toEqual(['UNKNOWN']);
    expect(result.outcomes[0].reason).toContain('stopped after 4096 branches');
  });

  test('a field the packet leaves open is narrowed on each branch', () => {
    const ports = filter({ forward: 'DROP' }, '-A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT', '-A FORWARD -p tcp -m tcp --dport 80 -j REJECT');
    const result = trace(ports, forwarded);
    // On the branch where port 80 was accepted, the packet's port is 80; where it was not, line 6 cannot match either.
    expect(summary(result)).toEqual(['ACCEPT@5 if 5 holds', 'DROP@FORWARD policy if 5 fails']);
    expect(result.outcomes[0].final.destinationPort).toBe(80);
  });
});

describe('answers', () => {
  test('the answer to a MASQUERADEd connection is addressed to the host until conntrack maps it back in nat PREROUTING', () => {
    const text = dump(
      '*raw',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -d 10.0.0.5/32 ! -i br0 -j DROP',
      'COMMIT',
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      '-A POSTROUTING -s 10.0.0.0/24 ! -o br0 -j MASQUERADE',
      'COMMIT',
      '*filter',
      ':FORWARD DROP [0:0]',
      '-A FORWARD -i br0 -j ACCEPT',
      '-A FORWARD -o br0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      'COMMIT',
    );
    const docker = { networks: [{ name: 'lan', bridge: 'br0', ipv4: ['10.0.0.0/24'] }] };
    const there = trace(text, { in: 'br0', source: '10.0.0.5', destination: '203.0.113.1', destinationPort: 443, sourcePort: 40000, docker });
    expect(verdictOf(there)).toBe('ACCEPT@11');
    const answer = replyPacket(there.outcomes[0])!;
    expect(answer).toMatchObject({ state: 'ESTABLISHED', sourcePort: 443, destinationPort: 40000, inInterface: { except: ['br0'] }, outInterface: { name: 'br0' } });
    const ruleset = parseDump(text).dump.rulesets[0];
    const host = hostModel('ipv4', [], docker);
    if (typeof host === 'string') throw new Error(host);
    const back = tracePacket(ruleset, answer, host);
    // The raw DROP for the container's address does not see it: the answer still goes to the host's address there.
    expect(back.outcomes.map((outcome) => `${outcome.verdict}@${outcome.decidedBy?.rule?.line}`)).toEqual(['ACCEPT@12']);
    expect(back.outcomes[0].steps).toContainEqual(expect.objectContaining({ kind: 'rewrite', rule: null, what: 'destination', to: '10.0.0.5:40000' }));
  });
});

describe('NAT and routing', () => {
  const gateway = dump(
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -d 192.0.2.10/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80',
    '-A PREROUTING -p tcp -m tcp --dport 2222 -j REDIRECT --to-ports 22',
    '-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j MASQUERADE',
    'COMMIT',
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
    '-A FORWARD -d 10.0.0.5/32 -o br0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A FORWARD -i br0 -o eth0 -j ACCEPT',
    'COMMIT',
  );
  const docker = { networks: [{ name: 'lan', bridge: 'br0', ipv4: ['10.0.0.0/24'] }] };

  test('DNAT in PREROUTING rewrites the destination before routing: the packet goes through FORWARD', () => {
    const result = trace(gateway, { destination: '192.0.2.10', destinationPort: 8080, local: ['192.0.2.10'], docker });
    expect(verdictOf(result)).toBe('ACCEPT@15');
    const outcome = result.outcomes[0];
    expect(outcome.delivery).toBe('forwarded');
    expect(outcome.final.destinationPort).toBe(80);
    expect(outcome.final.outInterface).toEqual({ name: 'br0' });
    expect(outcome.steps.some((step) => step.kind === 'rewrite' && step.from === '192.0.2.10:8080' && step.to === '10.0.0.5:80')).toBe(true);
  });

  test('without the DNAT the same packet is for the host and INPUT drops it', () => {
    expect(verdictOf(trace(gateway, { destination: '192.0.2.10', destinationPort: 8081, local: ['192.0.2.10'], docker }))).toBe('DROP@INPUT policy');
  });

  test('REDIRECT sends the packet to the host on the new port', () => {
    const result = trace(gateway, { destination: '203.0.113.80', destinationPort: 2222, docker });
    expect(verdictOf(result)).toBe('ACCEPT@14');
    expect(result.outcomes[0].delivery).toBe('host');
  });

  test('NAT only sees new connections: an established packet keeps its destination', () => {
    expect(verdictOf(trace(gateway, { destination: '192.0.2.10', destinationPort: 8080, local: ['192.0.2.10'], docker, state: 'ESTABLISHED' }))).toBe('DROP@INPUT policy');
  });

  test('MASQUERADE in POSTROUTING rewrites the source of what leaves', () => {
    const result = trace(gateway, { in: 'br0', out: 'eth0', source: '10.0.0.5', destination: '203.0.113.1', destinationPort: 443, docker });
    expect(verdictOf(result)).toBe('ACCEPT@16');
    expect(result.outcomes[0].final.source.local).toBe(true);
    expect(result.outcomes[0].steps.some((step) => step.kind === 'rewrite' && step.what === 'source' && step.rule?.line === 8)).toBe(true);
  });

  test('an output interface nobody can deduce leaves -o matches undecided', () => {
    const result = trace(gateway, { in: 'br0', source: '10.0.0.5', destination: '203.0.113.1', destinationPort: 443 });
    expect(summary(result)).toEqual(['ACCEPT@16 if 16 holds', 'DROP@FORWARD policy if 16 fails']);
    // With the policy's networks, "not in any of them" is known, but not which other interface.
    const deduced = trace(gateway, { in: 'br0', source: '10.0.0.5', destination: '203.0.113.1', destinationPort: 443, docker });
    const routing = deduced.outcomes[0].steps.find((step) => step.kind === 'routing');
    expect(routing?.kind === 'routing' && routing.outInterface).toEqual({ except: ['br0'] });
  });

  test('DNAT in nat OUTPUT routes the host\'s own packet again', () => {
    const text = dump(
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      '-A OUTPUT -d 192.0.2.10/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80',
      'COMMIT',
      '*filter',
      ':OUTPUT DROP [0:0]',
      '-A OUTPUT -o br0 -j ACCEPT',
      'COMMIT',
    );
    const result = trace(text, { in: undefined, source: '192.0.2.10', destination: '192.0.2.10', destinationPort: 8080, local: ['192.0.2.10'], docker });
    expect(verdictOf(result)).toBe('ACCEPT@8');
    expect(result.outcomes[0].delivery).toBe('sent');
  });
});
