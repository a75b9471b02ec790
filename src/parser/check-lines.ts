import type { Diagnostic, Family } from '../ast';
import { analyzeLine, internalErrorDiagnostic, readsCleanlyByTemplate, type AnalysisContext } from './analyze-line';

/** A run of rule lines (`-A …`, with counters or not) of chains declared before them, all of one family. */
export interface RuleLineStretch {
  /** The 0-based index of the first line, and the number of lines. */
  firstLine: number;
  lineCount: number;
  /** Where the first line starts in the text. */
  start: number;
  family: Family;
}

const PROGRESS_EVERY = 4096;

/**
 * The diagnostics of the rule lines in `stretches`, as `parseDump` gives them for those lines,
 * without building a rule or a tree. A rule line's reading depends only on its text and its
 * family, so the lines can be checked apart from the parse that passes over them (see
 * `parseForDiff`). `onProgress` is called every few thousand lines.
 */
export function checkRuleLines(text: string, file: string, stretches: readonly RuleLineStretch[], onProgress?: () => void): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const context: AnalysisContext = { file, familyState: { family: 'ipv4', settled: true }, familyFixed: true, diagnostics };
  let checked = 0;
  for (const stretch of stretches) {
    context.familyState.family = stretch.family;
    let start = stretch.start;
    for (let index = stretch.firstLine; index < stretch.firstLine + stretch.lineCount; index++) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      const source = text.slice(start, end);
      start = end + 1;
      if (onProgress !== undefined && ++checked % PROGRESS_EVERY === 0) onProgress();
      try {
        if (!readsCleanlyByTemplate(source, context)) analyzeLine(source, index + 1, context);
      } catch (error) {
        diagnostics.push(internalErrorDiagnostic(file, index + 1, source, error));
      }
    }
  }
  return diagnostics;
}
