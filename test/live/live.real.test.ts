import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../helpers/packed';
import { NetNamespace, describeReal, withoutHashLines } from '../helpers/real-system';

/**
 * `lint --live` and `snapshot` run iptables-save themselves, so each run here
 * happens inside a private network namespace (`nsenter --net`) holding rules
 * the test loaded: the host's own tables are never read.
 */
const BIN = join(__dirname, '..', '..', 'bin', 'ipt-lint');
// No test may reach a Docker daemon it did not start.
const NO_DOCKER_ENV = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/ipt-lint-test.sock' };

const V4_RULES = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:SPARE - [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -s 10.0.0.1/32 -j DROP\n-A INPUT -s 10.0.0.1/32 -j DROP\nCOMMIT\n';
const V6_RULES = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p ipv6-icmp -j ACCEPT\nCOMMIT\n';

function inNamespace(ns: NetNamespace, args: string[], options: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {}) {
  return runProgram('nsenter', [`--net=${ns.path}`, ...(options.prefix ?? []), BIN, ...args], { env: options.env ?? NO_DOCKER_ENV });
}

function loadOk(ns: NetNamespace, program: string, text: string): void {
  ns.execOk(program, [], text);
}

describeReal('ipt-lint lint --live and snapshot, in a private namespace', ['iptables'], () => {
  let ns: NetNamespace;
  let dir: string;

  beforeAll(() => {
    ns = NetNamespace.create('ipl-live');
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-live-'));
    // IPv4 in the legacy backend and IPv6 in nf_tables: each family must be read from the backend holding it.
    loadOk(ns, 'iptables-legacy-restore', V4_RULES);
    loadOk(ns, 'ip6tables-nft-restore', V6_RULES);
  });
  afterAll(() => {
    ns?.delete();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('lint --live reads each family from the backend holding its rules, says which, and lints them', () => {
    const result = inNamespace(ns, ['lint', '--live', '--format', 'json']);
    expect(result.stderr).toContain('ipt-lint: read IPv4 rules with iptables-legacy-save (legacy): it holds the IPv4 rules (3)');
    expect(result.stderr).toContain('ipt-lint: read IPv6 rules with ip6tables-nft-save (nf_tables): it holds the IPv6 rules (2)');
    const report = JSON.parse(result.stdout);
    expect(report.summary.files).toBe(2);
    expect(report.findings.map((f: { file: string; code: string; line: number }) => `${f.file}:${f.code}`).sort()).toEqual(['iptables-legacy-save:IPT2002', 'iptables-legacy-save:IPT2004']);
    const duplicate = report.findings.find((f: { code: string }) => f.code === 'IPT2004');
    const saved = ns.save('legacy', 'ipv4').split('\n');
    expect(saved[duplicate.line - 1]).toBe('-A INPUT -s 10.0.0.1/32 -j DROP');
    expect(result.status).toBe(0);
  });

  test('lint --live with files: both are linted; --fail-on warning fails on the live findings', () => {
    const result = inNamespace(ns, ['lint', '--live', '--fail-on', 'warning', join(__dirname, '..', '..', 'samples', 'nat-gateway.save')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('iptables-legacy-save\n');
  });

  test('snapshot DIR saves what iptables-save prints there, and a manifest', () => {
    const target = join(dir, 'snap');
    const result = inNamespace(ns, ['snapshot', target]);
    expect(result.status).toBe(0);
    expect(withoutHashLines(readFileSync(join(target, 'rules.v4'), 'utf8'))).toBe(withoutHashLines(ns.save('legacy', 'ipv4')));
    expect(withoutHashLines(readFileSync(join(target, 'rules.v6'), 'utf8'))).toBe(withoutHashLines(ns.save('nft', 'ipv6')));
    const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      rules: [
        { file: 'rules.v4', family: 'ipv4', backend: 'legacy', program: 'iptables-legacy-save', rules: 3 },
        { file: 'rules.v6', family: 'ipv6', backend: 'nf_tables', program: 'ip6tables-nft-save', rules: 2 },
      ],
      docker: null,
      dockerSkipped: expect.stringContaining('the Docker daemon did not answer'),
    });
    expect(existsSync(join(target, 'networks.json'))).toBe(false);
    expect(result.stderr).toContain(`ipt-lint: wrote ${join(target, 'rules.v4')}, ${join(target, 'rules.v6')}, ${join(target, 'manifest.json')}`);
    // The saved files lint like the live rules.
    expect(runProgram(BIN, ['lint', '--fail-on', 'warning', join(target, 'rules.v4')]).status).toBe(1);
  });

  test('snapshot into a directory that cannot be made: a clear message and exit 2', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const result = inNamespace(ns, ['snapshot', '--no-docker', join(file, 'sub')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`ipt-lint: cannot create ${join(file, 'sub')}: ENOTDIR`);
    // Node's own recursive mkdir never returns under /proc.
    const proc = inNamespace(ns, ['snapshot', '--no-docker', '/proc/ipt-lint-test']);
    expect(proc.status).toBe(2);
    expect(proc.stderr).toContain('ipt-lint: cannot create /proc/ipt-lint-test: ENOENT');
  });

  test('snapshot --no-docker does not ask Docker', () => {
    const result = inNamespace(ns, ['snapshot', '--no-docker', join(dir, 'nodocker')]);
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'nodocker', 'manifest.json'), 'utf8')).dockerSkipped).toBe('not asked (--no-docker)');
  });

  test('rules in both backends: the fuller one is read, and the other is named', () => {
    const both = NetNamespace.create('ipl-live2');
    try {
      loadOk(both, 'iptables-nft-restore', V4_RULES);
      loadOk(both, 'iptables-legacy-restore', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n');
      const result = inNamespace(both, ['lint', '--live']);
      expect(result.stderr).toContain('read IPv4 rules with iptables-nft-save (nf_tables)');
      expect(result.stderr).toContain('iptables-legacy-save (legacy) also holds 1 IPv4 rule, which the kernel applies too; they were not checked');
      expect(result.stderr).toContain('read IPv6 rules with ip6tables-nft-save (nf_tables): no backend holds rules');
    } finally {
      both.delete();
    }
  });

  test('without the rights to read the rules: a clear message and exit 2', () => {
    const result = inNamespace(ns, ['lint', '--live'], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^ipt-lint: iptables-nft-save was not permitted to read the rules \(.*Permission denied.*\); run ipt-lint as root/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    const snapshot = inNamespace(ns, ['snapshot', join(dir, 'denied')], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
    expect(snapshot.status).toBe(2);
    expect(existsSync(join(dir, 'denied'))).toBe(false);
  });

  test('without iptables installed: a clear message and exit 2', () => {
    // A private mount namespace hides the sbin directories from this one command only.
    const script = `mount -t tmpfs none /usr/sbin && mount -t tmpfs none /usr/local/sbin && exec "$0" lint --live`;
    const result = inNamespace(ns, [], { prefix: ['unshare', '--mount', 'sh', '-c', script] });
    expect(result.stderr).toBe('ipt-lint: iptables-save is not installed; install the iptables package (Debian/Ubuntu: apt-get install iptables)\n');
    expect(result.status).toBe(2);
  });
});
