import { rule } from '../../rules/IPT2005.unreachable-rule';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

testRule(rule, {
  valid: [
    {
      name: 'a catch-all as the last rule',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', '-A INPUT -i lo -j ACCEPT', '-A INPUT -j DROP', '-A DOCKER-USER -i eth0 -p tcp -m tcp --dport 23 -j DROP', '-A DOCKER-USER -j RETURN', 'COMMIT'),
    },
    {
      name: 'a -j CHAIN for every packet (the chain may return)',
      dump: dump('*filter', ':INPUT DROP [0:0]', ':SERVICES - [0:0]', '-A INPUT -j SERVICES', '-A INPUT -i lo -j ACCEPT', '-A SERVICES -p tcp -m tcp --dport 22 -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'a negated parameter is not every packet',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT ! -i lo -j DROP', '-A INPUT ! -s 0.0.0.0/0 -j DROP', '-A INPUT ! -i + -j DROP', '-A INPUT -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'a negated match is not every packet',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m conntrack ! --ctstate INVALID -j ACCEPT', '-A INPUT -m conntrack --ctstate INVALID -j DROP', 'COMMIT'),
    },
    {
      name: 'targets that let the packet go on',
      dump: dump(
        '*mangle',
        ':PREROUTING ACCEPT [0:0]',
        '-A PREROUTING -j LOG --log-prefix "pre: "',
        '-A PREROUTING -j MARK --set-xmark 0x1/0xff',
        '-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
        '-A PREROUTING',
        '-A PREROUTING -i eth0 -j ACCEPT',
        'COMMIT',
      ),
    },
    {
      name: 'a rule that matches only some packets',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -p tcp -j REJECT --reject-with tcp-reset', '-A INPUT -f -j DROP', '-A INPUT -i eth+ -j DROP', '-A INPUT -p udp -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'a -4 catch-all does not hide -6 or unprefixed rules',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-4 -A INPUT -j DROP', '-6 -A INPUT -s ::1/128 -j ACCEPT', '-A INPUT -i lo -j ACCEPT', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'rules after an ACCEPT for everything',
      dump: dump('*filter', ':INPUT DROP [0:0]', '-A INPUT -i lo -j ACCEPT', '-A INPUT -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -j DROP', 'COMMIT'),
      findings: [
        { line: 5, message: ['never reached', 'line 4 accepts every packet first'], chain: 'INPUT' },
        { line: 6, message: ['line 4 accepts'] },
      ],
    },
    {
      name: 'a rule appended to DOCKER-USER after its RETURN',
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A DOCKER-USER -j RETURN',
        '-A DOCKER-USER -i eth0 ! -s 10.0.0.0/8 -j DROP',
        'COMMIT',
      ),
      findings: [{ line: 6, message: ['line 5 returns every packet first'], chain: 'DOCKER-USER' }],
    },
    {
      name: 'a match that is only a comment matches every packet',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -m comment --comment "default deny" -j DROP', '-A INPUT -p udp -m udp --dport 53 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 4, message: ['line 3 drops every packet first'] }],
    },
    {
      name: 'a goto for every packet never comes back',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':WEB - [0:0]', '-A INPUT -g WEB', '-A INPUT -j REJECT --reject-with icmp-port-unreachable', '-A WEB -j ACCEPT', 'COMMIT'),
      findings: [{ line: 5, message: ['line 4', '`-g`', 'WEB'] }],
    },
    {
      name: 'parameters written out that still match every packet',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -s 0.0.0.0/0 -d 0/0 -i + -p all -j REJECT', '-A INPUT -s 10.0.0.0/8 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 4, message: ['line 3 rejects every packet first'] }],
    },
    {
      name: 'SNAT after a MASQUERADE for everything',
      dump: dump('*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -j MASQUERADE', '-A POSTROUTING -o eth1 -j SNAT --to-source 203.0.113.5', 'COMMIT'),
      findings: [{ line: 4, message: ['line 3 masquerades every packet first'] }],
    },
    {
      name: 'a -4 catch-all hides the -4 rules after it',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-4 -A INPUT -j DROP', '-4 -A INPUT -s 10.0.0.1/32 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 4, message: ['line 3 drops'] }],
    },
    {
      name: 'an unprefixed rule after a -4 and a -6 catch-all names the later one',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-4 -A INPUT -j DROP', '-6 -A INPUT -j REJECT', '-A INPUT -i lo -j ACCEPT', 'COMMIT'),
      findings: [{ line: 5, message: ['line 4 rejects'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
