import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/lint/types';
import type { FileResult, FormatContext } from '../../src/output/format-types';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Compares with test/output/golden/<name>; UPDATE_GOLDEN=1 rewrites it after a deliberate change. */
export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path)).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

export function finding(fields: Pick<Finding, 'code' | 'name' | 'severity' | 'message' | 'file' | 'line' | 'column'> & Partial<Finding>): Finding {
  return {
    family: 'ipv4',
    table: 'filter',
    chain: 'INPUT',
    docsUrl: `https://github.com/ipt-lint/ipt-lint/blob/main/docs/rules/${fields.code}.md`,
    fingerprint: `${fields.code}|${fields.file}|${fields.line}`,
    ...fields,
  };
}

/** Fixed rather than from BUILTIN_RULES, so the goldens do not change whenever a rule is added. */
export const CONTEXT: FormatContext = {
  toolVersion: '1.2.3-test',
  rules: [
    { code: 'IPT1004', name: 'crlf-line-endings', severity: 'warning', description: 'CRLF line endings: iptables-restore rejects the file.', docsUrl: 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/diagnostics.md#ipt1004' },
    { code: 'IPT2001', name: 'missing-chain', severity: 'error', description: 'A rule jumps or goes to a chain that does not exist in its table.', docsUrl: 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/rules/IPT2001.md' },
    { code: 'IPT2002', name: 'shadowed-rule', severity: 'warning', description: 'A rule that an earlier rule always matches first.', docsUrl: 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/rules/IPT2002.md' },
    { code: 'IPT3001', name: 'docker-user-bypass', severity: 'info', description: 'Traffic to containers that skips DOCKER-USER.', docsUrl: 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/rules/IPT3001.md' },
  ],
};

export const SPECIAL_MESSAGE = 'comment "a<b & c>d" isn\'t 100% ASCII: Zürich ✓ 🔥, a:b,c\r\nsecond line';

/** Several files, every severity, a whole-file finding, related lines and text that every format must escape. */
export const RESULTS: FileResult[] = [
  {
    file: 'samples/home server.rules',
    findings: [
      finding({ code: 'IPT2001', name: 'missing-chain', severity: 'error', message: '`-j LOG-DROP` names a chain that table filter does not have', file: 'samples/home server.rules', line: 6, column: 19, endColumn: 29 }),
      finding({
        code: 'IPT2002',
        name: 'shadowed-rule',
        severity: 'warning',
        message: 'never matches: shadowed by line 4',
        file: 'samples/home server.rules',
        line: 9,
        column: 1,
        related: [
          { line: 4, message: 'the rule that matches first' },
          { line: 7, message: 'another "broader" rule <here> & there' },
        ],
      }),
      finding({ code: 'IPT3001', name: 'docker-user-bypass', severity: 'info', message: SPECIAL_MESSAGE, file: 'samples/home server.rules', line: 12, column: 3 }),
    ],
  },
  {
    file: './docker\\dual-stack.v6',
    findings: [
      finding({ code: 'IPT1004', name: 'crlf-line-endings', severity: 'warning', message: 'CRLF line endings: convert with `dos2unix`', file: './docker\\dual-stack.v6', line: 0, column: 0, family: null, table: null, chain: null, docsUrl: 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/diagnostics.md#ipt1004' }),
    ],
  },
  { file: 'clean,file:v4.rules', findings: [] },
  {
    file: '/etc/iptables/rules#1.v4',
    findings: [finding({ code: 'IPT2001', name: 'missing-chain', severity: 'error', message: 'absolute path', file: '/etc/iptables/rules#1.v4', line: 2, column: 4 })],
  },
];
