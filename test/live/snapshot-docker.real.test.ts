import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../helpers/packed';
import { DockerInNamespace, describeReal, startDockerOrSkip, withoutHashLines } from '../helpers/real-system';

const BIN = join(__dirname, '..', '..', 'bin', 'ipt-lint');

/**
 * One step for a CI job: `snapshot` next to a real dockerd (its own namespace
 * and socket, chosen with --docker-host) saves everything `policy from-docker`
 * and `lint` need, and the rules Docker installed pass against that policy.
 */
describeReal('ipt-lint snapshot with a real Docker daemon', ['docker'], () => {
  let docker: DockerInNamespace | undefined;
  let unavailable: string | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-snapdocker-'));
    const started = await startDockerOrSkip({ ipv6: true });
    if (typeof started === 'string') {
      unavailable = started;
      return;
    }
    docker = started;
    docker.buildMiniImage();
    docker.dockerOk(['network', 'create', '--subnet', '10.90.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'lan']);
    docker.dockerOk(['run', '-d', '--name', 'web', '--network', 'lan', '-p', '8080:80', 'mini:1', '/bin/sleep', '100000']);
  }, 180_000);

  afterAll(async () => {
    await docker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test('saves the rules and the Docker state; the policy made from them passes', () => {
    if (unavailable !== undefined || docker === undefined) return;
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(docker.dir, 'cli') };
    delete env.DOCKER_HOST;
    const snapshot = join(dir, 'snap');
    const result = runProgram('nsenter', [`--net=${docker.ns.path}`, BIN, 'snapshot', '--docker-host', docker.host, snapshot], { env });
    expect(result.stderr).toContain('networks, 1 containers');
    expect(result.status).toBe(0);

    expect(withoutHashLines(readFileSync(join(snapshot, 'rules.v4'), 'utf8'))).toBe(withoutHashLines(docker.save('ipv4')));
    expect(withoutHashLines(readFileSync(join(snapshot, 'rules.v6'), 'utf8'))).toBe(withoutHashLines(docker.save('ipv6')));
    expect(JSON.parse(readFileSync(join(snapshot, 'networks.json'), 'utf8'))).toEqual(JSON.parse(docker.inspectNetworks()));
    expect(JSON.parse(readFileSync(join(snapshot, 'containers.json'), 'utf8'))).toEqual(JSON.parse(docker.inspectContainers()));
    const manifest = JSON.parse(readFileSync(join(snapshot, 'manifest.json'), 'utf8'));
    expect(manifest.docker).toMatchObject({ networks: 'networks.json', containers: 'containers.json', host: docker.host, networkCount: 4, containerCount: 1 });

    const policy = join(dir, 'policy.yaml');
    const fromDocker = runProgram(BIN, ['policy', 'from-docker', '-n', join(snapshot, 'networks.json'), '-c', join(snapshot, 'containers.json'), '-o', policy]);
    expect(fromDocker.status).toBe(0);
    const lint = runProgram(BIN, ['lint', '--format', 'json', '--policy', policy, join(snapshot, 'rules.v4'), join(snapshot, 'rules.v6')]);
    expect(lint.status).toBe(0);
    // Docker 20.10 leaves unused IPv6 chains when no network has IPv6: warnings, not errors.
    expect(JSON.parse(lint.stdout).summary).toMatchObject({ files: 2, errors: 0 });
  });
});
