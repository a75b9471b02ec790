import { lintDump } from '../../src/lint/engine';
import type { Finding, LintRule } from '../../src/lint/types';
import { parseDump } from '../../src/parser/parse-dump';
import type { Policy } from '../../src/policy/types';

export interface PolicyValidCase {
  name: string;
  dump: string;
  /** Replaces the suite's policy for this case. */
  policy?: Policy;
}

export interface PolicyInvalidCase extends PolicyValidCase {
  /** Expected findings in order: the line, and optionally words the message must contain. */
  findings: { line: number; message?: string[]; chain?: string }[];
}

export function lintWithPolicy(rule: LintRule, dump: string, policy: Policy | null): Finding[] {
  const parsed = parseDump(dump, { file: 'case.rules' });
  const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) throw new Error(`test dump does not parse: ${errors[0].message} (line ${errors[0].line})`);
  return lintDump(parsed.dump, { rules: [rule], policy }).filter((finding) => finding.code === rule.meta.code);
}

/**
 * Table-driven tests for a rule that checks a dump against a policy: like testRule, with a policy
 * per suite (or per case), and a check that without a policy the rule says nothing.
 */
export function testPolicyRule(rule: LintRule, policy: Policy, cases: { valid: PolicyValidCase[]; invalid: PolicyInvalidCase[] }): void {
  describe(`${rule.meta.code} ${rule.meta.name}`, () => {
    test.each(cases.valid.map((c) => [c.name, c]))('valid: %s', (_name, c) => {
      const valid = c as PolicyValidCase;
      expect(lintWithPolicy(rule, valid.dump, valid.policy ?? policy).map((finding) => `${finding.line}: ${finding.message}`)).toEqual([]);
    });
    test.each(cases.invalid.map((c) => [c.name, c]))('invalid: %s', (_name, c) => {
      const invalid = c as PolicyInvalidCase;
      const findings = lintWithPolicy(rule, invalid.dump, invalid.policy ?? policy);
      expect(findings.map((finding) => finding.line)).toEqual(invalid.findings.map((finding) => finding.line));
      invalid.findings.forEach((expected, index) => {
        const finding = findings[index];
        expect(finding.severity).toBe(rule.meta.severity);
        expect(finding.file).toBe('case.rules');
        for (const word of expected.message ?? []) expect(finding.message).toContain(word);
        if (expected.chain !== undefined) expect(finding.chain).toBe(expected.chain);
      });
    });
    test('without a policy, or without its docker section, nothing is reported', () => {
      for (const c of cases.invalid) {
        expect(lintWithPolicy(rule, c.dump, null)).toEqual([]);
        expect(lintWithPolicy(rule, c.dump, { chains: [] })).toEqual([]);
      }
    });
  });
}

/** A dump from its lines, with the final newline iptables-save prints. */
export const dump = (...lines: string[]): string => lines.join('\n') + '\n';

/** The 1-based line where `line` (a whole line, or its start) occurs for the `occurrence`-th time: expected lines without counting by hand. */
export function lineOf(text: string, line: string, occurrence = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if ((lines[index] === line || lines[index].startsWith(line)) && ++seen === occurrence) return index + 1;
  }
  throw new Error(`no line ${line} (occurrence ${occurrence})`);
}
