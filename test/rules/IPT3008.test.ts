import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rule } from '../../rules/IPT3008.reachability';
import type { DockerNetwork, DockerPolicy, Policy, PublishedPort } from '../../src/policy/types';
import { DOCKER_MOBY_DIR, describeWithCorpus } from '../helpers/docker-corpus-policy';
import { eraA, eraC, modern } from '../helpers/docker-layouts';
import { sampleDump, samplePolicy } from '../helpers/docker-sample-policy';
import { lineOf, lintWithPolicy, testPolicyRule } from '../helpers/policy-rule-tester';

const DOCKER0: DockerNetwork = { name: 'bridge', bridge: 'docker0', ipv4: ['172.17.0.0/16'] };
const WEB: DockerNetwork = { name: 'web', bridge: 'br-web', ipv4: ['172.20.0.0/16'] };
const WEB_PORT: PublishedPort = { network: 'web', container: '172.20.0.2', protocol: 'tcp', hostPort: 8080, containerPort: 80 };

/** What a Docker host with these two networks should do, whatever its release. */
const LAYOUT_POLICY: Policy = {
  docker: {
    networks: [DOCKER0, WEB],
    published: [WEB_PORT],
    reach: [
      { from: 'web', to: 'web' },
      { from: 'bridge', to: 'outside', protocol: 'tcp', port: 443 },
      { from: 'host', to: 'web', protocol: 'tcp', port: 80 },
    ],
    deny: [
      { from: 'bridge', to: 'web' },
      { from: 'web', to: 'bridge', protocol: 'udp', port: 53 },
    ],
  },
};

const blockedInUser = eraC({ user: ['-A DOCKER-USER -i br-web -j DROP'] });
const leakInUser = eraC({ user: ['-A DOCKER-USER -i docker0 -o br-web -p tcp -m tcp --dport 5432 -j ACCEPT'] });
const recentGuard = eraC({ user: ['-A DOCKER-USER -i docker0 -o br-web -m recent --rcheck --name friends -j ACCEPT'] });

testPolicyRule(rule, LAYOUT_POLICY, {
  valid: [
    { name: 'Docker 1.12', dump: eraA() },
    { name: 'Docker 17.06', dump: eraA({ dockerUser: true }) },
    { name: 'Docker 18.05-27.x', dump: eraC() },
    { name: 'Docker 28.x', dump: modern('28') },
    // 29.x lets other networks reach published ports; its raw-table DROP, which stops them going
    // straight to the container, is in the 29.x fixture below.
    { name: 'no reach or deny statements: nothing to check', dump: blockedInUser, policy: { docker: { networks: [DOCKER0, WEB] } } },
  ],
  invalid: [
    {
      name: 'a DROP in DOCKER-USER stops what must get through',
      dump: blockedInUser,
      findings: [
        { line: lineOf(blockedInUser, '-A DOCKER-USER -i br-web -j DROP'), message: ['a new IPv4 connection from network web (br-web) to network web (br-web) (tcp on any port) must get through (docker.reach[0])', 'drops it'] },
      ],
    },
    {
      name: 'an ACCEPT for one port lets through what must be stopped, on that port',
      dump: leakInUser,
      findings: [
        {
          line: lineOf(leakInUser, '-A DOCKER-USER -i docker0 -o br-web -p tcp'),
          message: ['from network bridge (docker0) to network web (br-web) (tcp on any port) must not get through (docker.deny[0])', 'may accept it, depending on line', '(the destination port)'],
        },
      ],
    },
    {
      name: 'an ACCEPT behind an unknown match still counts: the answer is never assumed',
      dump: recentGuard,
      findings: [{ line: lineOf(recentGuard, '-A DOCKER-USER -i docker0 -o br-web -m recent'), message: ['may accept it', '(-m recent)'] }],
    },
  ],
});

test('a connection that must open needs its answers too: an ACCEPT one way in DOCKER-USER is not enough on 18.05-27.x', () => {
  const oneWay = eraC({ user: ['-A DOCKER-USER -i docker0 -o br-web -j ACCEPT'] });
  const policy: Policy = { docker: { networks: [DOCKER0, WEB], reach: [{ from: 'bridge', to: 'web', protocol: 'tcp', port: 5432 }] } };
  const findings = lintWithPolicy(rule, oneWay, policy);
  expect(findings.map((finding) => [finding.line, finding.message])).toEqual([
    [
      lineOf(oneWay, '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP'),
      'a new IPv4 connection from network bridge (docker0) to network web (br-web) (tcp port 5432) must get through (docker.reach[0]): its first packet does, but line 22 (`-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP`) drops the answers',
    ],
  ]);
  const bothWays = eraC({ user: ['-A DOCKER-USER -i docker0 -o br-web -j ACCEPT', '-A DOCKER-USER -i br-web -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'] });
  expect(lintWithPolicy(rule, bothWays, policy)).toEqual([]);
});

test('a finding names the line the answer depends on', () => {
  const [finding] = lintWithPolicy(rule, recentGuard, LAYOUT_POLICY);
  expect(finding.related).toEqual([{ line: lineOf(recentGuard, '-A DOCKER-USER -i docker0 -o br-web -m recent'), message: 'the answer depends on this rule' }]);
});

test('the real Docker 20.10 dump of samples/docker-20.10 passes its own statements, and a damaged copy fails them', () => {
  const docker: DockerPolicy = {
    ...samplePolicy('default-usernet').docker!,
    reach: [
      { from: 'web', to: 'web' },
      { from: 'web', to: 'outside' },
      { from: 'outside', to: 'host', protocol: 'tcp', port: 8080 },
    ],
    deny: [
      { from: 'bridge', to: 'web' },
      { from: 'web', to: 'bridge' },
    ],
  };
  const text = sampleDump('default-usernet');
  expect(lintWithPolicy(rule, text, { docker })).toEqual([]);
  const damaged = text.replace('-A DOCKER-ISOLATION-STAGE-2 -o br-53dbd5c4b691 -j DROP\n', '');
  expect(lintWithPolicy(rule, damaged, { docker }).map((finding) => finding.message)).toEqual([
    expect.stringContaining('from network bridge (docker0) to network web (br-53dbd5c4b691) (tcp on any port) must not get through (docker.deny[0]), but line'),
  ]);
});

describeWithCorpus('one policy, every Docker era: Docker\'s own listings and a 29.x fixture', () => {
  const BRIDGE1: DockerNetwork = { name: 'bridge1', bridge: 'bridge1', ipv4: ['192.0.2.0/24'] };
  const policy: Policy = {
    docker: {
      networks: [DOCKER0, BRIDGE1],
      published: [{ network: 'bridge1', container: '192.0.2.2', protocol: 'tcp', hostPort: 8080, containerPort: 80 }],
      reach: [
        { from: 'bridge1', to: 'bridge1' },
        { from: 'bridge1', to: 'outside' },
        { from: 'bridge', to: 'outside', protocol: 'tcp', port: 443 },
        { from: 'outside', to: 'host', protocol: 'tcp', port: 8080 },
        { from: 'host', to: 'bridge1', protocol: 'tcp', port: 80 },
      ],
      deny: [
        { from: 'bridge', to: 'bridge1' },
        { from: 'bridge1', to: 'bridge' },
      ],
    },
  };
  const corpus = (file: string): string => readFileSync(join(DOCKER_MOBY_DIR, file), 'utf8');
  const fixture29 = readFileSync(join(__dirname, '..', 'fixtures', 'docker-29-usernet-portmap.rules'), 'utf8');
  const dumps: [string, string][] = [
    ['18.05-27.x (27x-usernet-portmap)', corpus('27x-usernet-portmap.txt')],
    ['28.0.0, ipsets (28.0.0-usernet-portmap)', corpus('28.0.0-usernet-portmap.txt')],
    ['28.0.1-28.1.x (28.0.1-usernet-portmap)', corpus('28.0.1-usernet-portmap.txt')],
    ['28.2.0-28.2.1 (28.2.0-usernet-portmap)', corpus('28.2.0-usernet-portmap.txt')],
    ['28.2.2-28.5.x (28.2.2-usernet-portmap)', corpus('28.2.2-usernet-portmap.txt')],
    ['29.x (test/fixtures/docker-29-usernet-portmap.rules)', fixture29],
  ];

  test.each(dumps)('%s passes', (_name, text) => {
    expect(lintWithPolicy(rule, text, policy).map((finding) => `${finding.line}: ${finding.message}`)).toEqual([]);
  });

  test.each(dumps)('%s with an ACCEPT from docker0 to bridge1 in DOCKER-USER fails', (_name, text) => {
    const damaged = text.includes('-A DOCKER-USER -j RETURN')
      ? text.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -i docker0 -o bridge1 -j ACCEPT\n-A DOCKER-USER -j RETURN')
      : text.replace('-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i docker0 -o bridge1 -j ACCEPT');
    const findings = lintWithPolicy(rule, damaged, policy);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringMatching(/network bridge \(docker0\) to network bridge1 \(bridge1\) .* must not get through \(docker\.deny\[0\]\), but line \d+ \(`-A DOCKER-USER -i docker0 -o bridge1 -j ACCEPT`\) (accepts it$|may accept it, depending on line \d+ not matching)/)]);
  });

  test('a layout difference the tracer sees: a container port routed to from outside, past the DNAT', () => {
    const strict: Policy = { docker: { ...policy.docker!, reach: [], deny: [{ from: 'outside', to: 'bridge1', protocol: 'tcp', port: 80 }] } };
    // 18.05-27.x accepts it in DOCKER (only the container address is in doubt); from 28.0 the raw table drops it first.
    expect(lintWithPolicy(rule, corpus('27x-usernet-portmap.txt'), strict).map((finding) => finding.message)).toEqual([
      expect.stringContaining('but line 22 (`-A DOCKER -d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT`) may accept it, depending on line 22 matching (the destination address)'),
    ]);
    expect(lintWithPolicy(rule, corpus('28.2.2-usernet-portmap.txt'), strict)).toEqual([]);
    expect(lintWithPolicy(rule, fixture29, strict)).toEqual([]);
  });
});
