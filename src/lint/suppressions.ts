import type { Comment } from '../ast';
import type { Finding } from './types';

const PRAGMA = /^#\s*ipt-lint\s+disable(?:=([A-Za-z0-9_,\s-]+))?\s*$/;

/**
 * `# ipt-lint disable=IPT2004,IPT2005` on the line before a rule silences those
 * codes for that line; `# ipt-lint disable` silences every code. The codes can
 * also be rule names (`disable=duplicate-rule`).
 */
export function inlineSuppressions(comments: readonly Comment[]): Map<number, Set<string> | 'all'> {
  const byLine = new Map<number, Set<string> | 'all'>();
  for (const comment of comments) {
    const match = PRAGMA.exec(comment.text);
    if (match === null) continue;
    const codes = match[1]?.split(',').map((code) => code.trim()).filter((code) => code !== '');
    byLine.set(comment.line + 1, codes === undefined || codes.length === 0 ? 'all' : new Set(codes));
  }
  return byLine;
}

export function isSuppressed(finding: Finding, suppressions: Map<number, Set<string> | 'all'>): boolean {
  const entry = suppressions.get(finding.line);
  if (entry === undefined) return false;
  return entry === 'all' || entry.has(finding.code) || entry.has(finding.name);
}
