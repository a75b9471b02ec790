import { parseDump } from '../../src/parser/parse-dump';
import { lintDump } from '../../src/lint/engine';
import type { Finding, LintRule } from '../../src/lint/types';

export interface InvalidCase {
  name: string;
  dump: string;
  /** Expected findings in order: the line, and optionally words the message must contain. */
  findings: { line: number; message?: string[]; chain?: string }[];
}

export interface ValidCase {
  name: string;
  dump: string;
}

/** Table-driven tests for one rule: valid dumps give no finding of its code, invalid ones exactly the listed findings. */
export function testRule(rule: LintRule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const run = (dump: string): Finding[] => {
    const parsed = parseDump(dump, { file: 'case.rules' });
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`test dump does not parse: ${errors[0].message} (line ${errors[0].line})`);
    return lintDump(parsed.dump, { rules: [rule] }).filter((finding) => finding.code === rule.meta.code);
  };

  describe(`${rule.meta.code} ${rule.meta.name}`, () => {
    test.each(cases.valid.map((c) => [c.name, c]))('valid: %s', (_name, c) => {
      expect(run((c as ValidCase).dump)).toEqual([]);
    });
    test.each(cases.invalid.map((c) => [c.name, c]))('invalid: %s', (_name, c) => {
      const invalid = c as InvalidCase;
      const findings = run(invalid.dump);
      expect(findings.map((f) => f.line)).toEqual(invalid.findings.map((f) => f.line));
      invalid.findings.forEach((expected, index) => {
        const finding = findings[index];
        expect(finding.severity).toBe(rule.meta.severity);
        expect(finding.file).toBe('case.rules');
        for (const word of expected.message ?? []) expect(finding.message).toContain(word);
        if (expected.chain !== undefined) expect(finding.chain).toBe(expected.chain);
      });
    });
  });
}
