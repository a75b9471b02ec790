import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './helpers/packed';
import { readmeBlocks } from './helpers/readme';
import { findExecutable } from './helpers/real-system';

/**
 * The README shows real output: every ```-block of `$ command` lines that
 * can run here (no root, no live rules, no Docker) is run, and what it
 * prints must be what the README says. A block whose output ends in `…`
 * shows only the start.
 */
const ROOT = join(__dirname, '..');
const NEEDS_THE_SYSTEM = /\bsudo\b|--live|\bsnapshot\b|\/tmp\/fw\b/;

interface Session {
  commands: { command: string; output: string[] }[];
}

function sessions(): Session[] {
  return readmeBlocks('')
    .filter((block) => block.startsWith('$ '))
    .map((block) => {
      const commands: Session['commands'] = [];
      for (const line of block.replace(/\n$/, '').split('\n')) {
        if (line.startsWith('$ ')) commands.push({ command: line.slice(2).replace(/\s+#.*$/, ''), output: [] });
        else commands[commands.length - 1].output.push(line);
      }
      return { commands };
    });
}

describe('README output', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-readme-out-'));
    for (const name of ['bin', 'samples', 'test']) symlinkSync(join(ROOT, name), join(dir, name));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const runnable = sessions().filter((session) => !session.commands.some(({ command }) => NEEDS_THE_SYSTEM.test(command)));

  test('the README has runnable examples', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(5);
  });

  test.each(runnable.map((session) => [session.commands.map(({ command }) => command).join(' && '), session]))('%s', (_name, session) => {
    // Files the README puts in /tmp go to this test's directory instead.
    const local = (text: string) => text.replace(/\/tmp\//g, `${dir}/`);
    for (const { command, output } of session.commands) {
      if (command.startsWith('docker ')) {
        // What Docker printed on the host of the no-icc sample.
        const target = /> (\S+)$/.exec(command)![1];
        copyFileSync(join(ROOT, 'samples', 'docker-20.10', target === 'networks.json' ? 'no-icc.networks.json' : 'no-icc.containers.json'), join(dir, target));
        continue;
      }
      // Graphviz is optional here; the graph tests check dot's reading of the output.
      if (/\| dot\b/.test(command) && findExecutable('dot') === null) continue;
      const result = runProgram('bash', ['--norc', '-c', `${local(command)} 2>&1`], { cwd: dir, env: { ...process.env, PATH: `${join(ROOT, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' } });
      // Trailing blanks are compared away: the README's editors strip them, some dumps have them.
      const actual = result.stdout.replace(/\n$/, '').split('\n').map((line) => line.trimEnd()).filter((line, _index, all) => all.length > 1 || line !== '');
      const expected = output.map((line) => local(line).trimEnd());
      if (expected[expected.length - 1]?.trim() === '…') expect(actual.slice(0, expected.length - 1)).toEqual(expected.slice(0, -1));
      else expect(actual).toEqual(expected);
    }
  });
});
