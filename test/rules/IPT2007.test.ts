import { rule } from '../../rules/IPT2007.target-wrong-place';
import { lintDump } from '../../src/lint/engine';
import { parseDump } from '../../src/parser/parse-dump';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

const DOCKER_20_10_NAT = dump(
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  ':DOCKER - [0:0]',
  '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
  '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
  '-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
  '-A DOCKER -i docker0 -j RETURN',
  '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
  'COMMIT',
);

const KUBE_PROXY = dump(
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':KUBE-SERVICES - [0:0]',
  '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A KUBE-SERVICES -d 10.96.44.7/32 -p tcp -m comment --comment "shop/ledger:grpc has no endpoints" -m tcp --dport 9090 -j REJECT --reject-with icmp-port-unreachable',
  'COMMIT',
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  ':KUBE-MARK-MASQ - [0:0]',
  ':KUBE-POSTROUTING - [0:0]',
  ':KUBE-SEP-AAQ4C2MZ5TNX7W3E - [0:0]',
  ':KUBE-SERVICES - [0:0]',
  ':KUBE-SVC-Q7VZ3ZJ4KXH2L5MB - [0:0]',
  '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  '-A KUBE-SEP-AAQ4C2MZ5TNX7W3E -s 10.244.1.7/32 -m comment --comment "shop/cart:http" -j KUBE-MARK-MASQ',
  '-A KUBE-SEP-AAQ4C2MZ5TNX7W3E -p tcp -m comment --comment "shop/cart:http" -m tcp -j DNAT --to-destination 10.244.1.7:8080',
  '-A KUBE-SERVICES -d 10.96.12.9/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-Q7VZ3ZJ4KXH2L5MB',
  '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.1.7:8080" -j KUBE-SEP-AAQ4C2MZ5TNX7W3E',
  'COMMIT',
);

testRule(rule, {
  valid: [
    { name: 'Docker 20.10 nat: DNAT in DOCKER, reached from PREROUTING and OUTPUT; MASQUERADE in POSTROUTING', dump: DOCKER_20_10_NAT },
    { name: 'kube-proxy: DNAT three chains below PREROUTING/OUTPUT, MASQUERADE below POSTROUTING, REJECT below INPUT/FORWARD/OUTPUT', dump: KUBE_PROXY },
    {
      name: 'Docker 28 raw DROP and the SCTP CHECKSUM rule in mangle',
      dump: dump(
        '*raw',
        ':PREROUTING ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        '-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP',
        'COMMIT',
        '*mangle',
        ':POSTROUTING ACCEPT [0:0]',
        '-A POSTROUTING -p sctp -m sctp --sport 9000 -j CHECKSUM --checksum-fill',
        'COMMIT',
      ),
    },
    {
      name: 'SNAT in nat INPUT (Linux 2.6.36+) and NETMAP in any nat chain',
      dump: dump('*nat', ':INPUT ACCEPT [0:0]', ':PREROUTING ACCEPT [0:0]', '-A INPUT -s 10.0.0.0/8 -j SNAT --to-source 192.0.2.1', '-A PREROUTING -d 198.51.100.0/24 -j NETMAP --to 10.1.0.0/24', 'COMMIT'),
    },
    {
      name: 'a user chain that nothing reaches is not judged by its hooks',
      dump: dump('*nat', ':POSTROUTING ACCEPT [0:0]', ':PORTFWD - [0:0]', '-A POSTROUTING -o eth0 -j MASQUERADE', '-A PORTFWD -p tcp --dport 2222 -j DNAT --to-destination 10.0.0.5:22', 'COMMIT'),
    },
    {
      name: 'REJECT in a filter chain reached from INPUT and FORWARD',
      dump: dump('*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':reject-all - [0:0]', '-A INPUT -j reject-all', '-A FORWARD -g reject-all', '-A reject-all -p tcp -j REJECT --reject-with tcp-reset', '-A reject-all -j REJECT', 'COMMIT'),
    },
    {
      name: 'TCPMSS: clamping in mangle FORWARD, a fixed MSS anywhere; clamping in a user chain is left alone (only iptables-legacy refuses it)',
      dump: dump(
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        ':FORWARD ACCEPT [0:0]',
        ':CLAMP - [0:0]',
        '-A PREROUTING -j CLAMP',
        '-A PREROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400',
        '-A FORWARD -o ppp0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
        '-A CLAMP -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
        'COMMIT',
      ),
    },
    {
      name: 'MARK and CONNMARK work in any table, TRACE too with iptables-nft (which makes it `meta nftrace`)',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -j CONNMARK --save-mark', '-A INPUT -p tcp --dport 22 -j TRACE', 'COMMIT', '*raw', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j MARK --set-xmark 0x1/0xffffffff', 'COMMIT'),
    },
    {
      name: 'TPROXY in a mangle chain reached only from PREROUTING',
      dump: dump(
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        ':DIVERT - [0:0]',
        ':PROXY - [0:0]',
        '-A PREROUTING -p tcp -m socket -j DIVERT',
        '-A PREROUTING -p tcp -m tcp --dport 80 -j PROXY',
        '-A DIVERT -j MARK --set-xmark 0x1/0xffffffff',
        '-A DIVERT -j ACCEPT',
        '-A PROXY -p tcp -j TPROXY --on-port 3129 --on-ip 127.0.0.1 --tproxy-mark 0x1/0x1',
        'COMMIT',
      ),
    },
    {
      name: 'CT in raw; CLASSIFY in mangle POSTROUTING; SYNPROXY in filter INPUT',
      dump: dump(
        '*raw',
        ':PREROUTING ACCEPT [0:0]',
        '-A PREROUTING -i eth0 -p tcp -m tcp --syn --dport 80 -j CT --notrack',
        'COMMIT',
        '*mangle',
        ':POSTROUTING ACCEPT [0:0]',
        '-A POSTROUTING -o eth0 -p udp --dport 5060 -j CLASSIFY --set-class 1:10',
        'COMMIT',
        '*filter',
        ':INPUT ACCEPT [0:0]',
        '-A INPUT -i eth0 -p tcp -m tcp --dport 80 -m conntrack --ctstate INVALID,UNTRACKED -j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460',
        'COMMIT',
      ),
    },
    {
      name: 'ip6tables: SNPT and DNPT in mangle, MASQUERADE in nat POSTROUTING',
      dump: dump(
        '# Generated by ip6tables-save v1.8.9 (nf_tables)',
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        '-A PREROUTING -d 2001:db8:1::/48 -i eth0 -j DNPT --src-pfx 2001:db8:1::/48 --dst-pfx fd00:1::/48',
        '-A POSTROUTING -s fd00:1::/48 -o eth0 -j SNPT --src-pfx fd00:1::/48 --dst-pfx 2001:db8:1::/48',
        'COMMIT',
        '*nat',
        ':POSTROUTING ACCEPT [0:0]',
        '-A POSTROUTING -s fd00:dead:beef::/64 ! -o br-10dcb8f6df77 -j MASQUERADE',
        'COMMIT',
      ),
    },
    {
      name: 'a rule for the other family is not loaded into this one',
      dump: dump('*filter', ':FORWARD ACCEPT [0:0]', '-6 -A FORWARD -j MASQUERADE', 'COMMIT'),
    },
    {
      name: 'a user chain reached from a built-in chain only by a jump of the other family',
      dump: dump('*nat', ':PREROUTING ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':A - [0:0]', '-A PREROUTING -j A', '-6 -A POSTROUTING -j A', '-A A -p tcp -j DNAT --to-destination 10.0.0.1', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'a user chain reached from a built-in chain by a jump of this family only',
      dump: dump('*nat', ':PREROUTING ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':A - [0:0]', '-A PREROUTING -j A', '-4 -A POSTROUTING -j A', '-A A -p tcp -j DNAT --to-destination 10.0.0.1', 'COMMIT'),
      findings: [{ line: 7, message: ['-j DNAT', 'reached from POSTROUTING'], chain: 'A' }],
    },
    {
      name: 'MASQUERADE in filter FORWARD',
      dump: dump('*filter', ':FORWARD DROP [0:0]', '-A FORWARD -i wg0 -o eth0 -j ACCEPT', '-A FORWARD -s 10.8.0.0/24 -o eth0 -j MASQUERADE', 'COMMIT'),
      findings: [{ line: 4, message: ['-j MASQUERADE', 'nat POSTROUTING', 'not in table filter'], chain: 'FORWARD' }],
    },
    {
      name: 'DNAT in nat POSTROUTING',
      dump: dump('*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80', 'COMMIT'),
      findings: [{ line: 3, message: ['-j DNAT', 'nat PREROUTING and OUTPUT', 'not in POSTROUTING'], chain: 'POSTROUTING' }],
    },
    {
      name: 'MASQUERADE added to Docker\'s nat DOCKER chain, which PREROUTING and OUTPUT reach',
      dump: DOCKER_20_10_NAT.replace('COMMIT\n', '-A DOCKER -s 172.17.0.0/16 -j MASQUERADE\nCOMMIT\n'),
      findings: [{ line: 13, message: ['-j MASQUERADE', 'chain DOCKER is reached from PREROUTING and OUTPUT'], chain: 'DOCKER' }],
    },
    {
      name: 'a DNAT chain that POSTROUTING also reaches, through a goto',
      dump: dump(
        '*nat',
        ':PREROUTING ACCEPT [0:0]',
        ':POSTROUTING ACCEPT [0:0]',
        ':FWD - [0:0]',
        ':FWD-WEB - [0:0]',
        '-A PREROUTING -i eth0 -j FWD',
        '-A POSTROUTING -o eth1 -g FWD-WEB',
        '-A FWD -p tcp -m tcp --dport 80 -j FWD-WEB',
        '-A FWD-WEB -p tcp -j DNAT --to-destination 10.0.0.5',
        'COMMIT',
      ),
      findings: [{ line: 9, message: ['-j DNAT', 'chain FWD-WEB is reached from POSTROUTING'], chain: 'FWD-WEB' }],
    },
    {
      name: 'REJECT in mangle and raw',
      dump: dump('*raw', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p udp --dport 53 -j REJECT', 'COMMIT', '*mangle', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 25 -j REJECT --reject-with tcp-reset', 'COMMIT'),
      findings: [
        { line: 3, message: ['-j REJECT', 'filter INPUT, FORWARD and OUTPUT', 'not in table raw'] },
        { line: 7, message: ['-j REJECT', 'not in table mangle'] },
      ],
    },
    {
      name: 'NOTRACK in filter and CT in mangle',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p udp --dport 53 -j NOTRACK', 'COMMIT', '*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p udp --dport 123 -j CT --notrack', 'COMMIT'),
      findings: [
        { line: 3, message: ['-j NOTRACK', 'table raw', 'not in table filter'] },
        { line: 7, message: ['-j CT', 'not in table mangle'] },
      ],
    },
    {
      name: 'TPROXY in mangle INPUT',
      dump: dump('*mangle', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp --dport 80 -j TPROXY --on-port 3129', 'COMMIT'),
      findings: [{ line: 3, message: ['-j TPROXY', 'mangle PREROUTING', 'not in INPUT'], chain: 'INPUT' }],
    },
    {
      name: 'DSCP in a filter chain that nothing reaches: the table alone decides',
      dump: dump('*filter', ':QOS - [0:0]', '-A QOS -p udp --dport 5060 -j DSCP --set-dscp-class EF', 'COMMIT'),
      findings: [{ line: 3, message: ['-j DSCP', 'table mangle', 'not in table filter'], chain: 'QOS' }],
    },
    {
      name: 'TCPMSS --clamp-mss-to-pmtu in mangle PREROUTING',
      dump: dump('*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', 'COMMIT'),
      findings: [{ line: 3, message: ['-j TCPMSS --clamp-mss-to-pmtu', 'FORWARD, OUTPUT and POSTROUTING', 'not in PREROUTING'] }],
    },
    {
      name: 'CLASSIFY in a mangle chain reached from INPUT',
      dump: dump('*mangle', ':INPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':qos - [0:0]', '-A INPUT -j qos', '-A POSTROUTING -j qos', '-A qos -p tcp --sport 22 -j CLASSIFY --set-class 1:1', 'COMMIT'),
      findings: [{ line: 7, message: ['-j CLASSIFY', 'chain qos is reached from INPUT'], chain: 'qos' }],
    },
    {
      name: 'SNAT in nat OUTPUT and MASQUERADE in nat INPUT',
      dump: dump('*nat', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -j MASQUERADE', '-A OUTPUT -o eth0 -j SNAT --to-source 192.0.2.1', 'COMMIT'),
      findings: [
        { line: 4, message: ['-j MASQUERADE', 'not in INPUT'] },
        { line: 5, message: ['-j SNAT', 'nat INPUT and POSTROUTING', 'not in OUTPUT'] },
      ],
    },
    {
      name: 'ip6tables: SNPT in nat and DNPT in mangle POSTROUTING',
      dump: dump(
        '# Generated by ip6tables-save v1.8.9 (nf_tables)',
        '*nat',
        ':POSTROUTING ACCEPT [0:0]',
        '-A POSTROUTING -o eth0 -j SNPT --src-pfx fd00:1::/48 --dst-pfx 2001:db8:1::/48',
        'COMMIT',
        '*mangle',
        ':POSTROUTING ACCEPT [0:0]',
        '-A POSTROUTING -o eth0 -j DNPT --src-pfx 2001:db8:1::/48 --dst-pfx fd00:1::/48',
        'COMMIT',
      ),
      findings: [
        { line: 4, message: ['-j SNPT', 'not in table nat'] },
        { line: 8, message: ['-j DNPT', 'mangle PREROUTING and OUTPUT', 'not in POSTROUTING'] },
      ],
    },
  ],
});

describe('IPT2007 shows how the chain is reached', () => {
  test('the jumps from the built-in chain, in order', () => {
    const text = dump('*nat', ':POSTROUTING ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A POSTROUTING -j A', '-A A -j B', '-A B -j REDIRECT --to-ports 3128', 'COMMIT');
    const [finding] = lintDump(parseDump(text).dump, { rules: [rule] });
    expect(finding.line).toBe(7);
    expect(finding.related).toEqual([
      { line: 5, message: 'POSTROUTING jumps to A' },
      { line: 6, message: 'A jumps to B' },
    ]);
  });

  test('each finding of a table names the first hook that reaches it, with the path from that hook', () => {
    const text = dump(
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
      ':A - [0:0]',
      ':B - [0:0]',
      '-A PREROUTING -j A',
      '-A POSTROUTING -j A',
      '-A INPUT -j B',
      '-A B -j A',
      '-A A -p tcp -j REDIRECT --to-ports 3128',
      '-A B -j DNAT --to-destination 10.0.0.1',
      'COMMIT',
    );
    const findings = lintDump(parseDump(text).dump, { rules: [rule] });
    expect(findings.map((finding) => [finding.line, finding.message.match(/reached from (.+?);/)?.[1], finding.related])).toEqual([
      [
        11,
        'INPUT and POSTROUTING',
        [
          { line: 9, message: 'INPUT jumps to B' },
          { line: 10, message: 'B jumps to A' },
        ],
      ],
      [12, 'INPUT', [{ line: 9, message: 'INPUT jumps to B' }]],
    ]);
  });
});

expectSilentOnDockerSamples(rule);
