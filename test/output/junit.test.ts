import { escapeAttribute, escapeText, formatJunit } from '../../src/output/junit';
import { CONTEXT, RESULTS, SPECIAL_MESSAGE, expectGolden, finding } from './sample-results';
import { type XmlElement, parseXml } from './xml-check';

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

test('golden JUnit report', () => {
  expectGolden('junit.xml', formatJunit(RESULTS, CONTEXT));
});

describe('the sample report parsed back', () => {
  const root = parseXml(formatJunit(RESULTS, CONTEXT));
  const suites = children(root, 'testsuite');

  test('a testsuite per file, named by the file', () => {
    expect(root.name).toBe('testsuites');
    expect(suites.map((suite) => suite.attributes.name)).toEqual(RESULTS.map((result) => result.file));
  });

  test('counts: a case per finding, failures for errors and warnings, one passing case for a clean file', () => {
    expect(suites.map((suite) => [suite.attributes.tests, suite.attributes.failures, children(suite, 'testcase').length])).toEqual([
      ['3', '2', 3],
      ['1', '1', 1],
      ['1', '0', 1],
      ['1', '1', 1],
    ]);
    expect(root.attributes).toMatchObject({ tests: '6', failures: '4', errors: '0' });
    for (const suite of suites) expect(Number(suite.attributes.tests)).toBe(children(suite, 'testcase').length);
  });

  test('errors and warnings fail with the message and the code; info only writes to system-out', () => {
    const [error, warning, info] = children(suites[0]!, 'testcase');
    expect(error!.attributes).toMatchObject({ classname: 'samples/home server.rules', name: 'IPT2001 missing-chain at line 6:19', line: '6' });
    expect(children(error!, 'failure')[0]!.attributes).toEqual({ message: '`-j LOG-DROP` names a chain that table filter does not have', type: 'IPT2001' });
    expect(children(warning!, 'failure')[0]!.text).toBe(
      [
        'samples/home server.rules:9:1: warning IPT2002 shadowed-rule',
        'never matches: shadowed by line 4',
        '  line 4: the rule that matches first',
        '  line 7: another "broader" rule <here> & there',
        'https://github.com/ipt-lint/ipt-lint/blob/main/docs/rules/IPT2002.md',
      ].join('\n'),
    );
    expect(children(info!, 'failure')).toEqual([]);
    expect(children(info!, 'system-out')[0]!.text).toContain(SPECIAL_MESSAGE);
  });

  test('a whole-file finding names no line', () => {
    const [testcase] = children(suites[1]!, 'testcase');
    expect(testcase!.attributes.name).toBe('IPT1004 crlf-line-endings');
    expect(testcase!.attributes.line).toBeUndefined();
    expect(children(testcase!, 'failure')[0]!.text.split('\n')[0]).toBe('./docker\\dual-stack.v6: warning IPT1004 crlf-line-endings');
  });

  test('quotes, <, &, newlines and non-ASCII survive in attributes and text', () => {
    const special = finding({ code: 'IPT2001', name: 'missing-chain', severity: 'error', message: SPECIAL_MESSAGE, file: 'a "b" <c> & d\'é.rules', line: 1, column: 1 });
    const suite = children(parseXml(formatJunit([{ file: special.file, findings: [special] }], CONTEXT)), 'testsuite')[0]!;
    expect(suite.attributes.name).toBe(special.file);
    const failure = children(children(suite, 'testcase')[0]!, 'failure')[0]!;
    expect(failure.attributes.message).toBe(SPECIAL_MESSAGE);
    expect(failure.text).toContain(SPECIAL_MESSAGE);
  });
});

test('an empty run is one passing testsuite', () => {
  const root = parseXml(formatJunit([], CONTEXT));
  const suites = children(root, 'testsuite');
  expect(suites).toHaveLength(1);
  expect(suites[0]!.attributes).toMatchObject({ tests: '1', failures: '0', errors: '0' });
  expect(children(suites[0]!, 'testcase')[0]!.children).toEqual([]);
  expect(root.attributes).toMatchObject({ tests: '1', failures: '0' });
});

test('characters XML cannot carry become U+FFFD instead of breaking the document', () => {
  const binary = finding({ code: 'IPT1002', name: 'binary-data', severity: 'error', message: 'NUL \u0000 and ESC \u001b and a lone \ud800 surrogate', file: 'x.rules', line: 1, column: 1 });
  const root = parseXml(formatJunit([{ file: 'x.rules', findings: [binary] }], CONTEXT));
  const failure = children(children(children(root, 'testsuite')[0]!, 'testcase')[0]!, 'failure')[0]!;
  expect(failure.attributes.message).toBe('NUL \ufffd and ESC \ufffd and a lone \ufffd surrogate');
});

test('escaping', () => {
  expect(escapeText('a < b && c > d "q" \'s\'')).toBe('a &lt; b &amp;&amp; c &gt; d "q" \'s\'');
  expect(escapeAttribute('a < b & "q" \'s\'\n\t\r')).toBe('a &lt; b &amp; &quot;q&quot; &apos;s&apos;&#10;&#9;&#13;');
  expect(escapeText('Zürich ✓ 🔥')).toBe('Zürich ✓ 🔥');
});

test('the well-formedness check itself rejects broken XML', () => {
  const header = '<?xml version="1.0" encoding="UTF-8"?>\n';
  expect(() => parseXml(`${header}<a><b></a></b>`)).toThrow();
  expect(() => parseXml(`${header}<a x="1 < 2"/>`)).toThrow();
  expect(() => parseXml(`${header}<a>x & y</a>`)).toThrow();
  expect(() => parseXml(`${header}<a x="1" x="2"/>`)).toThrow();
  expect(() => parseXml(`${header}<a/><b/>`)).toThrow();
  expect(() => parseXml(`${header}<a>`)).toThrow();
  expect(parseXml(`${header}<a x="&quot;&#10;"><b/>t &amp; u</a>`)).toEqual({ name: 'a', attributes: { x: '"\n' }, children: [{ name: 'b', attributes: {}, children: [], text: '' }], text: 't & u' });
});
