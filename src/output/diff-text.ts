import type * as Diff from 'diff';
import type { Counters, Rule } from '../ast';
import type { Change, ChainDiff, ChainStep, DumpDiff } from '../diff/types';
import { printRule } from '../printer';

// Only the patch printer of the package, not its index (see align.ts).
const { formatPatch, OMIT_HEADERS } = require('diff/lib/patch/create.js') as Pick<typeof Diff, 'formatPatch' | 'OMIT_HEADERS'>;
type StructuredPatchHunk = Diff.StructuredPatchHunk;

export interface DiffTextOptions {
  color: boolean;
  /** Unchanged rules shown around each change. */
  context: number;
}

const STYLES = { removed: '\u001b[31m', added: '\u001b[32m', hunk: '\u001b[36m', note: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

/**
 * Per chain, a unified diff of the canonical rules with a few rules of context, a note on each
 * moved or edited rule, and a one-line summary at the end.
 */
export function formatDiffText(diff: DumpDiff, options: DiffTextOptions): string {
  const paint = (style: keyof typeof STYLES, text: string): string => (options.color ? `${STYLES[style]}${text}${STYLES.reset}` : text);
  const out: string[] = [];
  for (const chain of diff.chains) {
    out.push(paint('bold', chainHeading(chain)));
    const hunks = chainHunks(chain, options.context);
    if (hunks.length > 0) {
      const text = formatPatch({ oldFileName: diff.beforeFile, newFileName: diff.afterFile, oldHeader: undefined, newHeader: undefined, hunks }, OMIT_HEADERS);
      for (const line of text.replace(/\n$/, '').split('\n')) out.push(paintDiffLine(line, paint));
    }
    out.push('');
  }
  out.push(summaryLine(diff));
  return out.join('\n') + '\n';
}

function chainHeading(chain: ChainDiff): string {
  const notes: string[] = [];
  for (const change of chain.changes) {
    if (change.kind === 'chain-added') notes.push('new chain');
    if (change.kind === 'chain-removed') notes.push('chain removed');
    if (change.kind === 'policy-changed') notes.push(`policy ${change.policy!.before} → ${change.policy!.after}`);
    if (change.kind === 'counters-changed' && change.before?.position === null) notes.push(`counters ${counters(change.counters!.before)} → ${counters(change.counters!.after)}`);
  }
  return `${chain.family} ${chain.table} ${chain.chain}${notes.length > 0 ? `: ${notes.join(', ')}` : ''}`;
}

function paintDiffLine(line: string, paint: (style: keyof typeof STYLES, text: string) => string): string {
  const noteAt = line.indexOf('  # ');
  const body = noteAt < 0 ? line : line.slice(0, noteAt);
  const note = noteAt < 0 ? '' : paint('note', line.slice(noteAt));
  if (line.startsWith('@@')) return paint('hunk', line);
  if (line.startsWith('-')) return paint('removed', body) + note;
  if (line.startsWith('+')) return paint('added', body) + note;
  return body + note;
}

/** Unified-diff hunks: changed lines with up to `context` unchanged rules around them, merged when they touch. */
function chainHunks(chain: ChainDiff, context: number): StructuredPatchHunk[] {
  const steps = chain.steps;
  const interesting = (step: ChainStep) => step.op !== 'keep' || step.change !== undefined;
  const hunks: StructuredPatchHunk[] = [];
  let nextFree = 0;
  let k = 0;
  while (k < steps.length) {
    if (!interesting(steps[k])) {
      k++;
      continue;
    }
    const start = Math.max(nextFree, k - context);
    let end = k;
    let quiet = 0;
    for (let m = k + 1; m < steps.length; m++) {
      if (interesting(steps[m])) {
        end = m;
        quiet = 0;
      } else if (++quiet > 2 * context) break;
    }
    const stop = Math.min(steps.length - 1, end + context);
    hunks.push(hunkOf(chain, start, stop));
    nextFree = stop + 1;
    k = stop + 1;
  }
  return hunks;
}

function hunkOf(chain: ChainDiff, start: number, stop: number): StructuredPatchHunk {
  const lines: string[] = [];
  // `diff -u` numbers an empty side by the line before it.
  let oldStart = 0;
  let newStart = 0;
  for (let k = start - 1; k >= 0 && (oldStart === 0 || newStart === 0); k--) {
    const step = chain.steps[k];
    if (oldStart === 0 && step.op !== 'insert') oldStart = step.beforePosition;
    if (newStart === 0 && step.op !== 'delete') newStart = step.afterPosition;
  }
  let oldLines = 0;
  let newLines = 0;
  for (let k = start; k <= stop; k++) {
    const step = chain.steps[k];
    if (step.op !== 'insert') {
      if (oldLines === 0) oldStart = step.beforePosition;
      oldLines++;
    }
    if (step.op !== 'delete') {
      if (newLines === 0) newStart = step.afterPosition;
      newLines++;
    }
    if (step.op === 'keep') lines.push(` ${ruleText(step.after, chain)}${step.change === undefined ? '' : `  # ${countersNote(step.change)}`}`);
    if (step.op === 'delete') lines.push(`-${ruleText(step.before, chain)}${deleteNote(step.change)}`);
    if (step.op === 'insert') lines.push(`+${ruleText(step.after, chain)}${insertNote(step.change)}`);
  }
  // formatPatch prints an empty side as the line before it, so it expects the line after.
  if (oldLines === 0) oldStart++;
  if (newLines === 0) newStart++;
  return { oldStart, oldLines, newStart, newLines, lines };
}

function ruleText(rule: Rule, chain: ChainDiff): string {
  return printRule(rule, chain.family, { counters: false });
}

function deleteNote(change: Change): string {
  if (change.kind === 'rule-moved') return `  # moved to position ${change.after!.position}`;
  return '';
}

function insertNote(change: Change): string {
  if (change.kind === 'rule-moved') return `  # moved from position ${change.before!.position}`;
  if (change.kind === 'rule-changed') {
    const pieces = (change.options ?? []).map((option) => `${option.before ?? '(none)'} → ${option.after ?? '(none)'}`);
    return `  # changed: ${pieces.join('; ')}`;
  }
  return '';
}

function countersNote(change: Change): string {
  return `counters ${counters(change.counters!.before)} → ${counters(change.counters!.after)}`;
}

function counters(value: Counters | null): string {
  return value === null ? '[0:0]' : `[${value.packets}:${value.bytes}]`;
}

const SUMMARY_LABELS: Array<[Change['kind'], string, string]> = [
  ['rule-added', 'rule added', 'rules added'],
  ['rule-removed', 'rule removed', 'rules removed'],
  ['rule-moved', 'rule moved', 'rules moved'],
  ['rule-changed', 'rule changed', 'rules changed'],
  ['chain-added', 'chain added', 'chains added'],
  ['chain-removed', 'chain removed', 'chains removed'],
  ['policy-changed', 'policy changed', 'policies changed'],
  ['counters-changed', 'counter changed', 'counters changed'],
];

export function summaryLine(diff: DumpDiff): string {
  if (diff.changes.length === 0) return `No drift between ${diff.beforeFile} and ${diff.afterFile}.`;
  const counts = new Map<Change['kind'], number>();
  for (const change of diff.changes) counts.set(change.kind, (counts.get(change.kind) ?? 0) + 1);
  const parts = SUMMARY_LABELS.filter(([kind]) => counts.has(kind)).map(([kind, one, many]) => `${counts.get(kind)} ${counts.get(kind) === 1 ? one : many}`);
  const chains = diff.chains.length;
  return `Drift: ${parts.join(', ')} in ${chains} chain${chains === 1 ? '' : 's'}.`;
}
