import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/exit-codes';
import { discoverPolicy, loadPolicy, parsePolicy, PolicyError, POLICY_FILE_NAMES } from '../../src/policy/load';
import type { FindingKind } from '../../src/policy/severity';
import type { Policy } from '../../src/policy/types';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-policy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A fixed list, so the expected messages do not change when rules are added. */
const KINDS: FindingKind[] = [
  { code: 'IPT1015', name: 'invalid-value' },
  { code: 'IPT2004', name: 'duplicate-rule' },
  { code: 'IPT2005', name: 'unreachable-rule' },
  { code: 'IPT2006', name: 'return-in-builtin' },
];

/** The problem lines for a policy text, or [] when it is valid. */
function problemsOf(text: string, file = 'p.yaml'): readonly string[] {
  try {
    parsePolicy(text, file, { findingKinds: KINDS });
    return [];
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return error.problems;
  }
}

const YAML_POLICY = `# the host's expected firewall
docker:
  era: "28"
  networks:
    - name: bridge
      bridge: docker0
      ipv4: [172.17.0.0/16]
    - name: web
      bridge: br-3f9a1c2e7b4d
      ipv4: [172.18.0.0/16]
      ipv6: ["fd00:18::/64"]
      icc: false
      masquerade: true
      internal: false
      hostBinding: 127.0.0.1
  published:
    - network: web
      container: 172.18.0.2
      protocol: tcp
      hostPort: 443
      containerPort: 8443
    - network: web
      container: fd00:18::2
      protocol: udp
      hostAddress: "::1"
      hostPort: 53
      containerPort: 53
  isolate: [[bridge, web]]
  dockerUser: false
chains:
  - table: filter
    chain: INPUT
    policy: DROP
    family: ipv4
  - table: nat
    chain: DOCKER
rules:
  - table: filter
    chain: DOCKER-USER
    rule: -i eth0 -p tcp -m tcp --dport 5432 -j DROP
    present: true
  - table: filter
    chain: INPUT
    rule: -s fd00::/8 -j ACCEPT
    present: false
    family: ipv6
severity:
  IPT2005: off
  duplicate-rule: error
  IPT2006: info
`;

const EXPECTED: Policy = {
  docker: {
    era: '28',
    networks: [
      { name: 'bridge', bridge: 'docker0', ipv4: ['172.17.0.0/16'] },
      { name: 'web', bridge: 'br-3f9a1c2e7b4d', ipv4: ['172.18.0.0/16'], ipv6: ['fd00:18::/64'], icc: false, masquerade: true, internal: false, hostBinding: '127.0.0.1' },
    ],
    published: [
      { network: 'web', container: '172.18.0.2', protocol: 'tcp', hostPort: 443, containerPort: 8443 },
      { network: 'web', container: 'fd00:18::2', protocol: 'udp', hostAddress: '::1', hostPort: 53, containerPort: 53 },
    ],
    isolate: [['bridge', 'web']],
    dockerUser: false,
  },
  chains: [
    { table: 'filter', chain: 'INPUT', policy: 'DROP', family: 'ipv4' },
    { table: 'nat', chain: 'DOCKER' },
  ],
  rules: [
    { table: 'filter', chain: 'DOCKER-USER', rule: '-i eth0 -p tcp -m tcp --dport 5432 -j DROP', present: true },
    { table: 'filter', chain: 'INPUT', rule: '-s fd00::/8 -j ACCEPT', present: false, family: 'ipv6' },
  ],
  severity: { IPT2005: 'off', 'duplicate-rule': 'error', IPT2006: 'info' },
};

describe('valid policies', () => {
  test('YAML, with every field', () => {
    expect(loadPolicy(write('full.yaml', YAML_POLICY), { findingKinds: KINDS })).toEqual(EXPECTED);
  });

  test('JSON gives the same policy', () => {
    expect(loadPolicy(write('full.json', JSON.stringify(EXPECTED, null, 2)), { findingKinds: KINDS })).toEqual(EXPECTED);
  });

  test('the content decides, not the name: JSON in a .yaml file, YAML in a .json file', () => {
    expect(loadPolicy(write('json-inside.yaml', `\n  ${JSON.stringify(EXPECTED)}`))).toEqual(EXPECTED);
    expect(loadPolicy(write('yaml-inside.json', YAML_POLICY))).toEqual(EXPECTED);
  });

  test('a YAML flow mapping starts with { too, and is read as YAML', () => {
    expect(parsePolicy('{docker: {networks: [{name: web, bridge: docker0}]}}', 'flow.yaml')).toEqual({ docker: { networks: [{ name: 'web', bridge: 'docker0' }] } });
  });

  test('an empty file, or one with only comments, is an empty policy', () => {
    expect(parsePolicy('', 'empty.yaml')).toEqual({});
    expect(parsePolicy('# nothing yet\n\n', 'comments.yaml')).toEqual({});
  });

  test('a byte order mark is ignored', () => {
    expect(parsePolicy('\uFEFF{"severity": {"IPT2005": "off"}}', 'bom.json', { findingKinds: KINDS })).toEqual({ severity: { IPT2005: 'off' } });
  });

  test('YAML 1.2: `off` is a string, not false', () => {
    expect(parsePolicy('severity:\n  IPT2005: off\n', 'p.yaml', { findingKinds: KINDS }).severity).toEqual({ IPT2005: 'off' });
  });

  test('without findingKinds, severity keys are not checked', () => {
    expect(parsePolicy('severity:\n  IPT9999: off\n', 'p.yaml')).toEqual({ severity: { IPT9999: 'off' } });
  });
});

const NETWORKS = `docker:
  networks:
    - name: web
      bridge: br-web
      ipv4: [172.18.0.0/16]
    - name: db
      bridge: br-db
      ipv4: [172.19.0.0/16]
      ipv6: ["fd00:19::/64"]
`;

/** A policy with the two networks above, then `extra` appended under `docker:` (indented by two). */
function dockerWith(extra: string): string {
  return NETWORKS + extra;
}

describe('every problem, by its path in the file', () => {
  const cases: [string, string, string[]][] = [
    ['unknown top-level key, with a suggestion', 'dockr:\n  networks: []\n', ['p.yaml:1:1: dockr: unknown key (did you mean "docker"?)']],
    ['unknown key without a close match lists the known ones', 'docker:\n  networks: []\n  zzz: 1\n', ['p.yaml:3:3: docker.zzz: unknown key; the keys here are era, networks, published, isolate, reach, deny, dockerUser']],
    [
      'unknown key in a list entry',
      'docker:\n  networks:\n    - name: web\n      bridge: br-web\n    - name: db\n      brige: br-db\n',
      ['p.yaml:5:7: docker.networks[1]: missing required key "bridge"', 'p.yaml:6:7: docker.networks[1].brige: unknown key (did you mean "bridge"?)'],
    ],
    ['a missing required key', 'docker: {}\n', ['p.yaml:1:9: docker: missing required key "networks"']],
    ['an era YAML reads as a number', 'docker:\n  era: 28\n  networks: []\n', ['p.yaml:2:8: docker.era: must be text: write "28" in quotes']],
    ['an era that does not exist', 'docker:\n  era: "30"\n  networks: []\n', ['p.yaml:2:8: docker.era: must be one of 1.12, 17.06, 18.05, 28, 29']],
    ['a list given as one value', 'docker:\n  networks:\n    - name: web\n      bridge: br-web\n      ipv4: 10.0.0.0/8\n', ['p.yaml:5:13: docker.networks[0].ipv4: must be a list']],
    [
      'IPv4 CIDRs: an octet over 255, a prefix over 32, a leading zero, no prefix',
      'docker:\n  networks:\n    - name: web\n      bridge: br-web\n      ipv4: ["10.0.0.300/24", 10.0.0.0/33, 010.0.0.0/8, 10.0.0.0]\n',
      [
        'p.yaml:5:14: docker.networks[0].ipv4[0]: "10.0.0.300/24" is not an IPv4 CIDR',
        'p.yaml:5:31: docker.networks[0].ipv4[1]: "10.0.0.0/33" is not an IPv4 CIDR',
        'p.yaml:5:44: docker.networks[0].ipv4[2]: "010.0.0.0/8" is not an IPv4 CIDR',
        'p.yaml:5:57: docker.networks[0].ipv4[3]: "10.0.0.0" is not an IPv4 CIDR',
      ],
    ],
    [
      'IPv6 CIDRs: a prefix over 128, a triple colon, an IPv4 network',
      'docker:\n  networks:\n    - name: web\n      bridge: br-web\n      ipv6: ["fd00::/129", "fd00:::/64", 10.0.0.0/8]\n',
      [
        'p.yaml:5:14: docker.networks[0].ipv6[0]: "fd00::/129" is not an IPv6 CIDR',
        'p.yaml:5:28: docker.networks[0].ipv6[1]: "fd00:::/64" is not an IPv6 CIDR',
        'p.yaml:5:42: docker.networks[0].ipv6[2]: "10.0.0.0/8" is not an IPv6 CIDR',
      ],
    ],
    ['a boolean written as a word', 'docker:\n  networks:\n    - name: web\n      bridge: br-web\n      icc: "yes"\n', ['p.yaml:5:12: docker.networks[0].icc: must be true or false']],
    [
      'a bridge name longer than Linux allows',
      'docker:\n  networks:\n    - name: web\n      bridge: br-0123456789abc\n',
      ['p.yaml:4:15: docker.networks[0].bridge: "br-0123456789abc" is not an interface name (1-15 characters, no spaces, / or :)'],
    ],
    ['an empty network name', 'docker:\n  networks:\n    - name: ""\n      bridge: br-web\n', ['p.yaml:3:13: docker.networks[0].name: must not be empty']],
    ['a host binding that is not an address', 'docker:\n  networks:\n    - name: web\n      bridge: br-web\n      hostBinding: localhost\n', ['p.yaml:5:20: docker.networks[0].hostBinding: "localhost" is not an IP address']],
    [
      'a published port: bad protocol, port out of range, quoted port, fraction, bad addresses',
      dockerWith('  published:\n    - network: web\n      container: 172.18.0.256\n      protocol: http\n      hostAddress: localhost\n      hostPort: 70000\n      containerPort: "80"\n    - network: web\n      container: 172.18.0.3\n      protocol: TCP\n      hostPort: 0\n      containerPort: 80.5\n'),
      [
        'p.yaml:12:18: docker.published[0].container: "172.18.0.256" is not an IP address',
        'p.yaml:13:17: docker.published[0].protocol: must be one of tcp, udp, sctp',
        'p.yaml:14:20: docker.published[0].hostAddress: "localhost" is not an IP address',
        'p.yaml:15:17: docker.published[0].hostPort: 70000 is not a port number (1-65535)',
        'p.yaml:16:22: docker.published[0].containerPort: must be a number: write 80 without quotes',
        'p.yaml:19:17: docker.published[1].protocol: must be one of tcp, udp, sctp (did you mean "tcp"?)',
        'p.yaml:20:17: docker.published[1].hostPort: 0 is not a port number (1-65535)',
        'p.yaml:21:22: docker.published[1].containerPort: 80.5 is not a port number (1-65535)',
      ],
    ],
    [
      'a published port without its required keys',
      dockerWith('  published:\n    - network: web\n'),
      [
        'p.yaml:11:7: docker.published[0]: missing required key "container"',
        'p.yaml:11:7: docker.published[0]: missing required key "protocol"',
        'p.yaml:11:7: docker.published[0]: missing required key "hostPort"',
        'p.yaml:11:7: docker.published[0]: missing required key "containerPort"',
      ],
    ],
    ['isolate: neither "all" nor a list', dockerWith('  isolate: none\n'), ['p.yaml:10:12: docker.isolate: must be "all" or a list of network pairs']],
    [
      'isolate: entries that are not pairs of names',
      dockerWith('  isolate: [[web, db, web], web, [web, 5]]\n'),
      ['p.yaml:10:13: docker.isolate[0]: must be a pair of network names', 'p.yaml:10:29: docker.isolate[1]: "web" is not a pair of network names', 'p.yaml:10:40: docker.isolate[2][1]: must be text: write "5" in quotes'],
    ],
    ['dockerUser must be a boolean', dockerWith('  dockerUser: 1\n'), ['p.yaml:10:15: docker.dockerUser: must be true or false']],
    [
      'chains: bad table, bad chain name, bad policy, missing chain',
      'chains:\n  - table: filters\n    chain: MY CHAIN\n  - table: filter\n    chain: INPUT\n    policy: REJECT\n  - table: nat\n',
      [
        'p.yaml:2:12: chains[0].table: must be one of filter, nat, mangle, raw, security (did you mean "filter"?)',
        'p.yaml:3:12: chains[0].chain: "MY CHAIN" is not a chain name (1-28 characters, no spaces)',
        'p.yaml:6:13: chains[1].policy: must be one of ACCEPT, DROP',
        'p.yaml:7:5: chains[2]: missing required key "chain"',
      ],
    ],
    ['chains: a policy on a user chain', 'chains:\n  - table: filter\n    chain: DOCKER\n    policy: DROP\n', ['p.yaml:4:13: chains[0].policy: only built-in chains have a policy, and DOCKER is not one in filter (INPUT, FORWARD, OUTPUT)']],
    [
      'rules: empty, not a boolean, an unknown family',
      'rules:\n  - table: filter\n    chain: INPUT\n    rule: ""\n    present: yes\n    family: inet\n',
      ['p.yaml:4:11: rules[0].rule: must not be empty', 'p.yaml:5:14: rules[0].present: must be true or false', 'p.yaml:6:13: rules[0].family: must be one of ipv4, ipv6'],
    ],
    [
      'rules: a rule iptables would refuse, one with its command, one on two lines',
      'rules:\n  - {table: filter, chain: INPUT, present: true, rule: -p tcp --dport 99999 -j ACCEPT}\n  - {table: filter, chain: INPUT, present: true, rule: -A INPUT -j DROP}\n  - table: filter\n    chain: INPUT\n    present: true\n    rule: |\n      -j DROP\n      -j ACCEPT\n',
      [
        'p.yaml:2:56: rules[0].rule: --dport: port 99999 is out of range 0-65535 (IPT1015)',
        'p.yaml:3:56: rules[1].rule: starts with the command -A; write only the rule, the chain comes from "chain"',
        'p.yaml:7:11: rules[2].rule: must be one line',
      ],
    ],
    [
      'severity: a bad level, an unknown code, a misspelt name, a lowercase code, one kind set twice',
      'severity:\n  IPT2005: of\n  IPT9999: off\n  unreachable-rules: error\n  ipt2004: off\n  duplicate-rule: info\n  IPT2004: error\n',
      [
        'p.yaml:2:12: severity.IPT2005: must be one of error, warning, info, off (did you mean "off"?)',
        'p.yaml:3:3: severity.IPT9999: unknown code; known codes: IPT1015, IPT2004-IPT2006 (`ipt-lint explain CODE` describes each)',
        'p.yaml:4:3: severity.unreachable-rules: unknown rule name (did you mean "unreachable-rule"?)',
        'p.yaml:5:3: severity.ipt2004: unknown code (did you mean "IPT2004"?)',
        'p.yaml:7:12: severity.IPT2004: IPT2004 (duplicate-rule) is already set to info by severity.duplicate-rule',
      ],
    ],
    ['severity: a key that is neither a code nor a name', 'severity:\n  "my rule": off\n', ['p.yaml:2:3: severity["my rule"]: unknown code or rule name; known codes: IPT1015, IPT2004-IPT2006 (`ipt-lint explain CODE` describes each)']],
    ['severity: a list instead of a mapping', 'severity: [IPT2005]\n', ['p.yaml:1:11: severity: must be a mapping (key: value)']],
    ['the whole policy is a list', '- docker\n', ['p.yaml:1:1: a policy must be a mapping with any of the keys docker, chains, rules and severity']],
    [
      'networks: a name or bridge used twice',
      'docker:\n  networks:\n    - {name: web, bridge: br-web}\n    - {name: web, bridge: br-db}\n    - {name: db, bridge: br-web}\n',
      ['p.yaml:4:14: docker.networks[1].name: "web" is already the name of docker.networks[0]', 'p.yaml:5:26: docker.networks[2].bridge: "br-web" is already the bridge of docker.networks[0]'],
    ],
    [
      'subnets: host bits set, overlapping another network, in either family',
      'docker:\n  networks:\n    - {name: web, bridge: br-web, ipv4: [172.18.0.0/16], ipv6: ["fd00:18::/64"]}\n    - {name: db, bridge: br-db, ipv4: [172.18.5.0/24, 10.1.0.1/24], ipv6: ["fd00:18::1/64"]}\n',
      [
        'p.yaml:4:40: docker.networks[1].ipv4[0]: 172.18.5.0/24 overlaps 172.18.0.0/16 of network "web" (docker.networks[0].ipv4[0])',
        'p.yaml:4:55: docker.networks[1].ipv4[1]: 10.1.0.1/24 has host bits set; the network is 10.1.0.0/24',
        'p.yaml:4:76: docker.networks[1].ipv6[0]: fd00:18::1/64 has host bits set; the network is fd00:18::/64',
      ],
    ],
    [
      'published: an unknown network, an address outside the network, a port published twice',
      dockerWith(
        '  published:\n    - {network: wbe, container: 172.18.0.2, protocol: tcp, hostPort: 80, containerPort: 80}\n    - {network: db, container: 172.18.0.2, protocol: tcp, hostPort: 8080, containerPort: 80}\n    - {network: db, container: "fd00:19::2", protocol: tcp, hostAddress: 127.0.0.1, hostPort: 8080, containerPort: 80}\n    - {network: db, container: "fd00:19::3", protocol: udp, hostAddress: "::1", hostPort: 8080, containerPort: 80}\n',
      ),
      [
        'p.yaml:11:17: docker.published[0].network: no network named "wbe" in docker.networks (did you mean "web"?)',
        'p.yaml:12:32: docker.published[1].container: 172.18.0.2 is outside network "db" (172.19.0.0/16)',
        'p.yaml:13:7: docker.published[2]: tcp port 8080 on 127.0.0.1 is already published by docker.published[1]',
      ],
    ],
    [
      'published: one port on every address of both families is not a clash, twice in one family is',
      dockerWith(
        '  published:\n    - {network: db, container: 172.19.0.2, protocol: tcp, hostPort: 80, containerPort: 80}\n    - {network: db, container: "fd00:19::2", protocol: tcp, hostPort: 80, containerPort: 80}\n    - {network: db, container: 172.19.0.3, protocol: tcp, hostPort: 80, containerPort: 8080}\n    - {network: db, container: "fd00:19::3", protocol: tcp, hostAddress: "::", hostPort: 80, containerPort: 80}\n',
      ),
      ['p.yaml:13:7: docker.published[2]: tcp port 80 on every IPv4 address is already published by docker.published[0]', 'p.yaml:14:7: docker.published[3]: tcp port 80 on :: is already published by docker.published[1]'],
    ],
    [
      'isolate: unknown networks, a network paired with itself',
      dockerWith('  isolate: [[web, dbx], [db, db]]\n'),
      ['p.yaml:10:19: docker.isolate[0][1]: no network named "dbx" in docker.networks (did you mean "db"?)', 'p.yaml:10:25: docker.isolate[1]: names the same network twice; isolation is between two different networks'],
    ],
    [
      'reach and deny: unknown endpoints, outside to outside, a port for ICMP',
      dockerWith('  reach: [{from: web, to: dbx}, {from: outside, to: outside}]\n  deny: [{from: host, to: db, protocol: icmp, port: 80}]\n'),
      [
        'p.yaml:10:27: docker.reach[0].to: "dbx" is not a network of docker.networks, nor `outside` or `host`',
        'p.yaml:10:33: docker.reach[1]: a connection from outside to outside does not cross the host\'s firewall the way the others do; name two different endpoints',
        'p.yaml:11:53: docker.deny[0].port: ICMP has no ports; leave out `port` or choose tcp, udp or sctp',
      ],
    ],
  ];

  test.each(cases)('%s', (_name, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  test('the valid base of these cases has no problems', () => {
    expect(problemsOf(NETWORKS)).toEqual([]);
  });
});

describe('syntax errors and unreadable files', () => {
  test('YAML syntax errors give file:line:col', () => {
    expect(problemsOf('docker:\n  networks:\n    - name: web\n     bridge: br-web\n')).toEqual(['p.yaml:4:1: not valid YAML: Sequence item without - indicator']);
    expect(problemsOf('docker: {}\ndocker: {}\n')).toEqual(['p.yaml:2:1: not valid YAML: Map keys must be unique']);
  });

  test('JSON syntax errors give file:line:col, in JSON terms', () => {
    expect(problemsOf('{\n  "docker": {\n    "networks": [\n      {"name": "a" "bridge": "b"}\n    ]\n  }\n}\n', 'p.json')).toEqual([
      'p.json:4:20: not valid JSON: expected \',\' or \'}\' after property value',
    ]);
  });

  test('a key given twice in JSON, which JSON.parse would let pass', () => {
    expect(problemsOf('{\n  "severity": {"IPT2005": "off"},\n  "severity": {"IPT2005": "error"}\n}\n', 'p.json')).toEqual(['p.json:3:3: this key is given twice in its object']);
  });

  test('a file that is not there, or a directory', () => {
    expect(() => loadPolicy(join(dir, 'missing.yaml'))).toThrow(`${join(dir, 'missing.yaml')}: no such policy file`);
    expect(() => loadPolicy(dir)).toThrow(`${dir}: is a directory, not a policy file`);
  });
});

describe('PolicyError', () => {
  test('is a usage error (exit 2); one problem is the whole message, several get a heading', () => {
    const one = catchPolicyError('docker: {}\n');
    expect(one).toBeInstanceOf(UsageError);
    expect(one.message).toBe('p.yaml:1:9: docker: missing required key "networks"');

    const several = catchPolicyError('docker: {}\nchains: 1\n');
    expect(several.file).toBe('p.yaml');
    expect(several.message).toBe('2 problems in policy p.yaml:\np.yaml:1:9: docker: missing required key "networks"\np.yaml:2:9: chains: must be a list');
  });
});

function catchPolicyError(text: string): PolicyError {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('discoverPolicy', () => {
  test(`looks for ${POLICY_FILE_NAMES.join(', ')} in that order`, () => {
    const project = join(dir, 'discover');
    mkdirSync(project);
    expect(discoverPolicy(project)).toBeNull();
    for (const name of [...POLICY_FILE_NAMES].reverse()) {
      writeFileSync(join(project, name), '{}');
      expect(discoverPolicy(project)).toBe(join(project, name));
    }
    rmSync(join(project, '.ipt-lint.yaml'));
    expect(discoverPolicy(project)).toBe(join(project, '.ipt-lint.yml'));
    rmSync(join(project, '.ipt-lint.yml'));
    expect(discoverPolicy(project)).toBe(join(project, '.ipt-lint.json'));
  });

  test('skips a directory with a policy file name', () => {
    const project = join(dir, 'discover-dir');
    mkdirSync(join(project, '.ipt-lint.yaml'), { recursive: true });
    writeFileSync(join(project, '.ipt-lint.json'), '{}');
    expect(discoverPolicy(project)).toBe(join(project, '.ipt-lint.json'));
  });
});
