import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { policyFromDocker } from '../../src/policy/from-docker';
import { loadPolicy } from '../../src/policy/load';

const BIN = join(__dirname, '..', '..', 'bin', 'ipt-lint');
const SAMPLES = join(__dirname, '..', '..', 'samples', 'docker-20.10');
let dir: string;

function run(args: string[], input?: string) {
  const result = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 30000, cwd: dir });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return name;
}

const NO_STACK = /^\s+at /m;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-policy-'));
  for (const kind of ['networks', 'containers']) copyFileSync(join(SAMPLES, `dual-stack.${kind}.json`), join(dir, `${kind}.json`));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectedPolicy() {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  return policyFromDocker(read('networks.json'), read('containers.json')).policy;
}

describe('ipt-lint policy from-docker', () => {
  test('YAML on standard output, with a header saying where it came from, parses back to the same policy', () => {
    const result = run(['policy', 'from-docker', '--networks', 'networks.json', '--containers', 'containers.json']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^# Docker policy for ipt-lint, written by `ipt-lint policy from-docker`\n# from `docker network inspect` output in networks.json and `docker inspect` output in containers.json.\n/);
    expect(result.stdout).toContain('# - skipped 2 networks not using the bridge driver');
    expect(parse(result.stdout)).toEqual(expectedPolicy());
    expect(result.stderr).toBe("ipt-lint: warning: skipped 2 networks not using the bridge driver, which Docker's bridge rules do not cover: host (host), none (null)\n");
  });

  test('-o writes the file and says so; JSON when asked or when the file name ends in .json', () => {
    const yaml = run(['policy', 'from-docker', '-n', 'networks.json', '-c', 'containers.json', '-o', 'policy.yaml']);
    expect(yaml).toMatchObject({ status: 0, stdout: '' });
    expect(yaml.stderr).toContain('ipt-lint: wrote a policy with 2 networks and 5 published ports to policy.yaml\n');
    expect(parse(readFileSync(join(dir, 'policy.yaml'), 'utf8'))).toEqual(expectedPolicy());

    expect(run(['policy', 'from-docker', '-n', 'networks.json', '-c', 'containers.json', '-o', 'policy.json']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'))).toEqual(expectedPolicy());

    // What the command writes is what `lint --policy` reads.
    expect(loadPolicy(join(dir, 'policy.yaml'))).toEqual(expectedPolicy());
    expect(loadPolicy(join(dir, 'policy.json'))).toEqual(expectedPolicy());

    const json = run(['policy', 'from-docker', '-n', 'networks.json', '-c', 'containers.json', '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expectedPolicy());
  });

  test('networks only, from standard input: no published list, and the header says why', () => {
    const result = run(['policy', 'from-docker', '--networks', '-'], readFileSync(join(dir, 'networks.json'), 'utf8'));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('output in standard input (no container output, so published ports are not listed).');
    const policy = parse(result.stdout);
    expect(policy.docker.networks.map((network: { bridge: string }) => network.bridge)).toEqual(['docker0', 'br-10dcb8f6df77']);
    expect(policy.docker).not.toHaveProperty('published');
  });

  test('bad JSON exits 2 with the reason and no stack trace', () => {
    const result = run(['policy', 'from-docker', '--networks', write('broken.json', '[{"Name": "bridge",')]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ipt-lint: --networks: broken.json is not valid JSON \(.+\); expected what `docker network inspect` prints\n/);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.stderr).not.toContain('internal error');
  });

  test('JSON of the wrong shape exits 2 and lists every problem with where it is', () => {
    const networks = write('odd-networks.json', JSON.stringify([{ Name: 'a', Driver: 'bridge', Id: 'f'.repeat(64) }, { Name: 'b', Driver: 'bridge', Id: 'e'.repeat(64) }, { Name: 'odd' }]));
    const result = run(['policy', 'from-docker', '--networks', networks, '--containers', 'networks.json', '-o', 'never.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('ipt-lint: cannot make a policy from this input:\n  odd-networks.json[2]: not a docker network inspect entry (no "Driver")\n');
    expect(result.stderr).toContain('  networks.json[0]: not a docker inspect entry for a container (no "NetworkSettings"); it looks like docker network inspect output\n');
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'never.yaml'))).toBe(false);
  });

  test('usage problems exit 2: a missing file, an empty file, no --networks, no subcommand', () => {
    const missing = run(['policy', 'from-docker', '--networks', 'nowhere.json']);
    expect(missing).toMatchObject({ status: 2, stderr: expect.stringContaining('ipt-lint: --networks: nowhere.json does not exist') });
    const empty = run(['policy', 'from-docker', '--networks', write('empty.json', '\n')]);
    expect(empty).toMatchObject({ status: 2, stderr: expect.stringContaining('empty.json is empty; expected the JSON that `docker network inspect` prints') });
    expect(run(['policy', 'from-docker']).stderr).toContain('Missing required argument: networks');
    expect(run(['policy', 'from-docker']).status).toBe(2);
    expect(run(['policy']).status).toBe(2);
    const unwritable = run(['policy', 'from-docker', '--networks', 'networks.json', '-o', join(dir, 'no-such-dir', 'p.yaml')]);
    expect(unwritable).toMatchObject({ status: 2, stderr: expect.stringContaining('cannot write') });
  });

  test('listed in the help', () => {
    expect(run(['--help']).stdout).toContain('ipt-lint policy <command>');
    expect(run(['policy', 'from-docker', '--help']).stdout).toContain('--containers');
  });
});
