import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin', 'ipt-lint');
let dir: string;

function run(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(BIN, args, { input: options.input, encoding: 'utf8', timeout: 30000, cwd: dir, env: { ...process.env, ...options.env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-lint-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const CLEAN = '*filter\n:INPUT DROP [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -m tcp --dport 80 -j WEB\n-A WEB -j ACCEPT\nCOMMIT\n';
const BROKEN = '*filter\n:INPUT DROP [0:0]\n-A INPUT -j NOPE\n-A INPUT -p tcp -m tcp --dport 99999 -j ACCEPT\nCOMMIT\n';

describe('ipt-lint lint', () => {
  test('a clean dump prints nothing and exits 0', () => {
    const result = run(['lint', write('clean.rules', CLEAN)]);
    expect(result).toMatchObject({ status: 0, stdout: '' });
  });

  test('findings in stylish form: grouped by file, a summary, exit 1; rule findings and parse problems together', () => {
    const file = write('broken.rules', BROKEN);
    const result = run(['lint', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`${file}\n`);
    expect(result.stdout).toMatch(/3:10 {2}error {4}`-j NOPE` names a chain .* IPT2001 missing-chain/);
    expect(result.stdout).toMatch(/4:32 {2}error {4}--dport: port 99999 .* IPT1015 invalid-value/);
    expect(result.stdout).toContain('✖ 2 problems (2 errors, 0 warnings)');
    expect(result.stdout).not.toContain('\u001b[');
  });

  test('colour only when asked or on a terminal, never with NO_COLOR', () => {
    const file = write('colour.rules', BROKEN);
    expect(run(['lint', '--color', file]).stdout).toContain('\u001b[31m');
    expect(run(['lint', file], { env: { NO_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  test('json: findings and a summary', () => {
    const result = run(['lint', '--format', 'json', write('json.rules', BROKEN)]);
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual({ files: 1, errors: 2, warnings: 0, infos: 0, suppressed: 0, baselined: 0 });
    expect(report.findings.map((f: { code: string }) => f.code)).toEqual(['IPT2001', 'IPT1015']);
    expect(report.findings[0]).toMatchObject({ line: 3, table: 'filter', chain: 'INPUT', family: 'ipv4', docsUrl: expect.stringContaining('IPT2001.md') });
  });

  test('sarif, junit and github formats from the command line', () => {
    const file = write('formats.rules', BROKEN);
    const sarif = run(['lint', '--format', 'sarif', file]);
    expect(sarif.status).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['IPT2001', 'IPT1015']);
    expect(log.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(3);
    expect(log.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'IPT2001')).toBe(true);

    const junit = run(['lint', '--format', 'junit', file]);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites [^>]*tests="2" failures="2"/);

    const github = run(['lint', '--format', 'github', file]);
    expect(github.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^::error file=.*formats\.rules,line=3,col=10,title=IPT2001 missing-chain::/),
      expect.stringMatching(/^::error file=.*formats\.rules,line=4,col=32,endColumn=36,title=IPT1015 invalid-value::/),
    ]);
  });

  test('--fail-on and --quiet', () => {
    const warningsOnly = write('warn.rules', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s ! 10.0.0.1 -j ACCEPT\nCOMMIT\n');
    expect(run(['lint', warningsOnly]).status).toBe(0);
    expect(run(['lint', '--fail-on', 'warning', warningsOnly]).status).toBe(1);
    expect(run(['lint', '--quiet', warningsOnly]).stdout).toBe('');
  });

  test('inline suppression on the line before, by code or by name', () => {
    const file = write(
      'suppressed.rules',
      '*filter\n:INPUT DROP [0:0]\n# ipt-lint disable=IPT2001\n-A INPUT -j NOPE\n# ipt-lint disable=missing-chain\n-A INPUT -j NOPE2\n-A INPUT -j NOPE3\nCOMMIT\n',
    );
    const report = JSON.parse(run(['lint', '--format', 'json', file]).stdout);
    expect(report.findings.map((f: { line: number }) => f.line)).toEqual([7]);
    expect(report.summary.suppressed).toBe(2);
  });

  test('a baseline: written once, then only new findings fail, even when lines move', () => {
    const file = write('adopt.rules', BROKEN);
    const written = run(['lint', '--write-baseline', '--baseline', 'base.json', file]);
    expect(written.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')).findings).toHaveLength(2);
    expect(run(['lint', '--baseline', 'base.json', file]).status).toBe(0);

    write('adopt.rules', '*filter\n:INPUT DROP [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j NOPE\n-A INPUT -p tcp -m tcp --dport 99999 -j ACCEPT\n-A INPUT -j OTHER\nCOMMIT\n');
    const after = run(['lint', '--format', 'json', '--baseline', 'base.json', file]);
    expect(after.status).toBe(1);
    const report = JSON.parse(after.stdout);
    expect(report.findings.map((f: { message: string }) => f.message)).toEqual([expect.stringContaining('OTHER')]);
    expect(report.summary.baselined).toBe(2);
  });

  test('a bad baseline file is a usage error', () => {
    write('bad-base.json', '{"version": 2}');
    const result = run(['lint', '--baseline', 'bad-base.json', write('x.rules', CLEAN)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"version" must be 1');
  });

  test('unreadable input exits 2; standard input works', () => {
    expect(run(['lint', join(dir, 'missing.rules')]).status).toBe(2);
    expect(run(['lint', '-'], { input: BROKEN }).stdout).toContain('-\n');
  });

  test('explain prints a rule page, and knows parse codes', () => {
    const rule = run(['explain', 'IPT2001']);
    expect(rule.status).toBe(0);
    expect(rule.stdout).toMatch(/^# IPT2001 missing-chain\n/);
    expect(run(['explain', 'missing-chain']).stdout).toContain('## How to fix');
    expect(run(['explain', 'IPT1015']).stdout).toContain('invalid-value');
    expect(run(['explain', 'IPT9999']).status).toBe(2);
  });
});

describe('the README main job: a Docker sample against its policy', () => {
  const SAMPLES = join(__dirname, '..', 'samples', 'docker-20.10');
  const policy = join(SAMPLES, 'default-usernet.policy.yaml');

  test('the sample as Docker wrote it passes', () => {
    expect(run(['lint', '--policy', policy, join(SAMPLES, 'default-usernet.v4')])).toMatchObject({ status: 0, stdout: '' });
  });

  test('without its MASQUERADE rules it fails, naming each network', () => {
    const damaged = readFileSync(join(SAMPLES, 'default-usernet.v4'), 'utf8')
      .split('\n')
      .filter((line) => !line.includes('MASQUERADE'))
      .join('\n');
    const result = run(['lint', '--policy', policy, write('damaged.v4', damaged)]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('network bridge (docker0): MASQUERADE for 172.17.0.0/16 is missing');
    expect(result.stdout).toContain('network web (br-53dbd5c4b691): MASQUERADE for 172.30.0.0/24 is missing');
  });
});
