import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDump } from '../src/parser/parse-dump';

const ROOT = join(__dirname, '..');
const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const inputs = [
  'samples/src/home-server.rules',
  'samples/src/restore-commands.rules',
  'samples/src/odd-matches.rules',
  'samples/docker-20.10/dual-stack.v6',
  'test/fixtures/quirks-1.4.7.save',
];

describe('golden syntax trees (UPDATE_GOLDEN=1 rewrites them after a deliberate change)', () => {
  test.each(inputs)('%s', (input) => {
    const result = parseDump(readFileSync(join(ROOT, input), 'utf8'), { file: input });
    const actual = JSON.stringify(result, null, 2) + '\n';
    const golden = join(GOLDEN, input.replace(/\//g, '__') + '.json');
    if (UPDATE) writeFileSync(golden, actual);
    expect(existsSync(golden)).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
