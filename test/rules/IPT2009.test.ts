import { rule } from '../../rules/IPT2009.docker-user-not-first';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

/** Era C (18.05–27.x), one container on docker0 publishing 8080 → 80. */
const ERA_C_FORWARD = [
  '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A FORWARD -o docker0 -j DOCKER',
  '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT',
  '-A FORWARD -i docker0 -o docker0 -j ACCEPT',
];
const ERA_C_CHAINS = [
  '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
  '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
  '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
  '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
  '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
  '-A DOCKER-USER -j RETURN',
];
const eraC = (forward: string[], admin: { chains: string[]; rules: string[] } = { chains: [], rules: [] }): string =>
  dump(
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':DOCKER - [0:0]',
    ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
    ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
    ':DOCKER-USER - [0:0]',
    ...admin.chains,
    ...forward,
    ...ERA_C_CHAINS,
    ...admin.rules,
    'COMMIT',
  );

const ERA_E = dump(
  '*filter',
  ':INPUT ACCEPT [0:0]',
  ':FORWARD DROP [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':DOCKER - [0:0]',
  ':DOCKER-BRIDGE - [0:0]',
  ':DOCKER-CT - [0:0]',
  ':DOCKER-FORWARD - [0:0]',
  ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
  ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
  ':DOCKER-USER - [0:0]',
  '-A FORWARD -j DOCKER-USER',
  '-A FORWARD -j DOCKER-FORWARD',
  '-A DOCKER ! -i docker0 -o docker0 -j DROP',
  '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
  '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A DOCKER-FORWARD -j DOCKER-CT',
  '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
  '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
  '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
  '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
  '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
  '-A DOCKER-USER -j RETURN',
  'COMMIT',
);

testRule(rule, {
  valid: [
    { name: 'Era C (18.05–27.x): DOCKER-USER first, then DOCKER-ISOLATION-STAGE-1', dump: eraC(['-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', ...ERA_C_FORWARD]) },
    {
      name: 'Era B (17.06–18.04): DOCKER-USER first, then the single DOCKER-ISOLATION',
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-ISOLATION - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -j DOCKER-ISOLATION',
        '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A FORWARD -o docker0 -j DOCKER',
        '-A DOCKER-ISOLATION -j RETURN',
        '-A DOCKER-USER -j RETURN',
        'COMMIT',
      ),
    },
    { name: 'Era E (28.0.1+): DOCKER-USER then DOCKER-FORWARD', dump: ERA_E },
    {
      name: 'Era G (29.x): DOCKER-USER left empty, DOCKER-INTERNAL instead of the isolation chains',
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-BRIDGE - [0:0]',
        ':DOCKER-CT - [0:0]',
        ':DOCKER-FORWARD - [0:0]',
        ':DOCKER-INTERNAL - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -j DOCKER-FORWARD',
        '-A DOCKER ! -i docker0 -o docker0 -j DROP',
        '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
        '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A DOCKER-FORWARD -j DOCKER-CT',
        '-A DOCKER-FORWARD -j DOCKER-INTERNAL',
        '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
        '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
        'COMMIT',
      ),
    },
    {
      name: 'Era A (1.12): no DOCKER-USER chain, nothing to check',
      dump: dump('*filter', ':FORWARD ACCEPT [0:0]', ':DOCKER - [0:0]', ':DOCKER-ISOLATION - [0:0]', '-A FORWARD -j DOCKER-ISOLATION', '-A FORWARD -o docker0 -j DOCKER', '-A DOCKER-ISOLATION -j RETURN', 'COMMIT'),
    },
    {
      name: 'logging and counting before the jump decide nothing',
      dump: eraC(
        [
          '-A FORWARD -m limit --limit 5/min -j LOG --log-prefix "fwd: "',
          '-A FORWARD -i eth0',
          '-A FORWARD -j fwd-stats',
          '-A FORWARD -j DOCKER-USER',
          '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
          ...ERA_C_FORWARD,
        ],
        { chains: [':fwd-stats - [0:0]'], rules: ['-A fwd-stats -p tcp -j NFLOG --nflog-group 2', '-A fwd-stats -j RETURN'] },
      ),
    },
    {
      name: 'a restore fragment with DOCKER-USER rules alone (applied with --noflush)',
      dump: dump('*filter', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP', '-A DOCKER-USER -j RETURN', 'COMMIT'),
    },
    {
      name: 'DOCKER-USER wired in through another chain is left alone',
      dump: dump('*filter', ':FORWARD DROP [0:0]', ':DOCKER-USER - [0:0]', ':edge - [0:0]', '-A FORWARD -j edge', '-A edge -j DOCKER-USER', '-A edge -j ACCEPT', 'COMMIT'),
    },
    {
      name: 'ip6tables on Docker 20.10 has no DOCKER-USER',
      dump: dump(
        '# Generated by ip6tables-save v1.8.9 (nf_tables)',
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER - [0:0]',
        ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
        '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-A FORWARD -o br-10dcb8f6df77 -j DOCKER',
        'COMMIT',
      ),
    },
  ],
  invalid: [
    {
      name: 'an admin ACCEPT inserted above the jump',
      dump: eraC(['-A FORWARD -i eth0 -o docker0 -j ACCEPT', '-A FORWARD -j DOCKER-USER', '-A FORWARD -j DOCKER-ISOLATION-STAGE-1', ...ERA_C_FORWARD]),
      findings: [{ line: 10, message: ['after line 9', 'published container ports', '-A FORWARD -j DOCKER-USER'], chain: 'FORWARD' }],
    },
    {
      name: 'Docker\'s isolation jump restored above DOCKER-USER: STAGE-2 drops',
      dump: eraC(['-A FORWARD -j DOCKER-ISOLATION-STAGE-1', '-A FORWARD -j DOCKER-USER', ...ERA_C_FORWARD]),
      findings: [{ line: 10, message: ['after line 9'] }],
    },
    {
      name: 'swarm\'s DOCKER-INGRESS jump first',
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER-INGRESS - [0:0]',
        ':DOCKER-USER - [0:0]',
        '-A FORWARD -j DOCKER-INGRESS',
        '-A FORWARD -j DOCKER-USER',
        '-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT',
        '-A DOCKER-INGRESS -j RETURN',
        'COMMIT',
      ),
      findings: [{ line: 6, message: ['after line 5'] }],
    },
    {
      name: 'ufw\'s chains ahead of Docker\'s',
      dump: eraC(['-A FORWARD -j ufw-before-logging-forward', '-A FORWARD -j ufw-before-forward', '-A FORWARD -j DOCKER-USER', ...ERA_C_FORWARD], {
        chains: [':ufw-before-logging-forward - [0:0]', ':ufw-before-forward - [0:0]'],
        rules: ['-A ufw-before-forward -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'],
      }),
      findings: [{ line: 13, message: ['after line 12'] }],
    },
    {
      name: 'a goto in FORWARD ends in the policy when its chain runs out',
      dump: dump('*filter', ':FORWARD DROP [0:0]', ':DOCKER-USER - [0:0]', ':lan - [0:0]', '-A FORWARD -i eth1 -g lan', '-A FORWARD -j DOCKER-USER', '-A lan -p tcp --dport 22 -j LOG', 'COMMIT'),
      findings: [{ line: 6, message: ['after line 5'] }],
    },
    {
      name: 'DOCKER-USER exists but FORWARD lost its jump (rules restored before Docker started)',
      dump: eraC(['-A FORWARD -j DOCKER-ISOLATION-STAGE-1', ...ERA_C_FORWARD]),
      findings: [{ line: 8, message: ['never jumps to it', '-I FORWARD 1 -j DOCKER-USER'], chain: 'DOCKER-USER' }],
    },
    {
      name: 'iptables -S listing (28.x) with the jump missing',
      dump: dump('-P INPUT ACCEPT', '-P FORWARD DROP', '-P OUTPUT ACCEPT', '-N DOCKER-FORWARD', '-N DOCKER-USER', '-A FORWARD -j DOCKER-FORWARD', '-A DOCKER-FORWARD -i docker0 -j ACCEPT'),
      findings: [{ line: 5, message: ['never jumps to it'] }],
    },
  ],
});

expectSilentOnDockerSamples(rule);
