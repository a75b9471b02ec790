import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseDump } from '../../src/parser/parse-dump';
import type { DockerPolicy } from '../../src/policy/types';
import { reachability, type ReachMatrix, type ReachResult } from '../../src/trace/reach';
import { samplePolicy, sampleDump } from '../helpers/docker-sample-policy';

const ROOT = join(__dirname, '..', '..');

function matrixOf(text: string, docker: DockerPolicy, family: 'ipv4' | 'ipv6' = 'ipv4'): ReachMatrix {
  const ruleset = parseDump(text).dump.rulesets.find((candidate) => candidate.family === family)!;
  return reachability(ruleset, docker);
}

/** "from→to: tcp/udp/icmp results", one line per cell, for readable expectations. */
function results(matrix: ReachMatrix): Record<string, ReachResult | string> {
  const table: Record<string, string> = {};
  for (const cell of matrix.cells) {
    const answers = [cell.protocols.tcp.result, cell.protocols.udp.result, cell.protocols.icmp.result];
    table[`${cell.from}→${cell.to}`] = new Set(answers).size === 1 ? answers[0] : answers.join('/');
  }
  return table;
}

describe('reachability on real Docker 20.10 dumps (samples/docker-20.10)', () => {
  test('default bridge and a user network: each reaches itself and outside, not the other; outside reaches only published ports', () => {
    const docker = samplePolicy('default-usernet').docker!;
    const matrix = matrixOf(sampleDump('default-usernet'), docker);
    expect(results(matrix)).toEqual({
      'bridge→bridge': 'allowed',
      'bridge→web': 'denied',
      'bridge→outside': 'allowed',
      'bridge→host': 'allowed',
      'web→bridge': 'denied',
      'web→web': 'allowed',
      'web→outside': 'allowed',
      'web→host': 'allowed',
      // Routed straight to a container address, only the published port's ACCEPT lets it in.
      'outside→bridge': 'denied/depends/denied',
      'outside→web': 'depends/denied/denied',
      'outside→host': 'allowed',
      'host→bridge': 'allowed',
      'host→web': 'allowed',
      'host→outside': 'allowed',
    });
    const web = matrix.cells.find((cell) => cell.from === 'bridge' && cell.to === 'web')!;
    expect(web.protocols.tcp.deciders.map((decider) => decider.line)).toEqual([25]);
    const direct = matrix.cells.find((cell) => cell.from === 'outside' && cell.to === 'web')!.protocols.tcp;
    expect(direct.conditions).toEqual(['line 20 (the destination address; the destination port)']);

    const published = matrix.published.filter((row) => row.port.hostPort === 8080);
    expect(published.map((row) => [row.from, row.answer.result, row.reaches.join()])).toEqual([
      ['bridge', 'allowed', 'the host (a proxy there may answer)'],
      ['web', 'allowed', 'the host (a proxy there may answer)'],
      ['outside', 'allowed', 'the container 172.30.0.2 port 80'],
    ]);
  });

  test('icc off: containers of the network do not reach each other; internal networks reach nothing but themselves and the host', () => {
    const noIcc = results(matrixOf(sampleDump('no-icc'), samplePolicy('no-icc').docker!));
    expect(noIcc['no-icc→no-icc']).toBe('denied');
    expect(noIcc['bridge→bridge']).toBe('allowed');
    const internal = results(matrixOf(sampleDump('internal'), samplePolicy('internal').docker!));
    expect(internal).toMatchObject({
      'backend→backend': 'allowed',
      'backend→bridge': 'denied',
      'backend→outside': 'denied',
      'backend-noicc→backend-noicc': 'denied',
      'outside→backend': 'denied',
      'bridge→backend': 'denied',
    });
  });

  test('a connection is allowed only when its answers get back: an ACCEPT one way in DOCKER-USER does not open it', () => {
    const docker = samplePolicy('default-usernet').docker!;
    const oneWay = sampleDump('default-usernet').replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -i docker0 -o br-53dbd5c4b691 -j ACCEPT\n-A DOCKER-USER -j RETURN');
    const cell = matrixOf(oneWay, docker).cells.find((candidate) => candidate.from === 'bridge' && candidate.to === 'web')!;
    expect(cell.protocols.tcp.result).toBe('denied');
    expect(cell.protocols.tcp.deciders.map((decider) => [decider.line, decider.answer])).toEqual([[26, true]]);
  });

  test('IPv6 networks have a matrix of their own', () => {
    const docker = samplePolicy('dual-stack').docker!;
    const matrix = matrixOf(sampleDump('dual-stack'), docker, 'ipv6');
    expect(matrix.family).toBe('ipv6');
    expect(matrix.endpoints.map((endpoint) => endpoint.kind)).toContain('network');
  });
});

describe('ipt-lint reach', () => {
  const run = (args: string[]) => spawnSync(join(ROOT, 'bin', 'ipt-lint'), args, { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const args = ['reach', 'samples/docker-20.10/default-usernet.v4', '--policy', 'samples/docker-20.10/default-usernet.policy.yaml'];

  test('text: a table with the deciding lines, footnotes for what a cell depends on, and the published ports', () => {
    const result = run(args);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^from \\ to\s+bridge\s+web\s+outside\s+host$/m);
    expect(result.stdout).toMatch(/^bridge\s+allowed \(19\)\s+denied \(25\)/m);
    expect(result.stdout).toContain('Depends on:\n  [1] outside → bridge: line 21 (the destination address; the destination port)');
    expect(result.stdout).toMatch(/tcp 0\.0\.0\.0:8080 → web 172\.30\.0\.2:80\n(.*\n){2}\s+from outside\s+allowed, reaches the container 172\.30\.0\.2 port 80 \(20\)/);
  });

  test('json: every cell per protocol with its deciding rules', () => {
    const result = run([...args, '--format', 'json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    const cell = json.families[0].matrix.find((entry: { from: string; to: string }) => entry.from === 'bridge' && entry.to === 'web');
    expect(cell.protocols.tcp).toEqual({ result: 'denied', decidedBy: [{ line: 25, rule: '-A DOCKER-ISOLATION-STAGE-2 -o br-53dbd5c4b691 -j DROP', policy: null, verdict: 'DROP', answers: false }], dependsOn: [] });
  });

  test('html: one self-contained page, coloured cells with the deciding rule in a tooltip', () => {
    const result = run([...args, '--format', 'html']);
    expect(result.status).toBe(0);
    const page = result.stdout;
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    expect(page).toMatch(/<td class="denied" title="tcp: denied\n {2}line 25: -A DOCKER-ISOLATION-STAGE-2 -o br-53dbd5c4b691 -j DROP \(DROP\)/);
    expect(page).toContain('<td class="allowed"');
  });

  test('trouble: a policy without a docker section, or a broken dump, exits 2', () => {
    const noDocker = spawnSync(join(ROOT, 'bin', 'ipt-lint'), ['reach', 'samples/docker-20.10/default-usernet.v4', '--policy', '-'], { encoding: 'utf8', cwd: ROOT });
    expect(noDocker.status).toBe(2);
    const missing = run(['reach', 'samples/none.v4', '--policy', 'samples/docker-20.10/default-usernet.policy.yaml']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('samples/none.v4');
  });
});
