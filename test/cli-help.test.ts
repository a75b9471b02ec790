import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from './helpers/packed';
import { findExecutable } from './helpers/real-system';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'ipt-lint');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The commands `--help` lists, with their subcommands, as argument lists. */
function listedCommands(prefix: string[] = []): string[][] {
  const help = runProgram(BIN, [...prefix, '--help']).stdout;
  const section = /\nCommands:\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? '';
  const names = [...section.matchAll(/^ {2}ipt-lint ((?:[a-z-]+ )*[a-z-]+)/gm)].map((match) => match[1].split(' ').slice(prefix.length));
  return names.flatMap((name) => {
    const command = [...prefix, name[0]];
    return [command, ...listedCommands(command)];
  });
}

describe('help, version and completion', () => {
  const commands = listedCommands();

  test('the top-level help lists every command', () => {
    expect(commands.map((command) => command.join(' '))).toEqual(['lint', 'parse', 'diff', 'trace', 'reach', 'explain', 'policy', 'policy from-docker', 'snapshot', 'graph', 'completion']);
  });

  test.each([[[] as string[]], ...commands.map((command) => [command])])('ipt-lint %s --help: exit 0, with examples', (command) => {
    const result = runProgram(BIN, [...command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\nExamples:\n {2}\S/);
  });

  test.each([['--version'], ['-V']])('%s prints the package version', (flag) => {
    expect(runProgram(BIN, [flag])).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  const bash = findExecutable('bash');
  (bash === null ? test.skip : test)('the bash completion script completes commands, options and choices', () => {
    const script = runProgram(BIN, ['completion']);
    expect(script.status).toBe(0);
    const complete = (words: string[]) => {
      const program = `${script.stdout}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n_ipt-lint_yargs_completions\necho "\${COMPREPLY[*]}"`;
      const result = runProgram('bash', ['--norc', '-c', program], { env: { ...process.env, PATH: `${join(ROOT, 'bin')}:${process.env.PATH}` } });
      expect(result.stderr).toBe('');
      return result.stdout.trim().split(' ');
    };
    expect(complete(['ipt-lint', 'gr'])).toEqual(['graph']);
    expect(complete(['ipt-lint', 'graph', '--format', ''])).toEqual(['dot', 'html']);
    expect(complete(['ipt-lint', 'lint', '--fail'])).toEqual(['--fail-on']);
  });

  test('an unknown command: a suggestion, exit 2, no stack trace', () => {
    const result = runProgram(BIN, ['lnt', 'x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Did you mean lint?');
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test('lint with nothing to lint says what to give', () => {
    expect(runProgram(BIN, ['lint'])).toMatchObject({ status: 2, stderr: expect.stringContaining('give the dump files to lint (- reads standard input), or --live') });
  });

  test('a baseline that cannot be written: the path and the reason, exit 2, no internal error', () => {
    const result = runProgram(BIN, ['lint', '--write-baseline', '--baseline', '/nonexistent-dir/baseline.json', join(ROOT, 'samples', 'nat-gateway.save')]);
    expect(result).toMatchObject({ status: 2, stderr: "ipt-lint: cannot write the baseline to /nonexistent-dir/baseline.json: ENOENT: no such file or directory, open '/nonexistent-dir/baseline.json'\n" });
  });
});
