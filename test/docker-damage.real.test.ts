import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding } from '../src/lint/types';
import { DockerInNamespace, describeReal, startDockerOrSkip, withoutHashLines } from './helpers/real-system';

/**
 * End to end against a real Docker 20.10 daemon in a private network namespace:
 * the policy that `ipt-lint policy from-docker` makes from Docker's own inspect
 * output passes on the rules Docker installed, and each damage done to those
 * rules with real iptables commands (inside the namespace only) is reported
 * with the right code, naming the network or bridge concerned.
 */
jest.setTimeout(120_000);

const CLI = resolve(__dirname, '..', 'bin', 'ipt-lint');

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/ipt-lint args…`, argument array, no shell. */
function cli(args: readonly string[], cwd: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
}

interface NetworkFacts {
  name: string;
  bridge: string;
  subnet: string;
}

interface InspectedNetwork {
  Name: string;
  Id: string;
  Driver: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string }[] };
}

describeReal('damaging the rules of a real dockerd, then linting them with the policy made from it', ['docker', 'iptables'], () => {
  let docker: DockerInNamespace | undefined;
  let unavailable: string | undefined;
  let dir: string | undefined;
  let policyFile = '';
  let baseline = '';
  /** icc off, its own subnet; container `alpha` publishes 8080/tcp on 0.0.0.0. */
  let a: NetworkFacts;
  /** a plain second network; container `beta` publishes 5353/udp on 127.0.0.1. */
  let b: NetworkFacts;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ipl-damage-'));
    const started = await startDockerOrSkip();
    if (typeof started === 'string') {
      unavailable = started;
      return;
    }
    docker = started;
    docker.buildMiniImage();
    docker.dockerOk(['network', 'create', '--subnet', '10.90.7.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'dmg-a']);
    docker.dockerOk(['network', 'create', '--subnet', '10.91.7.0/24', 'dmg-b']);
    docker.dockerOk(['run', '-d', '--name', 'alpha', '--network', 'dmg-a', '-p', '8080:80', 'mini:1', '/bin/sleep', '100000']);
    docker.dockerOk(['run', '-d', '--name', 'beta', '--network', 'dmg-b', '-p', '127.0.0.1:5353:53/udp', 'mini:1', '/bin/sleep', '100000']);

    // What Docker says it set up, exactly as a user would collect it.
    const networkIds = docker.dockerOk(['network', 'ls', '-q']).split('\n').filter((id) => id !== '');
    const networksText = docker.dockerOk(['network', 'inspect', ...networkIds]);
    const containerIds = docker.dockerOk(['ps', '-q']).split('\n').filter((id) => id !== '');
    const containersText = docker.dockerOk(['inspect', ...containerIds]);
    writeFileSync(join(dir, 'networks.json'), networksText);
    writeFileSync(join(dir, 'containers.json'), containersText);

    const facts = (name: string): NetworkFacts => {
      const network = (JSON.parse(networksText) as InspectedNetwork[]).find((n) => n.Name === name);
      if (network === undefined) throw new Error(`docker network inspect does not list ${name}`);
      const subnet = network.IPAM?.Config?.[0]?.Subnet;
      if (subnet === undefined) throw new Error(`${name} has no subnet in docker network inspect`);
      return { name, bridge: network.Options?.['com.docker.network.bridge.name'] ?? `br-${network.Id.slice(0, 12)}`, subnet };
    };
    a = facts('dmg-a');
    b = facts('dmg-b');

    policyFile = join(dir, 'policy.yaml');
    const made = cli(['policy', 'from-docker', '--networks', join(dir, 'networks.json'), '--containers', join(dir, 'containers.json'), '-o', policyFile], dir);
    if (made.status !== 0) throw new Error(`policy from-docker exited ${made.status}: ${made.stderr}`);

    baseline = docker.save('ipv4');
  }, 180_000);

  afterAll(async () => {
    try {
      await docker?.stop();
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  const ready = (): boolean => unavailable === undefined;

  /** iptables inside our namespace only. */
  const iptables = (args: readonly string[]): void => {
    docker!.ns.execOk('iptables', args);
  };

  /** Loads the saved, undamaged rules back into our namespace. */
  const reset = (): void => {
    docker!.ns.execOk('iptables-restore', [], baseline);
  };

  const lintFile = (name: string, text: string, format: 'json' | 'stylish'): CliResult => {
    const file = join(dir!, name);
    writeFileSync(file, text);
    return cli(['lint', '--policy', policyFile, '--format', format, file], dir!);
  };

  /** Applies `damage` in the namespace, saves, lints with the policy, and always restores the undamaged rules. */
  const damaged = (name: string, damage: () => void): { findings: Finding[]; dump: string } => {
    let dump: string;
    try {
      damage();
      dump = docker!.save('ipv4');
    } finally {
      reset();
    }
    // The damage changed the rules, and the restore undid it for the next case.
    expect(withoutHashLines(dump)).not.toEqual(withoutHashLines(baseline));
    expect(withoutHashLines(docker!.save('ipv4'))).toEqual(withoutHashLines(baseline));
    const result = lintFile(`${name}.rules`, dump, 'json');
    if (result.status !== 1) throw new Error(`lint after "${name}" exited ${result.status}, expected 1\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    return { findings, dump };
  };

  /** The codes reported, sorted: nothing but what the damage explains. */
  const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code).sort();

  const summary = (findings: readonly Finding[]): string => findings.map((f) => `${f.code} ${f.message}`).join('\n');

  /** At least one finding with `code` whose message contains every one of `words`. */
  const expectFinding = (findings: readonly Finding[], code: string, words: readonly string[]): Finding => {
    const match = findings.find((f) => f.code === code && words.every((word) => f.message.includes(word)));
    if (match === undefined) throw new Error(`no ${code} finding naming ${words.join(' + ')}; findings were:\n${summary(findings) || '(none)'}`);
    return match;
  };

  test('the undamaged rules pass the policy made from docker inspect: exit 0, no output', () => {
    if (!ready()) return;
    // Sanity: the rules the damages below remove are really there.
    const lines = baseline.split('\n');
    expect(lines).toContain(`-A DOCKER-ISOLATION-STAGE-2 -o ${a.bridge} -j DROP`);
    expect(lines).toContain(`-A POSTROUTING -s ${a.subnet} ! -o ${a.bridge} -j MASQUERADE`);
    expect(lines).toContain(`-A FORWARD -i ${a.bridge} -o ${a.bridge} -j DROP`);
    expect(lines).toContain('-A FORWARD -j DOCKER-USER');
    const result = lintFile('baseline.rules', baseline, 'stylish');
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    // iptables-restore of the saved rules gives back the same rules: the reset between damages is exact.
    reset();
    expect(withoutHashLines(docker!.save('ipv4'))).toEqual(withoutHashLines(baseline));
  });

  test('isolation DROP of a network deleted: IPT3003 names it', () => {
    if (!ready()) return;
    const { findings } = damaged('no-isolation-drop', () => iptables(['-D', 'DOCKER-ISOLATION-STAGE-2', '-o', a.bridge, '-j', 'DROP']));
    // Both other networks (dmg-b and the default bridge) now reach dmg-a.
    expectFinding(findings, 'IPT3003', [`from network ${b.name} (${b.bridge}) to network ${a.name} (${a.bridge})`]);
    expectFinding(findings, 'IPT3003', [`from network bridge (docker0) to network ${a.name} (${a.bridge})`]);
    expect(codes(findings)).toEqual(['IPT3003', 'IPT3003']);
  });

  test('MASQUERADE of a subnet deleted: IPT3001 names the network and subnet', () => {
    if (!ready()) return;
    const { findings } = damaged('no-masquerade', () => iptables(['-t', 'nat', '-D', 'POSTROUTING', '-s', a.subnet, '!', '-o', a.bridge, '-j', 'MASQUERADE']));
    expectFinding(findings, 'IPT3001', [`network ${a.name} (${a.bridge})`, a.subnet]);
    expect(codes(findings)).toEqual(['IPT3001']);
  });

  test('icc DROP deleted on the icc-off network: IPT3002 names it', () => {
    if (!ready()) return;
    const { findings } = damaged('no-icc-drop', () => iptables(['-D', 'FORWARD', '-i', a.bridge, '-o', a.bridge, '-j', 'DROP']));
    expectFinding(findings, 'IPT3002', [`network ${a.name} (${a.bridge}) has icc off`]);
    expect(codes(findings)).toEqual(['IPT3002']);
  });

  test('FORWARD no longer jumps to DOCKER-USER: IPT2009', () => {
    if (!ready()) return;
    const { findings } = damaged('no-docker-user-jump', () => iptables(['-D', 'FORWARD', '-j', 'DOCKER-USER']));
    // There is no network to name here: the finding is about the DOCKER-USER chain.
    expectFinding(findings, 'IPT2009', ['DOCKER-USER exists but FORWARD never jumps to it']);
    // The chain left behind is also unused (IPT2002): a true finding, not noise.
    expect(codes(findings)).toEqual(['IPT2002', 'IPT2009']);
  });

  test('an ACCEPT from one bridge to the other above the isolation: IPT3003 names both', () => {
    if (!ready()) return;
    const { findings } = damaged('bridge-to-bridge-accept', () => iptables(['-I', 'FORWARD', '1', '-i', a.bridge, '-o', b.bridge, '-j', 'ACCEPT']));
    expectFinding(findings, 'IPT3003', [`from network ${a.name} (${a.bridge}) to network ${b.name} (${b.bridge})`, `-A FORWARD -i ${a.bridge} -o ${b.bridge} -j ACCEPT`]);
    // Inserted at the top, it also puts a rule before the DOCKER-USER jump.
    expect(codes(findings)).toEqual(['IPT2009', 'IPT3003']);
  });

  test.each([
    ['tcp 8080 on 0.0.0.0', 'tcp', '8080'],
    ['udp 5353 on 127.0.0.1', 'udp', '5353'],
  ])('DNAT of the published port %s deleted: IPT3005 names it', (_label, protocol, port) => {
    if (!ready()) return;
    const network = protocol === 'tcp' ? a : b;
    const rule = baseline.split('\n').filter((line) => line.startsWith('-A DOCKER ') && line.includes(` -p ${protocol} `) && line.includes(` --dport ${port} `) && line.includes(' -j DNAT '));
    expect(rule).toHaveLength(1);
    // Docker's own rule, as iptables-save printed it; it holds no quoted arguments.
    const args = rule[0]!.split(' ').slice(2);
    const { findings } = damaged(`no-dnat-${protocol}`, () => iptables(['-t', 'nat', '-D', 'DOCKER', ...args]));
    expectFinding(findings, 'IPT3005', [`${port}/${protocol}`, `network ${network.name} (${network.bridge})`, 'no DNAT']);
    expect(codes(findings)).toEqual(['IPT3005']);
  });
});
