import { rule } from '../../rules/IPT2001.missing-chain';
import { testRule } from '../helpers/rule-tester';

testRule(rule, {
  valid: [
    { name: 'jump to a declared user chain', dump: '*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j WEB\nCOMMIT\n' },
    { name: 'standard and extension targets', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n' },
    { name: 'goto to a chain declared later', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -g LATER\n:LATER - [0:0]\nCOMMIT\n' },
  ],
  invalid: [
    { name: 'jump to a chain of another table', dump: '*nat\n:DOCKER - [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j DOCKER\nCOMMIT\n', findings: [{ line: 6, message: ['-j DOCKER', 'filter'], chain: 'FORWARD' }] },
    { name: 'goto to a typo', dump: '*filter\n:INPUT ACCEPT [0:0]\n:LOGDROP - [0:0]\n-A INPUT -g LOG-DROP\nCOMMIT\n', findings: [{ line: 4, message: ['-g LOG-DROP'] }] },
  ],
});
