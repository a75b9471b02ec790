import { rule } from '../../rules/IPT2012.redundant-rule';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const table = (name: string, ...rules: string[]): string => [`*${name}`, name === 'nat' ? ':PREROUTING ACCEPT [0:0]' : ':INPUT DROP [0:0]', ...rules, 'COMMIT', ''].join('\n');
const filter = (...rules: string[]): string => table('filter', ...rules);

testRule(rule, {
  valid: [
    {
      name: 'covered with another verdict is a shadow (IPT2011), not redundancy',
      dump: filter('-A INPUT -s 10.0.0.0/8 -j DROP', '-A INPUT -s 10.1.0.0/16 -j ACCEPT'),
    },
    {
      name: 'covered partly by the same verdict, partly by another',
      dump: filter('-A INPUT -s 10.0.0.0/9 -j ACCEPT', '-A INPUT -s 10.128.0.0/9 -j DROP', '-A INPUT -s 10.0.0.0/8 -j ACCEPT'),
    },
    {
      name: 'DNAT to another address is not the same verdict',
      dump: table('nat', '-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.2:80', '-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j DNAT --to-destination 172.17.0.3:80'),
    },
    {
      name: 'an exact copy is IPT2004\'s',
      dump: filter('-A INPUT -s 10.0.0.0/8 -j ACCEPT', '-A INPUT -s 10.0.0.0/8 -j ACCEPT'),
    },
    {
      name: 'a rule that is not covered',
      dump: filter('-A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT', '-A INPUT -s 10.1.0.0/16 -j ACCEPT'),
    },
  ],
  invalid: [
    {
      name: 'a narrower rule after a wider one with the same verdict',
      dump: filter('-A INPUT -s 10.0.0.0/8 -j ACCEPT', '-A INPUT -s 10.1.0.0/16 -p tcp -j ACCEPT'),
      findings: [{ line: 4, message: ['redundant: line 3 already gives ACCEPT every packet it could match'] }],
    },
    {
      name: 'two rules with the same verdict together',
      dump: filter('-A INPUT -s 10.0.0.0/9 -j DROP', '-A INPUT -s 10.128.0.0/9 -j DROP', '-A INPUT -s 10.0.0.0/8 -p udp -j DROP'),
      findings: [{ line: 5, message: ['lines 3 and 4 already give DROP'] }],
    },
    {
      name: 'REJECT with another --reject-with still rejects',
      dump: filter('-A INPUT -p tcp -j REJECT --reject-with tcp-reset', '-A INPUT -p tcp -m tcp --dport 23 -j REJECT --reject-with icmp-port-unreachable'),
      findings: [{ line: 4, message: ['line 3'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
