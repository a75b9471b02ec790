import type { Family } from '../src/ast';
import { isOwnMeaning, meaningRule, ruleMeaning } from '../src/rule-meaning';
import { parseRuleText } from '../src/lint/rule-text';
import { printRuleSpec } from '../src/printer';
import { parseDump } from '../src/parser/parse-dump';

/** The meaning of one rule as it appears in a dump of that family. */
function meaning(text: string, family: Family = 'ipv4', table = 'filter', chain = 'INPUT'): string {
  const { dump, diagnostics } = parseDump(`*${table}\n:${chain} ACCEPT [0:0]\n-A ${chain} ${text}\nCOMMIT\n`, { family });
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) throw new Error(errors[0].message);
  return ruleMeaning(dump.rulesets[0].tables[0].chains[0].rules[0], family);
}

describe('ruleMeaning: spellings iptables loads as the same rule', () => {
  test.each([
    ['state is conntrack', '-m state --state NEW -j ACCEPT', '-m conntrack --ctstate NEW -j ACCEPT'],
    ['state lists are sets', '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-m state --state ESTABLISHED,RELATED -j ACCEPT'],
    ['negated states', '-m state ! --state INVALID,NEW -j ACCEPT', '-m conntrack ! --ctstate NEW,INVALID -j ACCEPT'],
    ['a host address has an implied /32', '-s 1.2.3.4 -j DROP', '-s 1.2.3.4/32 -j DROP'],
    ['implicit and explicit tcp match', '-p tcp --dport 22 -j ACCEPT', '-p tcp -m tcp --dport 22 -j ACCEPT'],
    ['option order inside a match', '-p tcp -m tcp --sport 1024:65535 --dport 443 -j ACCEPT', '-p tcp -m tcp --dport 443 --sport 1024:65535 -j ACCEPT'],
    ['parameter order', '-p tcp -i eth0 -s 10.0.0.0/8 -j ACCEPT', '-s 10.0.0.0/8 -i eth0 -p tcp -j ACCEPT'],
    ['old-style negation of a parameter', '-s ! 10.0.0.0/8 -j DROP', '! -s 10.0.0.0/8 -j DROP'],
    ['old-style negation of an option', '-p tcp -m tcp --dport ! 22 -j DROP', '-p tcp -m tcp ! --dport 22 -j DROP'],
    ['`-i +` matches every interface', '-i + -j ACCEPT', '-j ACCEPT'],
    ['protocol by number', '-p 17 -m udp --dport 53 -j ACCEPT', '-p udp -m udp --dport 53 -j ACCEPT'],
    ['tcp flag sets', '-p tcp -m tcp --tcp-flags SYN,RST,ACK SYN -j DROP', '-p tcp -m tcp --tcp-flags ACK,RST,SYN SYN -j DROP'],
    ['MARK --set-mark', '-j MARK --set-mark 0x4000', '-j MARK --set-xmark 0x4000/0xffffffff'],
    ['MARK --set-mark in decimal', '-j MARK --set-mark 16384', '-j MARK --set-xmark 0x4000/0xffffffff'],
    ['MARK --set-xmark without a mask, upper-case hex', '-j MARK --set-xmark 0X4000', '-j MARK --set-xmark 0x4000/0xffffffff'],
    ['MARK --set-mark with a mask keeps the set bits in the mask', '-j MARK --set-mark 0x1/0xff00', '-j MARK --set-xmark 0x1/0xff01'],
    ['MARK --or-mark', '-j MARK --or-mark 0x4', '-j MARK --set-xmark 0x4/0x4'],
    ['MARK --and-mark', '-j MARK --and-mark 0xffff00ff', '-j MARK --set-xmark 0x0/0xff00'],
    ['MARK --xor-mark', '-j MARK --xor-mark 0x10', '-j MARK --set-xmark 0x10/0x0'],
    ['mark match with a full mask', '-m mark --mark 0x1/0xffffffff -j ACCEPT', '-m mark --mark 1 -j ACCEPT'],
    ['target option order', '-j LOG --log-level 4 --log-prefix "in: "', '-j LOG --log-prefix "in: " --log-level 4'],
  ])('%s', (_name, left, right) => {
    const table = left.includes('MARK') ? 'mangle' : 'filter';
    const chain = table === 'mangle' ? 'PREROUTING' : 'INPUT';
    expect(meaning(left, 'ipv4', table, chain)).toBe(meaning(right, 'ipv4', table, chain));
  });

  test('IPv6 hosts have an implied /128', () => {
    expect(meaning('-s 2001:db8::1 -j ACCEPT', 'ipv6')).toBe(meaning('-s 2001:0db8:0:0::1/128 -j ACCEPT', 'ipv6'));
  });
});

describe('ruleMeaning: rules that differ', () => {
  test.each([
    ['another state set', '-m conntrack --ctstate ESTABLISHED -j ACCEPT', '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'],
    ['negated or not', '-s 10.0.0.0/8 -j DROP', '! -s 10.0.0.0/8 -j DROP'],
    ['another prefix', '-s 1.2.3.4/31 -j DROP', '-s 1.2.3.4 -j DROP'],
    ['MARK with another mask', '-j MARK --set-xmark 0x4000/0x4000', '-j MARK --set-mark 0x4000'],
    ['the order of matches', '-m conntrack --ctstate NEW -m limit --limit 5/sec -j ACCEPT', '-m limit --limit 5/sec -m conntrack --ctstate NEW -j ACCEPT'],
    ['`! -i +` matches no interface', '! -i + -j ACCEPT', '-j ACCEPT'],
    ['jump and goto', '-j DOCKER', '-g DOCKER'],
  ])('%s', (_name, left, right) => {
    const table = left.includes('MARK') ? 'mangle' : 'filter';
    const chain = table === 'mangle' ? 'PREROUTING' : 'INPUT';
    expect(meaning(left, 'ipv4', table, chain)).not.toBe(meaning(right, 'ipv4', table, chain));
  });
});

describe('parseRuleText', () => {
  test('reads a policy rule in its chain and gives the canonical text and meaning', () => {
    const parsed = parseRuleText('filter', 'DOCKER-USER', '-i eth0 -p tcp --dport 5432 -j DROP', 'ipv4');
    expect(parsed).toMatchObject({ ok: true, canonical: '-i eth0 -p tcp -m tcp --dport 5432 -j DROP' });
  });

  test('keeps the text as written in the canonical form, merging only in the meaning', () => {
    const parsed = parseRuleText('filter', 'INPUT', '-m state --state RELATED,ESTABLISHED -j ACCEPT', 'ipv4');
    expect(parsed).toMatchObject({ ok: true, canonical: '-m state --state RELATED,ESTABLISHED -j ACCEPT', meaning: '-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT' });
  });

  test.each([
    ['an address of the other family', '-s 1.2.3.4 -j DROP', 'ipv6'],
    ['a port out of range', '-p tcp --dport 70000 -j ACCEPT', 'ipv4'],
    ['an option without its match', '--dport 22 -j ACCEPT', 'ipv4'],
  ] as const)('reports %s as a problem', (_name, text, family) => {
    const parsed = parseRuleText('filter', 'INPUT', text, family);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(/\(IPT1\d{3}\)$/);
  });
});

describe('isOwnMeaning: a rule that already says what it means is printed once for both', () => {
  const ruleOf = (text: string) => parseDump(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${text}\nCOMMIT\n`).dump.rulesets[0].tables[0].chains[0].rules[0];
  test.each([
    ['-p tcp -m tcp --dport 22 -j ACCEPT', true],
    ['-s 10.0.0.0/8 -m comment --comment "ssh" -j DROP', true],
    ['-p tcp -j REJECT --reject-with tcp-reset', true],
    // Every MARK option is rewritten as `--set-xmark value/mask`; one already written so is kept.
    ['-j MARK --set-xmark 0x4000/0xffffffff', true],
    ['-j MARK --set-xmark 0x4000', false],
    ['-m state --state NEW -j ACCEPT', false],
    ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', false],
    ['-p tcp -m tcp --tcp-flags SYN,RST,ACK SYN -j DROP', false],
    ['-j MARK --set-mark 0x4000', false],
    ['-p tcp -m tcp --sport 1024:65535 --dport 443 -j ACCEPT', false],
  ])('%s: %s', (text, own) => {
    const rule = ruleOf(text);
    const meaning = meaningRule(rule);
    expect(isOwnMeaning(meaning, rule)).toBe(own);
    if (own) expect(printRuleSpec(meaning, 'ipv4')).toBe(printRuleSpec(rule, 'ipv4'));
  });
});
