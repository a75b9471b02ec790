/**
 * `ipt-lint diff` against a real Docker 20.10 daemon in a private network namespace: what the
 * diff reports between two saves is exactly what Docker added or removed in between, and a
 * network re-created under the same name (new id, new bridge) is no drift with --docker-names.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Change } from '../../src/diff/types';
import { parseDump } from '../../src/parser/parse-dump';
import { printRule } from '../../src/printer';
import { DockerInNamespace, describeReal, startDockerOrSkip } from '../helpers/real-system';

jest.setTimeout(120_000);

const CLI = resolve(__dirname, '..', '..', 'bin', 'ipt-lint');

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Canonical `-A` lines per table, as a multiset: an independent count of what one save has that the other lacks. */
function ruleLines(text: string): string[] {
  const { dump } = parseDump(text, { file: 'save' });
  return dump.rulesets.flatMap((ruleset) => ruleset.tables.flatMap((table) => table.chains.flatMap((chain) => chain.rules.map((rule) => `${table.name} ${printRule(rule, ruleset.family, { counters: false })}`))));
}

function multisetMinus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of b) counts.set(line, (counts.get(line) ?? 0) + 1);
  return a.filter((line) => {
    const left = counts.get(line) ?? 0;
    if (left === 0) return true;
    counts.set(line, left - 1);
    return false;
  });
}

describeReal('ipt-lint diff on the rules of a real dockerd', ['docker', 'iptables'], () => {
  let docker: DockerInNamespace | undefined;
  let dir = '';
  let unavailable = false;
  const saves = new Map<string, string>();

  /** Saves the namespace's IPv4 rules with counters, as a user would before and after a change. */
  const save = (name: string): string => {
    const text = docker!.ns.execOk('iptables-save', ['-c']);
    const file = join(dir, `${name}.v4`);
    writeFileSync(file, text);
    saves.set(name, text);
    return file;
  };
  const diffJson = (before: string, after: string, extra: string[] = []): { status: number | null; changes: Change[] } => {
    const result = cli(['diff', before, after, '--format', 'json', ...extra]);
    if (result.status !== 0 && result.status !== 1) throw new Error(`diff exited ${result.status}: ${result.stderr}`);
    return { status: result.status, changes: (JSON.parse(result.stdout) as { changes: Change[] }).changes };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ipl-drift-'));
    const started = await startDockerOrSkip();
    if (typeof started === 'string') {
      unavailable = true;
      return;
    }
    docker = started;
    docker.buildMiniImage();
  }, 180_000);

  afterAll(async () => {
    try {
      await docker?.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  test('a new network and a published port: the diff lists exactly the rules Docker added; removing them, exactly those removed', () => {
    if (unavailable) return;
    const empty = save('empty');
    docker!.dockerOk(['network', 'create', '--subnet', '10.92.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'drift-a']);
    docker!.dockerOk(['run', '-d', '--name', 'web', '--network', 'drift-a', '-p', '8080:80', 'mini:1', '/bin/sleep', '100000']);
    const busy = save('busy');

    const added = diffJson(empty, busy);
    expect(added.status).toBe(1);
    expect(new Set(added.changes.map((change) => change.kind))).toEqual(new Set(['rule-added']));
    const expected = multisetMinus(ruleLines(saves.get('busy')!), ruleLines(saves.get('empty')!)).sort();
    expect(added.changes.map((change) => `${change.table} ${change.after!.rule}`).sort()).toEqual(expected);
    // Every added rule is about the new network, its subnet, the container or its port.
    for (const change of added.changes) expect(change.after!.rule).toMatch(/br-[0-9a-f]{12}|10\.92\.0\.|8080|--dport 80\b/);
    // Positions and lines point into the after file.
    for (const change of added.changes) expect(saves.get('busy')!.split('\n')[change.after!.line - 1]).toContain(`-A ${change.chain} `);

    docker!.dockerOk(['rm', '-f', 'web']);
    docker!.dockerOk(['network', 'rm', 'drift-a']);
    const cleaned = save('cleaned');
    const removed = diffJson(busy, cleaned);
    expect(new Set(removed.changes.map((change) => change.kind))).toEqual(new Set(['rule-removed']));
    expect(removed.changes.map((change) => `${change.table} ${change.before!.rule}`).sort()).toEqual(expected);

    // Back where it started: counters and the header's timestamps differ, the rules do not.
    const back = cli(['diff', empty, cleaned]);
    expect(back.stderr).toBe('');
    expect(back.stdout).toMatch(/^No drift/);
    expect(back.status).toBe(0);
    // The text view names the changes too, with a summary.
    const text = cli(['diff', empty, busy]);
    expect(text.stdout).toMatch(/^\+-A DOCKER /m);
    expect(text.stdout).toMatch(/^Drift: \d+ rules added in \d+ chains\.$/m);
  });

  test('a network re-created under the same name is drift without --docker-names and none with it', () => {
    if (unavailable) return;
    const create = () => {
      docker!.dockerOk(['network', 'create', '--subnet', '10.93.0.0/24', 'drift-b']);
      docker!.dockerOk(['run', '-d', '--name', 'api', '--network', 'drift-b', '--ip', '10.93.0.7', '-p', '9090:90', 'mini:1', '/bin/sleep', '100000']);
    };
    create();
    const first = save('first');
    const firstNames = join(dir, 'first.networks.json');
    writeFileSync(firstNames, docker!.inspectNetworks());
    docker!.dockerOk(['rm', '-f', 'api']);
    docker!.dockerOk(['network', 'rm', 'drift-b']);
    create();
    const second = save('second');
    const secondNames = join(dir, 'second.networks.json');
    writeFileSync(secondNames, docker!.inspectNetworks());

    const bridges = (text: string) => new Set(text.match(/br-[0-9a-f]{12}/g));
    expect(bridges(saves.get('first')!)).not.toEqual(bridges(saves.get('second')!));

    const plain = diffJson(first, second);
    expect(plain.status).toBe(1);
    expect(plain.changes.length).toBeGreaterThan(0);
    const named = diffJson(first, second, ['--docker-names', firstNames, secondNames]);
    expect(named.changes).toEqual([]);
    expect(named.status).toBe(0);
    docker!.dockerOk(['rm', '-f', 'api']);
    docker!.dockerOk(['network', 'rm', 'drift-b']);
  });
});
