import type { Finding } from '../lint/types';
import type { FileResult, FormatContext } from './format-types';

const INDENT = '  ';

/** JUnit XML for CI test dashboards (GitLab, Jenkins): a testsuite per file, a testcase per finding. */
export function formatJunit(results: readonly FileResult[], context: FormatContext): string {
  const suites = results.length === 0 ? [passingSuite('ipt-lint', 'no files linted')] : results.map(fileSuite);
  const tests = suites.reduce((sum, suite) => sum + suite.tests, 0);
  const failures = suites.reduce((sum, suite) => sum + suite.failures, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `ipt-lint ${context.toolVersion}`, tests, failures, errors: 0, time: 0 })}>`,
    ...suites.flatMap((suite) => suite.lines.map((line) => INDENT + line)),
    '</testsuites>',
  ];
  return lines.join('\n') + '\n';
}

interface Suite {
  tests: number;
  failures: number;
  lines: string[];
}

// tests = the file's findings, or a single passing "no problems" case for a clean file: both dashboards show pass/fail per case, and a suite without cases reads as "no tests ran".
function fileSuite({ file, findings }: FileResult): Suite {
  if (findings.length === 0) return passingSuite(file, 'no problems');
  const failures = findings.filter((finding) => finding.severity !== 'info').length;
  return {
    tests: findings.length,
    failures,
    lines: [
      `<testsuite${attributes({ name: file, tests: findings.length, failures, errors: 0, skipped: 0, time: 0 })}>`,
      ...findings.flatMap((finding) => testcase(file, finding).map((line) => INDENT + line)),
      '</testsuite>',
    ],
  };
}

function passingSuite(name: string, testName: string): Suite {
  return {
    tests: 1,
    failures: 0,
    lines: [
      `<testsuite${attributes({ name, tests: 1, failures: 0, errors: 0, skipped: 0, time: 0 })}>`,
      `${INDENT}<testcase${attributes({ classname: name, name: testName, time: 0 })}/>`,
      '</testsuite>',
    ],
  };
}

function testcase(file: string, finding: Finding): string[] {
  const where = finding.line === 0 ? '' : ` at line ${finding.line}${finding.column >= 1 ? `:${finding.column}` : ''}`;
  const open = `<testcase${attributes({ classname: file, name: `${finding.code} ${finding.name}${where}`, file, ...(finding.line === 0 ? {} : { line: finding.line }), time: 0 })}>`;
  const body = escapeText(details(finding));
  const inner = finding.severity === 'info' ? `<system-out>${body}</system-out>` : `<failure${attributes({ message: finding.message, type: finding.code })}>${body}</failure>`;
  return [open, INDENT + inner, '</testcase>'];
}

/** What a dashboard shows when the case is opened: where, what, the related lines, and where to read more. */
function details(finding: Finding): string {
  const location = finding.line === 0 ? finding.file : `${finding.file}:${finding.line}${finding.column >= 1 ? `:${finding.column}` : ''}`;
  const lines = [`${location}: ${finding.severity} ${finding.code} ${finding.name}`, finding.message];
  for (const related of finding.related ?? []) lines.push(`  line ${related.line}: ${related.message}`);
  lines.push(finding.docsUrl);
  return lines.join('\n');
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
}

// XML 1.0 cannot carry these at all, not even as character references.
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeText(text: string): string {
  return text.replace(NOT_XML_CHARACTER, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Also escapes quotes and whitespace controls, which attribute-value normalization would otherwise turn into spaces. */
export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
