import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ipt-lint');
const SAMPLE = 'samples/docker-20.10/default-usernet.v4';
const POLICY = 'samples/docker-20.10/default-usernet.policy.yaml';
let dir: string;

function run(args: string[], input?: string) {
  const result = spawnSync(BIN, args, { input, encoding: 'utf8', timeout: 30000, cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-trace-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const publishedPort = ['trace', SAMPLE, '--in', 'eth0', '-s', '203.0.113.7', '-d', '192.0.2.10', '-p', 'tcp', '--dport', '8080', '--local-address', '192.0.2.10', '--policy', POLICY];

describe('ipt-lint trace', () => {
  test('a published port: DNAT, then FORWARD accepts it, every chain and matching rule shown with its line', () => {
    const result = run(publishedPort);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain(`${SAMPLE}: tcp 203.0.113.7 → 192.0.2.10:8080, in eth0, NEW`);
    expect(out).toMatch(/nat DOCKER\n\s+46 {2}-A DOCKER ! -i br-53dbd5c4b691 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.30.0.2:80\n\s+destination 192.0.2.10:8080 → 172.30.0.2:80/);
    expect(out).toContain('routing: 172.30.0.2 is in network web: out br-53dbd5c4b691');
    expect(out).toContain('back in filter FORWARD');
    expect(out).toContain('ACCEPT: forwarded out of br-53dbd5c4b691 as 203.0.113.7 → 172.30.0.2:80');
    expect(out).toContain(`decided by ${SAMPLE}:20  -A DOCKER -d 172.30.0.2/32 ! -i br-53dbd5c4b691 -o br-53dbd5c4b691 -p tcp -m tcp --dport 80 -j ACCEPT`);
    expect(out).not.toContain('\u001b[');
  });

  test('between two Docker networks the isolation drops it', () => {
    const result = run(['trace', SAMPLE, '--in', 'docker0', '-s', '172.17.0.2', '-d', '172.30.0.2', '-p', 'tcp', '--dport', '80', '--policy', POLICY]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('DROP: dropped');
    expect(result.stdout).toContain(`decided by ${SAMPLE}:25  -A DOCKER-ISOLATION-STAGE-2 -o br-53dbd5c4b691 -j DROP`);
  });

  test('an undecided port gives both outcomes with the line they hang on', () => {
    const result = run(['trace', SAMPLE, '--in', 'eth0', '-s', '203.0.113.7', '-d', '172.30.0.2', '-p', 'tcp', '--policy', POLICY]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('2 possible outcomes (ACCEPT or DROP)');
    expect(result.stdout).toContain(`1. ACCEPT, if\n     ${SAMPLE}:20 matches, which depends on the destination port`);
    expect(result.stdout).toContain(`2. DROP, if\n     ${SAMPLE}:20 does not match`);
  });

  test('--format json follows docs/trace-json.md', () => {
    const result = run([...publishedPort, '--format', 'json']);
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ file: SAMPLE, family: 'ipv4', verdicts: ['ACCEPT'], certain: true });
    expect(json.packet).toEqual({ in: 'eth0', out: null, source: '203.0.113.7', destination: '192.0.2.10', protocol: 'tcp', sourcePort: null, destinationPort: 8080, icmpType: null, state: 'NEW' });
    const [outcome] = json.outcomes;
    expect(outcome.decidedBy).toEqual({ table: 'filter', chain: 'DOCKER', line: 20, rule: '-A DOCKER -d 172.30.0.2/32 ! -i br-53dbd5c4b691 -o br-53dbd5c4b691 -p tcp -m tcp --dport 80 -j ACCEPT', target: 'ACCEPT' });
    expect(outcome.delivery).toBe('forwarded');
    expect(outcome.final).toEqual({ source: '203.0.113.7', destination: '172.30.0.2', sourcePort: null, destinationPort: 80, out: 'br-53dbd5c4b691' });
    expect(outcome.path).toContainEqual({ step: 'rewrite', table: 'nat', line: 46, field: 'destination', from: '192.0.2.10:8080', to: '172.30.0.2:80' });
    expect(outcome.path.filter((step: { step: string }) => step.step === 'hook').map((step: { hook: string }) => step.hook)).toEqual(['PREROUTING', 'FORWARD', 'POSTROUTING']);
  });

  test('reads standard input', () => {
    const result = run(['trace', '-', '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.2', '--out', 'eth1'], '*filter\n:FORWARD DROP [0:0]\nCOMMIT\n');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('DROP: dropped\n  decided by the filter FORWARD policy DROP (stdin:2)');
  });

  test('trouble exits 2 with a message naming the file and line, never a stack trace', () => {
    const bad = join(dir, 'bad.rules');
    writeFileSync(bad, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n');
    const broken = run(['trace', bad, '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.2']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(`${bad}:3:`);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    expect(broken.stdout).toBe('');

    const missing = run(['trace', join(dir, 'none.rules'), '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.2']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    const badPacket = run(['trace', SAMPLE, '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.300']);
    expect(badPacket.status).toBe(2);
    expect(badPacket.stderr).toContain('-d 10.0.0.300: not an IPv4 address');

    const portWithoutProtocol = run(['trace', SAMPLE, '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.2', '--dport', '80']);
    expect(portWithoutProtocol.status).toBe(2);
    expect(portWithoutProtocol.stderr).toContain('--dport needs -p tcp, udp or sctp');

    const wrongFamily = run(['trace', SAMPLE, '--in', 'eth0', '-s', '2001:db8::1', '-d', '2001:db8::2']);
    expect(wrongFamily.status).toBe(2);
    expect(wrongFamily.stderr).toContain('has no IPv6 rules');

    const badPolicy = join(dir, 'policy.yaml');
    writeFileSync(badPolicy, 'docker:\n  networks: nope\n');
    const policyProblem = run(['trace', SAMPLE, '--in', 'eth0', '-s', '10.0.0.1', '-d', '10.0.0.2', '--policy', badPolicy]);
    expect(policyProblem.status).toBe(2);
    expect(policyProblem.stderr).toContain(`${badPolicy}:2:`);
  });

  test('--help shows an example', () => {
    const result = run(['trace', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toMatch(/ipt-lint trace rules.v4 --in eth0/);
  });
});
