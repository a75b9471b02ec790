import { rule } from '../../rules/IPT2011.shadowed-rule';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const filter = (...rules: string[]): string => ['*filter', ':INPUT DROP [0:0]', ':OTHER - [0:0]', ...rules, 'COMMIT', ''].join('\n');

testRule(rule, {
  valid: [
    {
      name: 'a negated source does not cover addresses inside it',
      dump: filter('-A INPUT ! -s 10.0.0.0/8 -j DROP', '-A INPUT -s 10.1.0.0/16 -j ACCEPT'),
    },
    {
      name: 'a non-contiguous mask covers only the addresses it fixes',
      dump: filter('-A INPUT -s 10.0.0.1/255.0.0.255 -j DROP', '-A INPUT -s 10.5.5.0/24 -j ACCEPT'),
    },
    {
      name: 'a single interface does not cover its wildcard, nor a wildcard a shorter one',
      dump: filter('-A INPUT -i eth0 -j DROP', '-A INPUT -i eth+ -j ACCEPT', '-A INPUT -i et+ -j ACCEPT'),
    },
    {
      name: 'multiport covers only the ports it lists',
      dump: filter('-A INPUT -p tcp -m multiport --dports 22,443 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 80 -j DROP'),
    },
    {
      name: 'states left over: INVALID and UNTRACKED still reach the rule',
      dump: filter('-A INPUT -m conntrack --ctstate NEW,ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -p tcp -j DROP'),
    },
    {
      name: 'jumps and gotos decide nothing: the chain may return',
      dump: filter('-A INPUT -p tcp -j OTHER', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -p udp -g OTHER', '-A INPUT -p udp -m udp --dport 53 -j ACCEPT'),
    },
    {
      name: 'an earlier rule guarded by -m recent proves nothing',
      dump: filter('-A INPUT -p tcp -m recent --rcheck --seconds 60 --name ssh --mask 255.255.255.255 --rsource -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
    },
    {
      name: 'an earlier rule with a match outside the model proves nothing',
      dump: filter('-A INPUT -m addrtype --dst-type LOCAL -j DROP', '-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP', '-A INPUT -p tcp -m tcp --syn -j ACCEPT'),
    },
    {
      name: 'a -4 rule does not cover an unprefixed rule, which ip6tables-restore also loads',
      dump: filter('-4 -A INPUT -p tcp -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-6 -A INPUT -p udp -j DROP', '-4 -A INPUT -p udp -m udp --dport 53 -j ACCEPT'),
    },
    {
      name: 'port rules leave later fragments, which -p tcp alone still matches',
      dump: filter('-A INPUT -p tcp -m tcp --dport 1:100 -j ACCEPT', '-A INPUT -p tcp -m tcp ! --dport 1:100 -j ACCEPT', '-A INPUT -p tcp -j DROP'),
    },
    {
      name: 'after a rule with no conditions it is IPT2005 that reports',
      dump: filter('-A INPUT -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
    },
    {
      name: 'an exact copy of a rule that covers it is IPT2004\'s, whatever else covers it',
      dump: filter('-A INPUT -i lo -j ACCEPT', '-A INPUT -s 10.0.0.1/32 -j DROP', '-A INPUT -s 10.0.0.1/32 -j DROP'),
    },
    {
      name: 'rules of another chain cover nothing here',
      dump: filter('-A OTHER -p tcp -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
    },
    {
      name: 'the same verdict is IPT2012, not a shadow',
      dump: filter('-A INPUT -s 10.0.0.0/8 -j ACCEPT', '-A INPUT -s 10.1.0.0/16 -p tcp -j ACCEPT'),
    },
    {
      name: 'a host name is not modelled: it covers nothing',
      dump: filter('-A INPUT -s example.com -j DROP', '-A INPUT -s 192.0.2.1/32 -j ACCEPT'),
    },
    {
      name: 'a different protocol, and an ICMP type outside the earlier one',
      dump: filter('-A INPUT -p udp -j DROP', '-A INPUT -p tcp -j ACCEPT', '-A INPUT -p icmp -m icmp --icmp-type 8 -j DROP', '-A INPUT -p icmp -m icmp --icmp-type 0 -j ACCEPT'),
    },
  ],
  invalid: [
    {
      name: 'the example of the issue: two rules together',
      dump: filter('-A INPUT -s 10.0.0.0/9 -j ACCEPT', '-A INPUT -s 10.128.0.0/9 -j DROP', '-A INPUT -s 10.0.0.0/8 -p tcp -j REJECT'),
      findings: [{ line: 6, message: ['never matches: lines 4 and 5 together decide every packet it could match', 'ACCEPT, DROP'] }],
    },
    {
      name: 'a wildcard interface covers the names it picks out',
      dump: filter('-A INPUT -i eth+ -j DROP', '-A INPUT -i eth0 -p tcp -j ACCEPT'),
      findings: [{ line: 5, message: ['line 4 decides every packet'] }],
    },
    {
      name: 'an interface and its negation cover everything',
      dump: filter('-A INPUT ! -i eth+ -j DROP', '-A INPUT -i eth+ -j ACCEPT', '-A INPUT -j LOG'),
      findings: [{ line: 6, message: ['lines 4 and 5'] }],
    },
    {
      name: 'two non-contiguous masks: even and odd addresses',
      dump: filter('-A INPUT -s 0.0.0.0/0.0.0.1 -j DROP', '-A INPUT -s 0.0.0.1/0.0.0.1 -j ACCEPT', '-A INPUT -s 192.168.0.0/16 -j ACCEPT'),
      findings: [{ line: 6, message: ['lines 4 and 5'] }],
    },
    {
      name: 'a multiport list covers one of its ports',
      dump: filter('-A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 80 -j DROP'),
      findings: [{ line: 5, message: ['line 4'] }],
    },
    {
      name: 'state sets: a state and its negation, and a subset',
      dump: filter('-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -m state --state ESTABLISHED -j DROP', '-A INPUT -m conntrack ! --ctstate ESTABLISHED,RELATED -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
      findings: [{ line: 5, message: ['line 4'] }, { line: 7, message: ['lines 4 and 6'] }],
    },
    {
      name: 'a later rule with -m recent is covered when its modelled part is',
      dump: filter('-A INPUT -p tcp -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -m recent --set --name ssh --mask 255.255.255.255 --rsource -j ACCEPT'),
      findings: [{ line: 5, message: ['line 4'] }],
    },
    {
      name: 'a rule prefixed for one family, covered in that family',
      dump: filter('-4 -A INPUT -p tcp -j DROP', '-6 -A INPUT -p tcp -j DROP', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-4 -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT'),
      findings: [{ line: 6, message: ['lines 4 and 5'] }, { line: 7, message: ['line 4'] }],
    },
    {
      name: 'a jump covered by a verdict never runs',
      dump: filter('-A INPUT -p udp -j ACCEPT', '-A INPUT -p udp -m udp --dport 53 -j OTHER'),
      findings: [{ line: 5, message: ['line 4', 'ACCEPT'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
