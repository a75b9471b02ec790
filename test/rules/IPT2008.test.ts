import { rule } from '../../rules/IPT2008.chain-name-too-long';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

const NAME_28 = 'FW-ALLOW-FROM-OFFICE-NETWORK';
const NAME_29 = 'FW-ALLOW-FROM-OFFICE-NETWORKS';

testRule(rule, {
  valid: [
    {
      name: 'Docker chain names',
      dump: dump('*filter', ':FORWARD DROP [0:0]', ':DOCKER-ISOLATION-STAGE-1 - [0:0]', ':DOCKER-USER - [0:0]', '-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', 'COMMIT'),
    },
    {
      name: 'kube-proxy chain names (hash names are 25 or 26 characters)',
      dump: dump('*nat', ':KUBE-SEP-AAQ4C2MZ5TNX7W3E - [0:0]', ':KUBE-EXT-M2K7W4PJ5QZ3T6YD - [0:0]', ':KUBE-SVC-Q7VZ3ZJ4KXH2L5MB - [0:0]', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -j KUBE-SEP-AAQ4C2MZ5TNX7W3E', 'COMMIT'),
    },
    { name: 'exactly 28 characters', dump: dump('*filter', ':INPUT ACCEPT [0:0]', `:${NAME_28} - [0:0]`, `-A INPUT -s 198.51.100.0/24 -j ${NAME_28}`, 'COMMIT') },
    { name: '14 two-byte characters are 28 bytes', dump: dump('*filter', `:${'é'.repeat(14)} - [0:0]`, 'COMMIT') },
    { name: 'a jump to an undeclared long name is IPT2001\'s to report', dump: dump('*filter', ':INPUT ACCEPT [0:0]', `-A INPUT -j ${NAME_29}`, 'COMMIT') },
  ],
  invalid: [
    {
      name: 'a declared chain of 29 characters',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', `:${NAME_29} - [0:0]`, `-A INPUT -s 198.51.100.0/24 -j ${NAME_29}`, `-A ${NAME_29} -j ACCEPT`, 'COMMIT'),
      findings: [{ line: 3, message: [NAME_29, '29 bytes', '28'], chain: NAME_29 }],
    },
    {
      name: '15 two-byte characters are 30 bytes',
      dump: dump('*filter', `:${'é'.repeat(15)} - [0:0]`, 'COMMIT'),
      findings: [{ line: 2, message: ['30 bytes'] }],
    },
    {
      name: 'an undeclared chain is reported where a rule first names it',
      dump: dump('*mangle', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j MARK --set-xmark 0x1/0xffffffff', `-A ${NAME_29} -j RETURN`, `-A ${NAME_29} -j ACCEPT`, 'COMMIT'),
      findings: [{ line: 4, message: [NAME_29] }],
    },
    {
      name: 'one finding per chain, in each table that has it',
      dump: dump('*filter', `:${NAME_29} - [0:0]`, 'COMMIT', '*nat', `:${NAME_29} - [0:0]`, 'COMMIT'),
      findings: [{ line: 2 }, { line: 5 }],
    },
    {
      name: 'a chain created with -N in a restore file',
      dump: dump('*filter', `-N ${NAME_29}`, `-A ${NAME_29} -j LOG --log-prefix "office: "`, 'COMMIT'),
      findings: [{ line: 2, message: [NAME_29] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
