import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../helpers/packed';
import { NetNamespace, describeReal } from '../helpers/real-system';

/** `diff SAVED --live` runs iptables-save itself, so it runs inside a private namespace holding rules the test loaded. */
const BIN = join(__dirname, '..', '..', 'bin', 'ipt-lint');
const RULES = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n';

describeReal('ipt-lint diff --live, in a private namespace', ['iptables'], () => {
  let ns: NetNamespace;
  let dir: string;
  beforeAll(() => {
    ns = NetNamespace.create('ipl-dlive');
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-dlive-'));
    ns.execOk('iptables-nft-restore', [], RULES);
  });
  afterAll(() => {
    ns?.delete();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const diffLive = (saved: string, ...extra: string[]) => {
    const file = join(dir, 'saved.v4');
    writeFileSync(file, saved);
    return runProgram('nsenter', [`--net=${ns.path}`, BIN, 'diff', file, '--live', ...extra], { env: { ...process.env, NO_COLOR: '1' } });
  };

  test('the saved rules are what the kernel holds: no drift', () => {
    const result = diffLive(RULES);
    expect(result.stdout).toMatch(/^No drift between .*saved\.v4 and live rules\.$/m);
    expect(result.stderr).toContain('iptables-nft-save');
    expect(result.status).toBe(0);
  });

  test('a rule changed since the save is reported with the option that changed', () => {
    const result = diffLive(RULES.replace('--dport 22', '--dport 2222'), '--format', 'json');
    expect(result.status).toBe(1);
    const changes = JSON.parse(result.stdout).changes;
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'rule-changed', chain: 'INPUT', options: [{ option: '-m tcp --dport', before: '--dport 2222', after: '--dport 22' }] });
  });

  test('an after file and --live together are a usage problem', () => {
    const result = diffLive(RULES, join(dir, 'saved.v4'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('give either an after dump or --live, not both');
  });
});
