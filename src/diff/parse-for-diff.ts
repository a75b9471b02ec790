import type { Diagnostic, Family } from '../ast';
import { HEADER_PATTERN, headerFamily } from '../parser/analyze-line';
import { LineMemo } from '../parser/line-memo';
import { isTableName, parseDump, type LineStretch, type ParseOptions, type ParseResult } from '../parser/parse-dump';

export interface DiffInput {
  text: string;
  /** Shown in diagnostics. */
  file: string;
  /** The file's bytes when they are all ASCII, one per character of `text`: the scan then reads them without a copy. */
  asciiBytes?: Uint8Array;
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
  const pairs = sharedBlocks(before, after, options.family);
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
function sharedBlocks(before: DiffInput, after: DiffInput, family: Family | undefined): BlockPair[] | null {
  const beforeSections = chainSections(before.text, codeUnitsOf(before), family, null);
  if (beforeSections === null) return null;
  const matcher = new BlockMatcher(before.text, beforeSections);
  if (chainSections(after.text, codeUnitsOf(after), family, matcher) === null) return null;
  return matcher.pairs.sort((a, b) => a.before.firstLine - b.before.firstLine);
}

/**
 * A text's UTF-16 code units, one element per character. The scan compares the chain name of
 * every rule line it passes: on a typed array that is several times faster than `startsWith` or
 * `charCodeAt` on a long string.
 */
type CodeUnits = Uint8Array | Uint16Array;

const WIDE_CHARACTER = /[^\u0000-\u00ff]/;

function codeUnitsOf(input: DiffInput): CodeUnits {
  if (input.asciiBytes !== undefined) return input.asciiBytes;
  const text = input.text;
  if (!WIDE_CHARACTER.test(text)) return Buffer.from(text, 'latin1');
  const units = new Uint16Array(text.length);
  for (let index = 0; index < text.length; index++) units[index] = text.charCodeAt(index);
  return units;
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
 * While `after` is scanned, the block of `before` that each of its chains' blocks starts with,
 * word for word: such a block is taken whole, its lines not looked at one by one. Two saves of
 * one host list their chains in the same order, so the blocks of `before` are walked side by
 * side with the scan; names are looked up only where the orders part.
 */
class BlockMatcher {
  readonly pairs: BlockPair[] = [];
  private blocks: readonly ChainBlock[] = [];
  private cursor = 0;
  private indexByName: Map<string, number> | null = null;

  constructor(
    private readonly beforeText: string,
    private readonly beforeSections: readonly ChainSection[],
  ) {}

  enterSection(key: string): void {
    this.blocks = this.beforeSections.find((section) => section.key === key)?.blocks ?? [];
    this.cursor = 0;
    this.indexByName = null;
  }

  /** The block of `before` for `chain` when `text` holds its text at `start`; null otherwise. */
  match(chain: string, text: string, start: number): ChainBlock | null {
    const blocks = this.blocks;
    if (this.cursor >= blocks.length || blocks[this.cursor].chain !== chain) {
      this.indexByName ??= new Map(blocks.map((block, index) => [block.chain, index]));
      const found = this.indexByName.get(chain);
      if (found === undefined) return null;
      this.cursor = found;
    }
    const block = blocks[this.cursor++];
    const end = start + block.end - block.start;
    // Slices compare natively, several times faster than a loop over the characters.
    if (end > text.length || this.beforeText.slice(block.start, block.end) !== text.slice(start, end)) return null;
    // The block must end where a line ends on both sides.
    return end === text.length || text.charCodeAt(end - 1) === 10 ? block : null;
  }
}

/**
 * The chain blocks of a plain save, per family and table, or null when the text is anything
 * else: restore commands, counters before rules, CRLF or NUL, a table opened twice, a table
 * before any family header, rules that do not follow the order of the chain declarations one
 * chain at a time (as iptables-save writes them), so that no chain's rules are split up.
 */
function chainSections(text: string, units: CodeUnits, fixedFamily: Family | undefined, matcher: BlockMatcher | null): ChainSection[] | null {
  if (text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0 || text.charCodeAt(0) === 0xfeff) return null;
  const sections: ChainSection[] = [];
  let family: Family | null = fixedFamily ?? null;
  let section: ChainSection | null = null;
  let declared: Declaration[] = [];
  let nextDeclared = 0;
  for (let lineIndex = 0, start = 0; start < text.length; lineIndex++) {
    const first = units[start];
    if (first === 45 /* - */) {
      if (section === null) return null;
      while (nextDeclared < declared.length && !isRuleOf(units, start, declared[nextDeclared])) nextDeclared++;
      if (nextDeclared === declared.length) return null;
      const declaration = declared[nextDeclared++];
      const chain = declaration.name;
      const same = matcher?.match(chain, text, start) ?? null;
      // A block of `before` holds the chain's whole run only when the line after it is another chain's.
      const whole = same !== null && !isRuleOf(units, start + same.end - same.start, declaration);
      const blockEnd = whole ? start + same.end - same.start : rulesEnd(text, units, start, declaration);
      if (whole) runLines = same.lineCount;
      const block = { chain, firstLine: lineIndex, lineCount: runLines, start, end: blockEnd };
      section.blocks.push(block);
      if (whole) matcher!.pairs.push({ before: same, after: block });
      lineIndex += runLines - 1;
      start = blockEnd;
      continue;
    }
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (first === 58 /* : */) {
      if (section === null) return null;
      const blank = text.indexOf(' ', start);
      const nameEnd = blank < 0 || blank > end ? end : blank;
      declared.push({ name: text.slice(start + 1, nameEnd), start: start + 1, length: nameEnd - start - 1 });
    } else if (first === 42 /* * */) {
      const table = text.slice(start + 1, end);
      const key = `${family} ${table}`;
      if (section !== null || family === null || !isTableName(table) || sections.some((other) => other.key === key)) return null;
      section = { key, blocks: [] };
      sections.push(section);
      matcher?.enterSection(key);
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

/** A chain declared in the table being scanned: its name, and where the name stands in the text. */
interface Declaration {
  name: string;
  start: number;
  length: number;
}

/** Whether the line at `start` appends to the chain: `-A chain …`. */
function isRuleOf(units: CodeUnits, start: number, chain: Declaration): boolean {
  const length = chain.length;
  if (units[start] !== 45 || units[start + 1] !== 65 || units[start + 2] !== 32 || units[start + 3 + length] !== 32) return false;
  const name = chain.start;
  const at = start + 3;
  for (let index = 0; index < length; index++) if (units[at + index] !== units[name + index]) return false;
  return true;
}

/** The lines `rulesEnd` last passed over. */
let runLines = 0;

/**
 * Where the run of the chain's rule lines starting at `start` ends. Kept small and apart from the
 * rest of the scan: a cold run of the CLI spends most of its lines here, and V8 optimises a
 * small loop far sooner than a large one. Lines are found with the string's `indexOf`, which V8
 * runs natively.
 */
function rulesEnd(text: string, units: CodeUnits, start: number, chain: Declaration): number {
  let lines = 0;
  let at = start;
  while (at < text.length && isRuleOf(units, at, chain)) {
    const newline = text.indexOf('\n', at);
    at = newline < 0 ? text.length : newline + 1;
    lines++;
  }
  runLines = lines;
  return at;
}
