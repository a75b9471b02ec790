import { escapeData, escapeProperty, formatGithub } from '../../src/output/github';
import { CONTEXT, RESULTS, expectGolden, finding } from './sample-results';

test('golden workflow commands', () => {
  expectGolden('github.txt', formatGithub(RESULTS, CONTEXT));
});

describe('the sample annotations', () => {
  const lines = formatGithub(RESULTS, CONTEXT).trimEnd().split('\n');

  test('one command per finding, by severity', () => {
    expect(lines.map((line) => /^::(\w+) /.exec(line)?.[1])).toEqual(['error', 'warning', 'notice', 'warning', 'error']);
  });

  test('position properties when the finding has a line; only the file for a whole-file finding', () => {
    expect(lines[0]).toBe('::error file=samples/home server.rules,line=6,col=19,endColumn=29,title=IPT2001 missing-chain::`-j LOG-DROP` names a chain that table filter does not have');
    expect(lines[3]).toBe('::warning file=./docker\\dual-stack.v6,title=IPT1004 crlf-line-endings::CRLF line endings: convert with `dos2unix`');
  });

  test('related lines follow the message on lines of their own', () => {
    expect(lines[1]).toBe(
      '::warning file=samples/home server.rules,line=9,col=1,title=IPT2002 shadowed-rule::never matches: shadowed by line 4%0Aline 4: the rule that matches first%0Aline 7: another "broader" rule <here> & there',
    );
  });

  test('special characters are escaped in the message and, with : and , too, in properties', () => {
    expect(lines[2]).toBe(
      '::notice file=samples/home server.rules,line=12,col=3,title=IPT3001 docker-user-bypass::comment "a<b & c>d" isn\'t 100%25 ASCII: Zürich ✓ 🔥, a:b,c%0D%0Asecond line',
    );
    const tricky = finding({ code: 'IPT2001', name: 'missing-chain', severity: 'error', message: 'm', file: 'dir,a:b%c\nd.rules', line: 3, column: 2 });
    expect(formatGithub([{ file: tricky.file, findings: [tricky] }], CONTEXT)).toBe('::error file=dir%2Ca%3Ab%25c%0Ad.rules,line=3,col=2,title=IPT2001 missing-chain::m\n');
  });
});

test('no findings, no output', () => {
  expect(formatGithub([], CONTEXT)).toBe('');
  expect(formatGithub([{ file: 'clean.rules', findings: [] }], CONTEXT)).toBe('');
});

test('escaping follows the Actions toolkit', () => {
  expect(escapeData('100% a:b,c\r\n')).toBe('100%25 a:b,c%0D%0A');
  expect(escapeProperty('100% a:b,c\r\n')).toBe('100%25 a%3Ab%2Cc%0D%0A');
  expect(escapeData('%0A')).toBe('%250A');
});
