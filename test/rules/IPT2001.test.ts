import { rule } from '../../rules/IPT2001.missing-chain';
import { testRule } from '../helpers/rule-tester';

testRule(rule, {
  valid: [
    { name: 'jump to a declared user chain', dump: '*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j WEB\nCOMMIT\n' },
    { name: 'standard and extension targets', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n' },
    { name: 'goto to a chain declared later', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -g LATER\n:LATER - [0:0]\nCOMMIT\n' },
    // Chain names are looked up as keys of an object: names of Object.prototype's properties must not be found there.
    { name: 'chains named like properties of every object', dump: '*filter\n:INPUT ACCEPT [0:0]\n:__proto__ - [0:0]\n:constructor - [0:0]\n-A INPUT -j __proto__\n-A INPUT -j constructor\nCOMMIT\n' },
  ],
  invalid: [
    { name: 'jump to a chain of another table', dump: '*nat\n:DOCKER - [0:0]\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j DOCKER\nCOMMIT\n', findings: [{ line: 6, message: ['-j DOCKER', 'filter'], chain: 'FORWARD' }] },
    { name: 'goto to __proto__, a property of every object', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -g __proto__\nCOMMIT\n', findings: [{ line: 3, message: ['-g __proto__'] }] },
    { name: 'goto to a typo', dump: '*filter\n:INPUT ACCEPT [0:0]\n:LOGDROP - [0:0]\n-A INPUT -g LOG-DROP\nCOMMIT\n', findings: [{ line: 4, message: ['-g LOG-DROP'] }] },
  ],
});
