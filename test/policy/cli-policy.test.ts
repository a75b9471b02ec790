import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the built CLI (bin/ipt-lint loads dist/), as a user would: `npm run build` first.
const BIN = join(__dirname, '..', '..', 'bin', 'ipt-lint');
let dir: string;

function run(args: string[], cwd = dir) {
  const result = spawnSync(BIN, args, { encoding: 'utf8', timeout: 30000, cwd });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A fresh working directory, so discovery sees only the files a test puts there. */
function project(name: string, files: Record<string, string>): string {
  const path = join(dir, name);
  mkdirSync(path);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-cli-policy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Line 4 is never reached: IPT2005 unreachable-rule, a warning by default.
const UNREACHABLE = '*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -p tcp -j DROP\nCOMMIT\n';

const BAD_POLICY = `docker:
  era: 28
  networks:
    - name: web
      brige: br-web
      ipv4: ["10.0.0.300/24"]
  published:
    - network: wbe
      container: 172.18.0.2
      protocol: http
      hostPort: 70000
      containerPort: 80
severity:
  IPT9999: off
`;

describe('ipt-lint lint with a policy', () => {
  test('a bad policy exits 2 and lists every problem, without a stack trace', () => {
    write('bad.yaml', BAD_POLICY);
    const result = run(['lint', '--policy', 'bad.yaml', write('a.rules', UNREACHABLE)]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'ipt-lint: 8 problems in policy bad.yaml:',
      'bad.yaml:2:8: docker.era: must be text: write "28" in quotes',
      'bad.yaml:4:7: docker.networks[0]: missing required key "bridge"',
      'bad.yaml:5:7: docker.networks[0].brige: unknown key (did you mean "bridge"?)',
      'bad.yaml:6:14: docker.networks[0].ipv4[0]: "10.0.0.300/24" is not an IPv4 CIDR',
      'bad.yaml:8:16: docker.published[0].network: no network named "wbe" in docker.networks (did you mean "web"?)',
      'bad.yaml:10:17: docker.published[0].protocol: must be one of tcp, udp, sctp',
      'bad.yaml:11:17: docker.published[0].hostPort: 70000 is not a port number (1-65535)',
      expect.stringMatching(/^bad\.yaml:14:3: severity\.IPT9999: unknown code; known codes: IPT1000-.*IPT2001-IPT20\d\d/),
    ]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('internal error');
  });

  test('a missing policy file exits 2', () => {
    const result = run(['lint', '--policy', 'nope.yaml', write('b.rules', UNREACHABLE)]);
    expect(result).toMatchObject({ status: 2, stdout: '' });
    expect(result.stderr).toBe('ipt-lint: nope.yaml: no such policy file\n');
  });

  test('severity turns a warning into an error (exit 1), by code or by name', () => {
    const dump = write('c.rules', UNREACHABLE);
    expect(run(['lint', dump]).status).toBe(0);
    write('error-by-code.yaml', 'severity:\n  IPT2005: error\n');
    const byCode = run(['lint', '--policy', 'error-by-code.yaml', '--format', 'json', dump]);
    expect(byCode.status).toBe(1);
    expect(JSON.parse(byCode.stdout).findings).toEqual([expect.objectContaining({ code: 'IPT2005', severity: 'error' })]);
    write('error-by-name.json', '{"severity": {"unreachable-rule": "error"}}');
    expect(run(['lint', '--policy', 'error-by-name.json', dump]).status).toBe(1);
  });

  test('severity off drops the finding (exit 0 even with --fail-on warning)', () => {
    const dump = write('d.rules', UNREACHABLE);
    expect(run(['lint', '--fail-on', 'warning', dump]).status).toBe(1);
    write('off.yaml', 'severity:\n  IPT2005: off\n');
    const result = run(['lint', '--policy', 'off.yaml', '--fail-on', 'warning', dump]);
    expect(result).toMatchObject({ status: 0, stdout: '' });
  });

  test('severity applies to parse problems too', () => {
    const dump = write('e.rules', '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n');
    expect(run(['lint', dump]).status).toBe(1);
    write('parse-off.yaml', 'severity:\n  invalid-value: warning\n');
    expect(run(['lint', '--policy', 'parse-off.yaml', dump]).status).toBe(0);
  });

  test('discovery: .ipt-lint.yaml in the current directory, before .yml and .json', () => {
    const cwd = project('discovered', {
      '.ipt-lint.yaml': 'severity:\n  IPT2005: error\n',
      '.ipt-lint.yml': 'severity:\n  IPT2005: off\n',
      '.ipt-lint.json': 'not even a policy',
      'dump.rules': UNREACHABLE,
    });
    expect(run(['lint', 'dump.rules'], cwd).status).toBe(1);
    rmSync(join(cwd, '.ipt-lint.yaml'));
    expect(run(['lint', '--fail-on', 'warning', 'dump.rules'], cwd).status).toBe(0);
    rmSync(join(cwd, '.ipt-lint.yml'));
    const json = run(['lint', 'dump.rules'], cwd);
    expect(json.status).toBe(2);
    expect(json.stderr).toBe('ipt-lint: .ipt-lint.json:1:1: a policy must be a mapping with any of the keys docker, chains, rules and severity\n');
  });

  test('--policy wins over a discovered file', () => {
    const cwd = project('explicit', { '.ipt-lint.yaml': 'severity: [broken]\n', 'mine.yaml': 'severity:\n  IPT2005: error\n', 'dump.rules': UNREACHABLE });
    expect(run(['lint', 'dump.rules'], cwd).status).toBe(2);
    expect(run(['lint', '--policy', 'mine.yaml', 'dump.rules'], cwd).status).toBe(1);
  });

  test('no policy file anywhere: lint as before', () => {
    const cwd = project('none', { 'dump.rules': UNREACHABLE });
    expect(run(['lint', 'dump.rules'], cwd).status).toBe(0);
  });
});
