import type { Family, TableName } from '../ast';
import type { ProgressTracker } from '../output/progress';
import type { ParseResult } from '../parser/parse-dump';
import { readDumpFile } from '../read-input';
import { diagnosticFindings, lintDump, type SeverityOverride } from './engine';
import { inlineSuppressions, isSuppressed } from './suppressions';
import type { Policy } from '../policy/types';
import type { Finding, LintRule } from './types';
import { byCodeUnits } from '../text-order';

export interface LintFileOptions {
  rules: readonly LintRule[];
  overrides?: Record<string, SeverityOverride>;
  policy?: Policy | null;
  family?: Family;
  table?: TableName;
  progress?: ProgressTracker;
}

export interface LintFileResult {
  file: string;
  findings: Finding[];
  /** Findings silenced by `# ipt-lint disable=…` comments. */
  suppressed: number;
  /** False when the file could not be read at all. */
  readable: boolean;
}

/** Parses a file and lints it: parse diagnostics and rule findings together, inline suppressions applied. */
export function lintFile(file: string, options: LintFileOptions): LintFileResult {
  const onProgress = options.progress?.track(`reading ${file === '-' ? 'standard input' : file}`);
  return lintParsed(readDumpFile(file, { family: options.family, table: options.table, onProgress }), options);
}

/** Lints a parsed dump: its parse diagnostics and the rules' findings together, inline suppressions applied. */
export function lintParsed({ dump, diagnostics }: ParseResult, options: LintFileOptions): LintFileResult {
  const readable = !diagnostics.some((d) => d.code === 'IPT1001' || d.code === 'IPT1002');
  const all = [...diagnosticFindings(diagnostics, options.overrides), ...lintDump(dump, { rules: options.rules, overrides: options.overrides, policy: options.policy, onProgress: options.progress?.track(`checking ${dump.file === '-' ? 'standard input' : dump.file}`) })];
  const suppressions = inlineSuppressions(dump.comments);
  const findings = all.filter((finding) => !isSuppressed(finding, suppressions));
  findings.sort((a, b) => a.line - b.line || a.column - b.column || byCodeUnits(a.code, b.code));
  return { file: dump.file, findings, suppressed: all.length - findings.length, readable };
}
