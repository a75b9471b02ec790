import { rule } from '../../rules/IPT2004.duplicate-rule';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

/** Rules of one chain with a target each, past the length up to which the rule compares targets pair by pair. */
/** Rules of one chain with one target, told apart by their comments only (kube-proxy's REJECT rules for services without endpoints). */
const commentedRules = (count: number): string[] => Array.from({ length: count }, (_, index) => `-A INPUT -p tcp -m comment --comment "svc${index} has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`);

const distinctRules = (count: number): string[] => Array.from({ length: count }, (_, index) => `-A INPUT -p tcp -m tcp --dport ${index + 1} -j LOG${index}`);

testRule(rule, {
  valid: [
    {
      name: 'the same rule in two chains',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', '-A INPUT -m conntrack --ctstate INVALID -j DROP', '-A FORWARD -m conntrack --ctstate INVALID -j DROP', 'COMMIT'),
    },
    {
      name: 'a rule and its negation',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -s 192.168.1.0/24 -j ACCEPT', '-A INPUT ! -s 192.168.1.0/24 -j ACCEPT', '-A INPUT -m conntrack --ctstate NEW -j LOG', '-A INPUT -m conntrack ! --ctstate NEW -j LOG', 'COMMIT'),
    },
    {
      name: 'rules that differ only in their target or comment',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j DROP', '-A INPUT -m comment --comment "ssh from office" -j ACCEPT', '-A INPUT -m comment --comment "ssh from home" -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'a long chain of rules with one target, told apart by their comments',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ...commentedRules(40), 'COMMIT'),
    },
    {
      name: 'rules with the same target and comment that differ elsewhere',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ...commentedRules(20), '-A INPUT -p tcp -m comment --comment "svc3 has no endpoints" -m tcp --dport 81 -j REJECT --reject-with icmp-port-unreachable', 'COMMIT'),
    },
    {
      name: 'a jump and a goto to the same chain',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':SERVICES - [0:0]', '-A INPUT -j SERVICES', '-A INPUT -g SERVICES', 'COMMIT'),
    },
    {
      name: 'a long chain whose rules share a target but differ',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ...Array.from({ length: 40 }, (_, index) => `-A INPUT -p tcp -m tcp --dport ${index + 1} -j ACCEPT`), 'COMMIT'),
    },
    {
      name: 'Docker publishing two ports of one container',
      dump: dump(
        '*filter',
        ':DOCKER - [0:0]',
        '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
        '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 443 -j ACCEPT',
        '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p udp -m udp --dport 443 -j ACCEPT',
        'COMMIT',
      ),
    },
    {
      name: "kube-proxy's load-balancing rules",
      dump: dump(
        '*nat',
        ':KUBE-SVC-Q7VZ3ZJ4KXH2L5MB - [0:0]',
        ':KUBE-SEP-AAQ4C2MZ5TNX7W3E - [0:0]',
        ':KUBE-SEP-BR6Y7QKD2PLV4HJA - [0:0]',
        '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-AAQ4C2MZ5TNX7W3E',
        '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.2.9:8080" -j KUBE-SEP-BR6Y7QKD2PLV4HJA',
        'COMMIT',
      ),
    },
    {
      name: 'a -4 and a -6 copy of one rule',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-4 -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-6 -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'an unprefixed rule after its -4 copy (still new in IPv6)',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-4 -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'the same line twice, with different counters',
      dump: dump('*filter', ':INPUT DROP [0:0]', '[120:7200] -A INPUT -s 203.0.113.7/32 -j DROP', '[0:0] -A INPUT -i lo -j ACCEPT', '[0:0] -A INPUT -s 203.0.113.7/32 -j DROP', 'COMMIT'),
      findings: [{ line: 5, message: ['same as line 3', 'INPUT'], chain: 'INPUT' }],
    },
    {
      name: 'the same rule written differently',
      dump: dump(
        '*filter',
        ':INPUT ACCEPT [0:0]',
        '-A INPUT -s 1.2.3.4 -j DROP',
        '-A INPUT -s 1.2.3.4/32 -j DROP',
        '-A INPUT -i eth0 -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT',
        '-A INPUT -s 10.1.2.3/255.0.0.0 -p 6 -i eth0 -m tcp --destination-port 22 -j ACCEPT',
        'COMMIT',
      ),
      findings: [{ line: 4, message: ['same as line 3'] }, { line: 6, message: ['same as line 5'] }],
    },
    {
      name: 'three copies name the first one',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'COMMIT'),
      findings: [{ line: 4, message: ['same as line 3'] }, { line: 5, message: ['same as line 3'] }],
    },
    {
      name: 'a boot script that appended its DOCKER-USER rule twice',
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP',
        '-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
      ),
      findings: [{ line: 6, message: ['same as line 5', 'DOCKER-USER'], chain: 'DOCKER-USER' }],
    },
    {
      name: 'a jump to a chain taken twice',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':SERVICES - [0:0]', '-A INPUT -j SERVICES', '-A INPUT -i + -j SERVICES', 'COMMIT'),
      findings: [{ line: 5, message: ['same as line 4'] }],
    },
    {
      name: 'a copy far down a long chain',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', ...distinctRules(30), '-A INPUT -p tcp --dport 22 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 34, message: ['same as line 3'] }],
    },
    {
      name: 'a copy among rules told apart by comments, its comment and address written differently',
      dump: dump(
        '*filter',
        ':INPUT ACCEPT [0:0]',
        '-A INPUT -s 10.0.0.1 -m comment --comment web -j ACCEPT',
        ...commentedRules(20),
        '-A INPUT -p 6 -m comment --comment "svc3 has no endpoints" -m tcp --destination-port 80 -j REJECT --reject-with icmp-port-unreachable',
        '-A INPUT -s 10.0.0.1/32 -m comment --comment "web" -j ACCEPT',
        'COMMIT',
      ),
      findings: [{ line: 24, message: ['same as line 7'] }, { line: 25, message: ['same as line 3'] }],
    },
    {
      name: 'rules without a target, in a short chain and in a long one',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':COUNT - [0:0]', '-A COUNT -p tcp', '-A COUNT -p tcp', '-A INPUT -p udp', ...distinctRules(20), '-A INPUT -p udp', 'COMMIT'),
      findings: [{ line: 5, message: ['same as line 4'] }, { line: 27, message: ['same as line 6'] }],
    },
    {
      name: 'a -4 rule after its unprefixed copy',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-4 -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 4, message: ['same as line 3'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
