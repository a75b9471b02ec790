import type { Diagnostic, Family } from '../ast';
import { HEADER_PATTERN, headerFamily } from '../parser/analyze-line';
import { LineMemo } from '../parser/line-memo';
import { isTableName, parseDump, type LineStretch, type ParseOptions, type ParseResult } from '../parser/parse-dump';

export interface DiffInput {
  text: string;
  /** Shown in diagnostics. */
  file: string;
}

export interface DiffParse {
  before: ParseResult;
  after: ParseResult;
}

/**
 * Parses the two sides of a diff. Two saves of one host hold most chains word for word alike;
 * such a chain cannot differ in meaning, so its rules are checked once, in `before`, and kept
 * out of both trees, where `diffDumps` finds two empty chains with nothing to compare. Chain
 * declarations, policies and every other chain are read as usual, and the diagnostics are those
 * of a full parse of each side. The trees are for diffing only: use `parseDump` for a whole dump.
 *
 * Only plain `iptables-save` output takes that way (a family header, tables of declarations and
 * `-A` lines, one unbroken run of rules per chain); anything else is parsed in full, with a
 * shared line memo.
 */
export function parseForDiff(before: DiffInput, after: DiffInput, options: Pick<ParseOptions, 'family'> = {}): DiffParse {
  const pairs = sharedBlocks(before.text, after.text, options.family);
  if (pairs === null) return parseBothInFull(before, after, options);
  // The chains that differ still share most of their lines (a long chain with a few edits).
  const memo = new LineMemo();
  const beforeParse = parseDump(before.text, { ...options, file: before.file, memo, stretches: pairs.map(({ before: block }) => stretchOf(block, 'check')) });
  return { before: beforeParse, after: parseAfter(after, pairs, beforeParse.diagnostics, { ...options, memo }) };
}

type BlockPair = { before: ChainBlock; after: ChainBlock };

function parseBothInFull(before: DiffInput, after: DiffInput, options: Pick<ParseOptions, 'family'>): DiffParse {
  const memo = new LineMemo();
  return { before: parseDump(before.text, { ...options, file: before.file, memo }), after: parseDump(after.text, { ...options, file: after.file, memo }) };
}

/** The chain blocks both saves hold word for word, paired, in the order of `before`; null when either text is not a plain save. */
function sharedBlocks(beforeText: string, afterText: string, family: Family | undefined): BlockPair[] | null {
  const beforeSections = chainSections(beforeText, family);
  const afterSections = beforeSections === null ? null : chainSections(afterText, family);
  if (beforeSections === null || afterSections === null) return null;
  return sameBlocks(beforeText, beforeSections, afterText, afterSections).sort((a, b) => a.before.firstLine - b.before.firstLine);
}

/**
 * `after`, its shared blocks unread. A shared line reads as it does in `before`, so the
 * diagnostics `before` has in shared blocks are `after`'s there too, moved to its lines.
 */
function parseAfter(after: DiffInput, pairs: readonly BlockPair[], beforeDiagnostics: readonly Diagnostic[], options: Pick<ParseOptions, 'family' | 'memo'>): ParseResult {
  const stretches = pairs.map(({ after: block }) => stretchOf(block, 'skip')).sort((a, b) => a.firstLine - b.firstLine);
  const parsed = parseDump(after.text, { ...options, file: after.file, stretches });
  const moved = sharedDiagnostics(beforeDiagnostics, pairs, after.file);
  if (moved.length === 0) return parsed;
  parsed.diagnostics.push(...moved);
  parsed.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return parsed;
}

/** The diagnostics of `before` on lines of shared blocks, moved to the same lines in `after`. */
function sharedDiagnostics(diagnostics: readonly Diagnostic[], pairs: readonly BlockPair[], afterFile: string): Diagnostic[] {
  const moved: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const pair = pairHolding(pairs, diagnostic.line - 1);
    if (pair !== null) moved.push({ ...diagnostic, file: afterFile, line: diagnostic.line - pair.before.firstLine + pair.after.firstLine });
  }
  return moved;
}

/** The pair whose `before` block holds the 0-based line, by binary search over pairs in `before` order. */
function pairHolding(pairs: readonly BlockPair[], lineIndex: number): BlockPair | null {
  let low = 0;
  let high = pairs.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (pairs[middle].before.firstLine <= lineIndex) low = middle + 1;
    else high = middle;
  }
  const pair = low > 0 ? pairs[low - 1] : null;
  return pair !== null && lineIndex < pair.before.firstLine + pair.before.lineCount ? pair : null;
}

/** One chain's rules in a save file: an unbroken run of `-A` lines. */
interface ChainBlock {
  chain: string;
  /** 0-based index of the first line, and the number of lines. */
  firstLine: number;
  lineCount: number;
  /** Where the first line starts in the text, and where the line after the last one starts. */
  start: number;
  end: number;
}

/** The chain blocks of one table of one family, in file order. */
interface ChainSection {
  key: string;
  blocks: ChainBlock[];
}

function stretchOf(block: ChainBlock, mode: LineStretch['mode']): LineStretch {
  return { firstLine: block.firstLine, lineCount: block.lineCount, start: block.start, end: block.end, mode };
}

/**
 * The blocks that hold the same text on both sides, paired. Two saves of one host list their
 * chains in the same order, so the blocks are walked side by side; names are looked up only
 * where the orders part.
 */
function sameBlocks(beforeText: string, beforeSections: ChainSection[], afterText: string, afterSections: ChainSection[]): Array<{ before: ChainBlock; after: ChainBlock }> {
  const pairs: Array<{ before: ChainBlock; after: ChainBlock }> = [];
  for (const section of afterSections) {
    const beforeBlocks = beforeSections.find((candidate) => candidate.key === section.key)?.blocks;
    if (beforeBlocks === undefined) continue;
    let indexByName: Map<string, number> | null = null;
    let cursor = 0;
    for (const block of section.blocks) {
      if (cursor >= beforeBlocks.length || beforeBlocks[cursor].chain !== block.chain) {
        indexByName ??= new Map(beforeBlocks.map((candidate, index) => [candidate.chain, index]));
        const found = indexByName.get(block.chain);
        if (found === undefined) continue;
        cursor = found;
      }
      const other = beforeBlocks[cursor++];
      if (sameText(beforeText, other, afterText, block)) pairs.push({ before: other, after: block });
    }
  }
  return pairs;
}

function sameText(beforeText: string, before: ChainBlock, afterText: string, after: ChainBlock): boolean {
  // Slices compare natively, several times faster than a loop over the characters.
  return after.end - after.start === before.end - before.start && beforeText.slice(before.start, before.end) === afterText.slice(after.start, after.end);
}

/**
 * The chain blocks of a plain save, per family and table, or null when the text is anything
 * else: restore commands, counters before rules, CRLF or NUL, a table opened twice, a table
 * before any family header, rules that do not follow the order of the chain declarations one
 * chain at a time (as iptables-save writes them), so that no chain's rules are split up.
 */
function chainSections(text: string, fixedFamily: Family | undefined): ChainSection[] | null {
  if (text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0 || text.charCodeAt(0) === 0xfeff) return null;
  const sections: ChainSection[] = [];
  let family: Family | null = fixedFamily ?? null;
  let section: ChainSection | null = null;
  let declared: string[] = [];
  let nextDeclared = 0;
  for (let lineIndex = 0, start = 0; start < text.length; lineIndex++) {
    const first = text.charCodeAt(start);
    if (first === 45 /* - */) {
      if (section === null) return null;
      while (nextDeclared < declared.length && !isRuleOf(text, start, declared[nextDeclared])) nextDeclared++;
      if (nextDeclared === declared.length) return null;
      const chain = declared[nextDeclared++];
      const blockEnd = rulesEnd(text, start, chain);
      section.blocks.push({ chain, firstLine: lineIndex, lineCount: runLines, start, end: blockEnd });
      lineIndex += runLines - 1;
      start = blockEnd;
      continue;
    }
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (first === 58 /* : */) {
      if (section === null) return null;
      const blank = text.indexOf(' ', start);
      declared.push(text.slice(start + 1, blank < 0 || blank > end ? end : blank));
    } else if (first === 42 /* * */) {
      const table = text.slice(start + 1, end);
      const key = `${family} ${table}`;
      if (section !== null || family === null || !isTableName(table) || sections.some((other) => other.key === key)) return null;
      section = { key, blocks: [] };
      sections.push(section);
      declared = [];
      nextDeclared = 0;
    } else if (first === 35 /* # */) {
      const header = text.startsWith('# Generated by ', start) ? HEADER_PATTERN.exec(text.slice(start, end)) : null;
      if (header !== null && fixedFamily === undefined) {
        family = headerFamily(header[1]);
        if (family === null) return null;
      }
    } else if (end - start === 6 && text.startsWith('COMMIT', start)) {
      if (section === null) return null;
      section = null;
    } else if (end !== start) {
      return null;
    }
    start = newline < 0 ? text.length : newline + 1;
  }
  return section === null ? sections : null;
}

/** Whether the line at `start` appends to `chain`: `-A chain …`. */
function isRuleOf(text: string, start: number, chain: string): boolean {
  return text.charCodeAt(start) === 45 && text.charCodeAt(start + 1) === 65 && text.charCodeAt(start + 2) === 32 && text.charCodeAt(start + 3 + chain.length) === 32 && text.startsWith(chain, start + 3);
}

/** The lines `rulesEnd` last passed over. */
let runLines = 0;

/**
 * Where the run of `chain`'s rule lines starting at `start` ends. Kept small and apart from the
 * rest of the scan: a cold run of the CLI spends most of its lines here, and V8 optimises a
 * small loop far sooner than a large one.
 */
function rulesEnd(text: string, start: number, chain: string): number {
  let lines = 0;
  let at = start;
  while (at < text.length && isRuleOf(text, at, chain)) {
    const newline = text.indexOf('\n', at);
    at = newline < 0 ? text.length : newline + 1;
    lines++;
  }
  runLines = lines;
  return at;
}
