import { rule } from '../../rules/IPT2002.unused-chain';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

testRule(rule, {
  valid: [
    {
      name: 'chains reached by -j and -g',
      dump: dump('*filter', ':INPUT DROP [0:0]', ':SSH-IN - [0:0]', ':LOG-DROP - [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -g SSH-IN', '-A INPUT -j LOG-DROP', '-A SSH-IN -s 10.0.0.0/8 -j ACCEPT', '-A LOG-DROP -j DROP', 'COMMIT'),
    },
    {
      name: "Docker's empty DOCKER chain is jumped to",
      dump: dump(
        '*filter',
        ':INPUT ACCEPT [0:0]',
        ':FORWARD DROP [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -o docker0 -j DOCKER',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
      ),
    },
    {
      name: 'a chain used by a chain declared before it',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':WEB - [0:0]', ':RATE - [0:0]', '-A INPUT -p tcp -j WEB', '-A WEB -j RATE', '-A RATE -m limit --limit 10/sec -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'the same chain name used in each of two tables',
      dump: dump('*nat', ':PREROUTING ACCEPT [0:0]', ':DOCKER - [0:0]', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', 'COMMIT', '*filter', ':FORWARD DROP [0:0]', ':DOCKER - [0:0]', '-A FORWARD -o docker0 -j DOCKER', 'COMMIT'),
    },
    { name: 'empty built-in chains', dump: dump('*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT') },
    {
      name: 'a chain reached only by a -6 rule of a restore file',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':ICMPV6 - [0:0]', '-6 -A INPUT -p ipv6-icmp -j ICMPV6', '-A ICMPV6 -j ACCEPT', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'a chain with rules that nothing jumps to',
      dump: dump('*filter', ':INPUT DROP [0:0]', ':WEB-IN - [0:0]', '-A INPUT -i lo -j ACCEPT', '-A WEB-IN -p tcp -m tcp --dport 443 -j ACCEPT', '-A WEB-IN -p tcp -m tcp --dport 80 -j ACCEPT', 'COMMIT'),
      findings: [{ line: 3, message: ['WEB-IN', 'never used', '2 rules', 'table filter'], chain: 'WEB-IN' }],
    },
    {
      name: 'an empty leftover chain',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':f2b-sshd - [0:0]', 'COMMIT'),
      findings: [{ line: 3, message: ['f2b-sshd', 'is empty'] }],
    },
    {
      name: 'a jump from another table does not count',
      dump: dump('*nat', ':PREROUTING ACCEPT [0:0]', ':DOCKER - [0:0]', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', 'COMMIT', '*filter', ':FORWARD DROP [0:0]', ':DOCKER - [0:0]', 'COMMIT'),
      findings: [{ line: 8, message: ['DOCKER', 'table filter'], chain: 'DOCKER' }],
    },
    {
      name: 'only the unused chain, not the chains it jumps to',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':OLD-RULES - [0:0]', ':LOGGING - [0:0]', '-A OLD-RULES -j LOGGING', '-A LOGGING -j LOG --log-prefix "old: "', 'COMMIT'),
      findings: [{ line: 3, message: ['OLD-RULES', 'its 1 rule;'] }],
    },
    {
      name: "Docker's chains after FORWARD was flushed",
      dump: dump(
        '*filter',
        ':INPUT ACCEPT [0:0]',
        ':FORWARD DROP [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
        ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
      ),
      findings: [
        { line: 5, message: ['DOCKER ', 'is empty'] },
        { line: 6, message: ['DOCKER-ISOLATION-STAGE-1', '2 rules'] },
        { line: 8, message: ['DOCKER-USER', 'its 1 rule;'] },
      ],
    },
    {
      name: 'a chain that only jumps to itself',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':RETRY - [0:0]', '-A RETRY -m statistic --mode random --probability 0.5 -j RETRY', 'COMMIT'),
      findings: [{ line: 3, message: ['RETRY', 'only its own rules'] }],
    },
    {
      name: "kube-proxy's canary chains",
      dump: dump('*mangle', ':PREROUTING ACCEPT [0:0]', ':KUBE-KUBELET-CANARY - [0:0]', ':KUBE-PROXY-CANARY - [0:0]', 'COMMIT'),
      findings: [{ line: 3, message: ['KUBE-KUBELET-CANARY'] }, { line: 4, message: ['KUBE-PROXY-CANARY'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
