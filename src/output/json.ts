import type { Finding } from '../lint/types';

/** The shape of `ipt-lint lint --format json`, documented in docs/lint-json.md. */
export interface JsonReport {
  findings: Finding[];
  summary: {
    files: number;
    errors: number;
    warnings: number;
    infos: number;
    suppressed: number;
    baselined: number;
  };
}

export function formatJson(results: readonly { file: string; findings: readonly Finding[] }[], counts: { suppressed: number; baselined: number }): string {
  const findings = results.flatMap((result) => result.findings);
  const report: JsonReport = {
    findings,
    summary: {
      files: results.length,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
      suppressed: counts.suppressed,
      baselined: counts.baselined,
    },
  };
  return JSON.stringify(report, null, 2) + '\n';
}
