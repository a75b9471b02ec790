import type { Severity } from '../ast';
import type { Finding } from '../lint/types';
import type { FileResult, FormatContext } from './format-types';

const COMMANDS: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub Actions workflow commands: each finding becomes an annotation on the file in the run and the pull request. */
export function formatGithub(results: readonly FileResult[], _context: FormatContext): string {
  const lines = results.flatMap(({ findings }) => findings.map(annotation));
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function annotation(finding: Finding): string {
  const properties: [string, string | number][] = [['file', finding.file]];
  if (finding.line >= 1) {
    properties.push(['line', finding.line]);
    if (finding.column >= 1) {
      properties.push(['col', finding.column]);
      if (finding.endColumn !== undefined && finding.endColumn >= finding.column) properties.push(['endColumn', finding.endColumn]);
    }
  }
  properties.push(['title', `${finding.code} ${finding.name}`]);
  const message = [finding.message, ...(finding.related ?? []).map((related) => `line ${related.line}: ${related.message}`)].join('\n');
  const rendered = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${COMMANDS[finding.severity]} ${rendered}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
