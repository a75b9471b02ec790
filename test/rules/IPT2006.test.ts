import { rule } from '../../rules/IPT2006.return-in-builtin';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

testRule(rule, {
  valid: [
    {
      name: 'RETURN in a user chain',
      dump: dump('*filter', ':FORWARD DROP [0:0]', ':DOCKER-USER - [0:0]', '-A FORWARD -j DOCKER-USER', '-A DOCKER-USER -j RETURN', 'COMMIT'),
    },
    {
      name: 'excluding traffic from NAT with RETURN',
      dump: dump('*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -d 10.0.0.0/8 -j RETURN', '-A POSTROUTING -o eth0 -j MASQUERADE', 'COMMIT'),
    },
    {
      name: 'skipping the rest of a mangle or raw chain',
      dump: dump('*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -i lo -j RETURN', '-A PREROUTING -j MARK --set-xmark 0x1/0xff', 'COMMIT', '*raw', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -i eth0 -j RETURN', '-A PREROUTING -j CT --notrack', 'COMMIT'),
    },
    {
      name: 'ACCEPT and DROP in built-in chains',
      dump: dump('*filter', ':INPUT DROP [0:0]', '-A INPUT -i lo -j ACCEPT', '-A INPUT -j DROP', 'COMMIT'),
    },
    {
      name: 'RETURN only in a comment',
      dump: dump('*filter', ':INPUT DROP [0:0]', '-A INPUT -m comment --comment "RETURN traffic" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'RETURN in FORWARD of a Docker host, whose policy is DROP',
      dump: dump(
        '*filter',
        ':INPUT ACCEPT [0:0]',
        ':FORWARD DROP [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -i wg0 -j RETURN',
        '-A FORWARD -j DOCKER-USER',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
      ),
      findings: [{ line: 5, message: ['FORWARD', 'DROP', 'dropped'], chain: 'FORWARD' }],
    },
    {
      name: 'RETURN in INPUT with policy ACCEPT',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', '-A INPUT -s 10.0.0.0/8 -j RETURN', '-A INPUT -p tcp -m tcp --dport 22 -j DROP', 'COMMIT'),
      findings: [{ line: 3, message: ['INPUT', 'policy is ACCEPT', '`-j ACCEPT`'] }],
    },
    {
      name: 'RETURN in a built-in chain whose policy the dump leaves as it is',
      dump: dump('*filter', ':INPUT - [0:0]', '-A INPUT -i lo -j RETURN', 'COMMIT'),
      findings: [{ line: 3, message: ['whatever policy'] }],
    },
    {
      name: 'RETURN in a mangle chain with policy DROP',
      dump: dump('*mangle', ':PREROUTING DROP [0:0]', '-A PREROUTING -i eth0 -j RETURN', 'COMMIT'),
      findings: [{ line: 3, message: ['PREROUTING', 'DROP'] }],
    },
    {
      name: 'RETURN in the security table',
      dump: dump('*security', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -o lo -j RETURN', 'COMMIT'),
      findings: [{ line: 3, message: ['OUTPUT', 'policy is ACCEPT'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
