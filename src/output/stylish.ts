import type { Severity } from '../ast';
import type { Finding } from '../lint/types';

export interface StylishOptions {
  color: boolean;
}

const COLORS = { error: '\u001b[31m', warning: '\u001b[33m', info: '\u001b[36m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Findings grouped by file, one aligned line each, and a one-line summary: the format people read at a terminal. */
export function formatStylish(results: readonly { file: string; findings: readonly Finding[] }[], options: StylishOptions): string {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[style]}${text}${COLORS.reset}` : text);
  const severityLabel = (severity: Severity): string => paint(severity, severity.padEnd(7));
  const out: string[] = [];
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const { file, findings } of results) {
    if (findings.length === 0) continue;
    out.push(paint('bold', file));
    const width = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length));
    for (const finding of findings) {
      totals[finding.severity]++;
      const where = finding.line === 0 ? '-' : `${finding.line}:${finding.column}`;
      out.push(`  ${paint('dim', where.padStart(width))}  ${severityLabel(finding.severity)}  ${finding.message}  ${paint('dim', `${finding.code} ${finding.name}`)}`);
      for (const related of finding.related ?? []) out.push(`  ${' '.repeat(width)}  ${' '.repeat(7)}  ${paint('dim', `line ${related.line}: ${related.message}`)}`);
    }
    out.push('');
  }
  const problems = totals.error + totals.warning + totals.info;
  if (problems === 0) return '';
  const summary = `${problems === 1 ? '1 problem' : `${problems} problems`} (${plural(totals.error, 'error')}, ${plural(totals.warning, 'warning')}${totals.info > 0 ? `, ${totals.info} info` : ''})`;
  out.push(paint(totals.error > 0 ? 'error' : 'warning', `✖ ${summary}`));
  return out.join('\n') + '\n';
}
