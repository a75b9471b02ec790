import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_PROGRESS, progressFor, TerminalProgress } from '../src/output/progress';
import { runProgram } from './helpers/packed';
import { findExecutable, realSystemRequired } from './helpers/real-system';

const BIN = join(__dirname, '..', 'bin', 'ipt-lint');
const CLEAR = '\r\u001b[2K';

function terminal(columns = 80) {
  const writes: string[] = [];
  return { writes, stream: { isTTY: true, columns, write: (text: string) => writes.push(text) } };
}

describe('TerminalProgress', () => {
  test('quiet for the first second, then one line redrawn at most every 100 ms, cleared at the end', () => {
    let now = 0;
    const { writes, stream } = terminal();
    const progress = new TerminalProgress(stream, { now: () => now });
    const tick = progress.track('reading big.rules');
    now = 999;
    tick(10, 100);
    expect(writes).toEqual([]);
    now = 1000;
    tick(25, 100);
    now = 1050;
    tick(30, 100);
    now = 1100;
    tick(4096, 136171);
    progress.finish();
    expect(writes).toEqual([`${CLEAR}ipt-lint: reading big.rules 25% (25/100)`, `${CLEAR}ipt-lint: reading big.rules 3% (4,096/136,171)`, CLEAR]);
  });

  test('a new phase is drawn at once, even within 100 ms of the last line', () => {
    let now = 1000;
    const { writes, stream } = terminal();
    const progress = new TerminalProgress(stream, { now: () => now, delayMs: 0 });
    progress.track('reading a.rules')(1, 2);
    now = 1010;
    progress.track('checking a.rules')(1, 4);
    now = 1020;
    progress.track('checking a.rules')(2, 4);
    expect(writes).toEqual([`${CLEAR}ipt-lint: reading a.rules 50% (1/2)`, `${CLEAR}ipt-lint: checking a.rules 25% (1/4)`, `${CLEAR}ipt-lint: checking a.rules 50% (2/4)`]);
    const sameTracker = progress.track('tracing');
    sameTracker(1, 10);
    now = 1030;
    sameTracker(2, 10);
    expect(writes).toHaveLength(4);
  });

  test('nothing to clear when nothing was drawn; long lines are cut to the terminal width', () => {
    let now = 0;
    const { writes, stream } = terminal(20);
    const progress = new TerminalProgress(stream, { now: () => now });
    progress.finish();
    expect(writes).toEqual([]);
    now = 2000;
    progress.track('reading a-very-long-file-name.rules')(1, 2);
    expect(writes).toEqual([`${CLEAR}ipt-lint: reading a`]);
  });

  test.each([
    ['not a terminal', { isTTY: false }, {}, true],
    ['in CI', { isTTY: true }, { CI: 'true' }, true],
    ['turned off', { isTTY: true }, {}, false],
  ])('none when %s', (_name, tty, env, enabled) => {
    expect(progressFor({ ...tty, write: () => true }, { enabled, env })).toBe(NO_PROGRESS);
  });

  test('a terminal outside CI gets one', () => {
    expect(progressFor({ isTTY: true, write: () => true }, { enabled: true, env: { CI: 'false' } })).toBeInstanceOf(TerminalProgress);
  });
});

const script = findExecutable('script');
const describeWithScript = script !== null || realSystemRequired() ? describe : describe.skip;
if (script === null) console.warn('skipped: pseudo-terminal progress tests need `script` (util-linux)');

describeWithScript('progress on a real pseudo-terminal against a pipe', () => {
  let dir: string;
  let big: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-progress-'));
    const lines = ['*filter', ':INPUT ACCEPT [0:0]'];
    for (let i = 0; i < 20000; i++) lines.push(`-A INPUT -s 10.0.${i >> 8}.${i & 255}/32 -p tcp -m tcp --dport ${(i % 60000) + 1} -j ACCEPT`);
    big = join(dir, 'big.rules');
    writeFileSync(big, [...lines, 'COMMIT', ''].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  /** Runs the command with stderr on a pseudo-terminal and stdout in a file; returns what the terminal showed. */
  function onTerminal(args: string[], env: NodeJS.ProcessEnv, out: string): { status: number | null; terminal: string } {
    const command = `${[BIN, ...args].map(quote).join(' ')} > ${quote(out)}`;
    const result = runProgram('script', ['-qec', command, '/dev/null'], { env, cwd: dir });
    return { status: result.status, terminal: result.stdout };
  }
  // The delay is set to 0 so that a dump that lints in well under a second still shows the drawing.
  const fast: NodeJS.ProcessEnv = { ...process.env, IPT_LINT_PROGRESS_DELAY_MS: '0' };
  delete fast.CI;

  test('lint on a terminal: progress lines for reading and checking, cleared at the end; stdout unchanged', () => {
    // A short name keeps the line within the terminal's width, so the counts show whole.
    const { status, terminal } = onTerminal(['lint', '--format', 'json', 'big.rules'], fast, join(dir, 'tty.json'));
    expect(status).toBe(0);
    expect(terminal).toMatch(/\r\u001b\[2Kipt-lint: reading big\.rules \d+% \([\d,]+\/20,003\)\r/);
    expect(terminal).toMatch(/\r\u001b\[2Kipt-lint: checking big\.rules \d+% \([\d,]+\/20,000\)\r/);
    expect(terminal.endsWith(CLEAR)).toBe(true);
    const piped = runProgram(BIN, ['lint', '--format', 'json', big], { env: fast });
    expect(piped.stderr).toBe('');
    expect(readFileSync(join(dir, 'tty.json'), 'utf8')).toBe(piped.stdout);
  });

  test('parse on a terminal shows it too', () => {
    const { status, terminal } = onTerminal(['parse', big], fast, join(dir, 'parse.txt'));
    expect(status).toBe(0);
    expect(terminal).toContain('ipt-lint: reading');
  });

  test('reach on a terminal: progress while tracing the matrix, cleared at the end', () => {
    const samples = join(__dirname, '..', 'samples', 'docker-20.10');
    const { status, terminal } = onTerminal(['reach', join(samples, 'default-usernet.v4'), '--policy', join(samples, 'default-usernet.policy.yaml')], fast, join(dir, 'reach.txt'));
    expect(status).toBe(0);
    expect(terminal).toMatch(/ipt-lint: tracing ipv4 connections \d+%/);
    expect(terminal.endsWith(CLEAR)).toBe(true);
  });

  test.each([
    ['CI is set', ['lint', '--format', 'json'], { CI: '1' }],
    ['--no-progress is given', ['lint', '--no-progress', '--format', 'json'], {}],
  ])('nothing on the terminal when %s', (_name, args, extra) => {
    const result = runProgram('script', ['-qec', `${[BIN, ...args, big].map(quote).join(' ')} > /dev/null`, '/dev/null'], { env: { ...fast, ...extra } });
    expect(result).toMatchObject({ status: 0, stdout: '' });
  });

  test('short work on a terminal stays quiet with the normal one-second delay', () => {
    const env = { ...process.env };
    delete env.CI;
    delete env.IPT_LINT_PROGRESS_DELAY_MS;
    const { terminal } = onTerminal(['lint', join(__dirname, '..', 'samples', 'nat-gateway.save')], env, join(dir, 'short.txt'));
    expect(terminal).toBe('');
  });
});
