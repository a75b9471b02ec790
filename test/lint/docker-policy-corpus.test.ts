import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectDockerEra } from '../../src/lint/docker/era';
import { parseDump } from '../../src/parser/parse-dump';
import type { DockerPolicy } from '../../src/policy/types';
import { corpusEra, corpusPolicy, describeWithCorpus, DOCKER_MOBY_DIR, DOCKER_MOBY_FILES } from '../helpers/docker-corpus-policy';
import { expectExactly, lintDocker, type ExpectedFinding } from '../helpers/docker-policy-lint';

const read = (file: string): string => readFileSync(join(DOCKER_MOBY_DIR, file), 'utf8');

function without(text: string, line: string): string {
  const lines = text.split('\n');
  if (!lines.includes(line)) throw new Error(`no line ${line}`);
  return lines.filter((candidate) => candidate !== line).join('\n');
}

describeWithCorpus("Docker's own listings (../shared/corpus/docker-moby) against hand-written policies", () => {
  test('the corpus holds the 27.x and 28.x listings', () => {
    expect(DOCKER_MOBY_FILES.filter((file) => file.startsWith('27x-')).length).toBe(6);
    expect(DOCKER_MOBY_FILES.filter((file) => file.startsWith('28.')).length).toBeGreaterThanOrEqual(40);
  });

  test.each(DOCKER_MOBY_FILES)('%s: era detected, no findings', (file) => {
    const text = read(file);
    expect(detectDockerEra(parseDump(text, { file }).dump)).toBe(corpusEra(file));
    expectExactly(lintDocker(text, { docker: corpusPolicy(file) }, file), []);
  });

  const bridge1To = (target: string): string => `traffic from network bridge (docker0) to network ${target} is not isolated`;
  /** Name, file, damage, the findings it must give, and a change to the file's policy (every row has all five: Jest takes a missing last argument for `done`). */
  const damages: [string, string, (text: string) => string, ExpectedFinding[], Partial<DockerPolicy>][] = [
    [
      "28.x: bridge1's STAGE-2 DROP deleted: its published port is reachable from docker0",
      '28.2.2-usernet-portmap.txt',
      (text) => without(text, '-A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP'),
      [{ code: 'IPT3003', words: [bridge1To('bridge1 (bridge1)'), '--dport 80 -j ACCEPT`) may accept it', 'Docker 28.x layout'] }],
      {},
    ],
    [
      "28.x: docker0's STAGE-2 DROP deleted: DOCKER's per-network DROP still isolates it, so nothing to report",
      '28.2.2-usernet-portmap.txt',
      (text) => without(text, '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP'),
      [],
      {},
    ],
    [
      '28.0.0: an ACCEPT from docker0 to bridge1 in DOCKER-USER',
      '28.0.0-usernet-portmap.txt',
      (text) => text.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -i docker0 -o bridge1 -j ACCEPT\n-A DOCKER-USER -j RETURN'),
      [{ code: 'IPT3003', words: [bridge1To('bridge1 (bridge1)'), 'accepts it'] }],
      {},
    ],
    [
      '28.0.0: the subnet MASQUERADE of bridge1 deleted',
      '28.0.0-usernet-portmap.txt',
      (text) => without(text, '-A POSTROUTING -s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE'),
      [{ code: 'IPT3001', words: ['network bridge1 (bridge1): MASQUERADE for 192.0.2.0/24 is missing'] }],
      {},
    ],
    [
      "28.0.1: bridge1's icc DROP deleted from DOCKER-FORWARD",
      '28.0.1-usernet-portmap-noicc.txt',
      (text) => without(text, '-A DOCKER-FORWARD -i bridge1 -o bridge1 -j DROP'),
      [{ code: 'IPT3002', words: ['network bridge1 (bridge1) has icc off', 'the FORWARD policy ACCEPT', '`-A DOCKER-FORWARD -i bridge1 -o bridge1 -j DROP`'] }],
      {},
    ],
    [
      '27.x: the incoming DROP of the internal network deleted',
      '27x-usernet-internal.txt',
      (text) => without(text, '-A DOCKER-ISOLATION-STAGE-1 ! -s 192.0.2.0/24 -o bridge1 -j DROP'),
      [{ code: 'IPT3004', words: ['internal network bridge1 (bridge1): new connections from other interfaces into it are not blocked', 'Docker 18.05+ layout'] }],
      {},
    ],
    [
      '28.x: the per-port MASQUERADE deleted with the userland proxy off',
      '28.2.2-usernet-portmap-noproxy.txt',
      (text) => without(text, '-A POSTROUTING -s 192.0.2.2/32 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE'),
      [{ code: 'IPT3005', words: ['published port 8080/tcp → 192.0.2.2:80 (network bridge1 (bridge1))', 'hairpin MASQUERADE is missing'] }],
      {},
    ],
    [
      'ip6tables golden: the DNAT deleted',
      '28.2.2-golden-base-ip6tables.txt',
      (text) => without(text, '-A DOCKER ! -s fe80::/10 ! -i br-dummy -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd49:efd7:54aa::1]:80'),
      [{ code: 'IPT3005', words: ['→ [fd49:efd7:54aa::1]:80 (network dummy (br-dummy)): no DNAT'] }],
      {},
    ],
    [
      'swarm with every pair isolated: DOCKER-INGRESS accepts the ingress port ahead of the isolation, from either side',
      '28.2.2-swarm-portmap.txt',
      (text) => text,
      [
        { code: 'IPT3003', words: [bridge1To('docker_gwbridge (docker_gwbridge)'), '`-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT`) may accept it'] },
        { code: 'IPT3003', words: ['traffic from network docker_gwbridge (docker_gwbridge) to network bridge (docker0) is not isolated', 'DOCKER-INGRESS'] },
      ],
      { isolate: 'all' },
    ],
    [
      'routed gateway mode with every pair isolated: 28.x returns from STAGE-1 for traffic into a routed bridge',
      '28.2.2-usernet-portmap-routed.txt',
      (text) => text,
      [{ code: 'IPT3003', words: [bridge1To('bridge1 (bridge1)'), 'may accept it'] }],
      { isolate: 'all' },
    ],
  ];

  test.each(damages)('%s', (_name, file, damage, expected, policyChange) => {
    expectExactly(lintDocker(damage(read(file)), { docker: { ...corpusPolicy(file), ...policyChange } }, file), expected);
  });
});
