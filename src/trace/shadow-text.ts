import type { Rule } from '../ast';

/** "line 12", "lines 12 and 40", "lines 3, 12 and 40". */
export function linesText(rules: readonly Rule[]): string {
  const lines = rules.map((rule) => String(rule.line));
  if (lines.length === 1) return `line ${lines[0]}`;
  return `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`;
}
