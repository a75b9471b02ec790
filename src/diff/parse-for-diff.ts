import type { Diagnostic, Family } from '../ast';
import { HEADER_PATTERN, headerFamily } from '../parser/analyze-line';
import { LineMemo } from '../parser/line-memo';
import { RuleLineCheck } from './rule-line-check';
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
 * such a chain cannot differ in meaning, so its rules are kept out of both trees, where
 * `diffDumps` finds two empty chains with nothing to compare, and its lines are only checked,
 * once, in `before` (on a worker thread for a large file, while the rest is parsed). Chain
 * declarations, policies and every other chain are read as usual, and the diagnostics are those
 * of a full parse of each side. The trees are for diffing only: use `parseDump` for a whole dump.
 *
 * Only plain `iptables-save` output takes that way (a family header, tables of declarations and
 * `-A` lines, with counters or not, one unbroken run of rules per chain); anything else is parsed
 * in full, with a shared line memo.
 */
export function parseForDiff(before: DiffInput, after: DiffInput, options: DiffParseOptions = {}): DiffParse {
  const { counters, ...parseOptions } = options;
  const check = RuleLineCheck.start(before.text, before.file);
  const pairs = sharedBlocks(before, after, parseOptions.family, counters !== true);
  if (pairs === null) {
    check.cancel();
    return parseBothInFull(before, after, parseOptions);
  }
  check.run(pairs.map(({ before: block, family }) => ({ firstLine: block.firstLine, lineCount: block.lineCount, start: block.start, family })));
  // The chains that differ still share most of their lines (a long chain with a few edits).
  const memo = new LineMemo();
  const beforeParse = parseDump(before.text, { ...parseOptions, file: before.file, memo, stretches: pairs.map(({ before: block }) => stretchOf(block)) });
  const afterParse = parseAfter(after, pairs, { ...parseOptions, memo });
  const shared = check.diagnostics();
  addDiagnostics(beforeParse, shared);
  addDiagnostics(afterParse, sharedDiagnostics(shared, pairs, after));
  return { before: beforeParse, after: afterParse };
}

function addDiagnostics(parse: ParseResult, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  parse.diagnostics.push(...diagnostics);
  parse.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

export interface DiffParseOptions extends Pick<ParseOptions, 'family'> {
  /**
   * The diff compares rule counters (`iptables-save -c`): only chains whose lines are the same
   * with their counters are shared. Otherwise lines that differ only in their counters are too.
   */
  counters?: boolean;
}

/** Two blocks of one chain of a family; `exact` when their text is the same, counters included. */
type BlockPair = { before: ChainBlock; after: ChainBlock; exact: boolean; family: Family };

function parseBothInFull(before: DiffInput, after: DiffInput, options: Pick<ParseOptions, 'family'>): DiffParse {
  const memo = new LineMemo();
  return { before: parseDump(before.text, { ...options, file: before.file, memo }), after: parseDump(after.text, { ...options, file: after.file, memo }) };
}

/** The chain blocks both saves hold word for word (counters aside, unless they count), paired, in the order of `before`; null when either text is not a plain save. */
function sharedBlocks(before: DiffInput, after: DiffInput, family: Family | undefined, ignoreCounters: boolean): BlockPair[] | null {
  const beforeUnits = codeUnitsOf(before);
  const beforeSections = chainSections(before.text, beforeUnits, family, null);
  if (beforeSections === null) return null;
  const matcher = new BlockMatcher(before.text, beforeUnits, beforeSections, ignoreCounters);
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

/** `after`, its shared blocks unread. */
function parseAfter(after: DiffInput, pairs: readonly BlockPair[], options: Pick<ParseOptions, 'family' | 'memo'>): ParseResult {
  const stretches = pairs.map(({ after: block }) => stretchOf(block)).sort((a, b) => a.firstLine - b.firstLine);
  return parseDump(after.text, { ...options, file: after.file, stretches });
}

/**
 * The diagnostics of `before` on lines of shared blocks, moved to the same lines in `after`, and
 * where the counters before a line differ in length, to the same words of it: a shared line reads
 * as it does in `before` (its counters aside).
 */
function sharedDiagnostics(diagnostics: readonly Diagnostic[], pairs: readonly BlockPair[], after: DiffInput): Diagnostic[] {
  const moved: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const pair = pairHolding(pairs, diagnostic.line - 1);
    if (pair === null) continue;
    const offset = diagnostic.line - 1 - pair.before.firstLine;
    const here = { ...diagnostic, file: after.file, line: pair.after.firstLine + offset + 1 };
    if (!pair.exact) {
      const source = lineOfBlock(after.text, pair.after, offset);
      const prefix = counterPrefixLength(diagnostic.source);
      const shift = counterPrefixLength(source) - prefix;
      if (here.column > prefix) here.column += shift;
      if (here.endColumn > prefix) here.endColumn += shift;
      here.source = source;
    }
    moved.push(here);
  }
  return moved;
}

/** The text of a block's line, counted from 0. */
function lineOfBlock(text: string, block: ChainBlock, offset: number): string {
  let start = block.start;
  for (let line = 0; line < offset; line++) start = text.indexOf('\n', start) + 1;
  const newline = text.indexOf('\n', start);
  return text.slice(start, newline < 0 ? text.length : newline);
}

const COUNTER_PREFIX = /^\[\d+:\d+\] /;

function counterPrefixLength(line: string): number {
  return COUNTER_PREFIX.exec(line)?.[0].length ?? 0;
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
  family: Family;
  blocks: ChainBlock[];
}

function stretchOf(block: ChainBlock): LineStretch {
  return { firstLine: block.firstLine, lineCount: block.lineCount, start: block.start, end: block.end };
}

/**
 * While `after` is scanned, the block of `before` that each of its chains' blocks starts with,
 * word for word: such a block is taken whole, its lines not looked at one by one. Two saves of
 * one host list their chains in the same order, so the blocks of `before` are walked side by
 * side with the scan; names are looked up only where the orders part.
 */
class BlockMatcher {
  readonly pairs: BlockPair[] = [];
  /** Where the block of `after` that `match` last found ends, and whether it is the same text, counters included. */
  end = 0;
  exact = false;
  private blocks: readonly ChainBlock[] = [];
  private cursor = 0;
  private indexByName: Map<string, number> | null = null;

  constructor(
    private readonly beforeText: string,
    private readonly beforeUnits: CodeUnits,
    private readonly beforeSections: readonly ChainSection[],
    private readonly ignoreCounters: boolean,
  ) {}

  enterSection(key: string): void {
    this.blocks = this.beforeSections.find((section) => section.key === key)?.blocks ?? [];
    this.cursor = 0;
    this.indexByName = null;
  }

  /**
   * The block of `before` for `chain` when `text` holds its lines at `start` (counters aside, when
   * they are ignored); null otherwise. `end` is then where those lines end in `text`.
   */
  match(chain: string, text: string, units: CodeUnits, start: number): ChainBlock | null {
    const blocks = this.blocks;
    if (this.cursor >= blocks.length || blocks[this.cursor].chain !== chain) {
      this.indexByName ??= new Map(blocks.map((block, index) => [block.chain, index]));
      const found = this.indexByName.get(chain);
      if (found === undefined) return null;
      this.cursor = found;
    }
    const block = blocks[this.cursor++];
    const end = start + block.end - block.start;
    // Slices compare natively, several times faster than a loop over the characters; the block must end where a line ends on both sides.
    if (end <= text.length && this.beforeText.slice(block.start, block.end) === text.slice(start, end) && (end === text.length || text.charCodeAt(end - 1) === 10)) {
      this.end = end;
      this.exact = true;
      return block;
    }
    // Lines without counters that differ in text differ.
    if (!this.ignoreCounters || ruleAt(this.beforeUnits, block.start) === block.start) return null;
    const linesEnd = this.sameButCounters(block, text, units, start);
    if (linesEnd < 0) return null;
    this.end = linesEnd;
    this.exact = false;
    return block;
  }

  /** Where the lines at `start` end when, line by line, they are the block's but for their counters; -1 otherwise. */
  private sameButCounters(block: ChainBlock, text: string, units: CodeUnits, start: number): number {
    const { beforeText, beforeUnits } = this;
    let at = start;
    let from = block.start;
    for (let line = 0; line < block.lineCount; line++) {
      if (at >= text.length) return -1;
      const rule = ruleAt(units, at);
      const beforeRule = ruleAt(beforeUnits, from);
      // Counters on one side only would read differently (`-c` beside them is refused).
      if (rule < 0 || (rule === at) !== (beforeRule === from)) return -1;
      const next = lineAfter(text, at);
      const beforeNext = lineAfter(beforeText, from);
      if (next - rule !== beforeNext - beforeRule || text.slice(rule, next) !== beforeText.slice(beforeRule, beforeNext)) return -1;
      at = next;
      from = beforeNext;
    }
    return at;
  }
}

/** Where the line after the one at `start` starts (or the text's end). */
function lineAfter(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 ? text.length : newline + 1;
}

/**
 * The chain blocks of a plain save, per family and table, or null when the text is anything
 * else: restore commands, counters other than `[packets:bytes] ` before a rule (as
 * `iptables-save -c` writes them), CRLF or NUL, a table opened twice, a table
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
    if (first === 45 /* - */ || first === 91 /* [ */) {
      if (section === null) return null;
      while (nextDeclared < declared.length && !isRuleOf(units, start, declared[nextDeclared])) nextDeclared++;
      if (nextDeclared === declared.length) return null;
      const declaration = declared[nextDeclared++];
      const chain = declaration.name;
      const same = matcher?.match(chain, text, units, start) ?? null;
      // A block of `before` holds the chain's whole run only when the line after it is another chain's.
      const whole = same !== null && !isRuleOf(units, matcher!.end, declaration);
      const blockEnd = whole ? matcher!.end : rulesEnd(text, units, start, declaration);
      if (whole) runLines = same.lineCount;
      const block = { chain, firstLine: lineIndex, lineCount: runLines, start, end: blockEnd };
      section.blocks.push(block);
      if (whole) matcher!.pairs.push({ before: same, after: block, exact: matcher!.exact, family: section.family });
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
      section = { key, family, blocks: [] };
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

/** Where the `-A` of the line at `start` stands: there, or after counters (`[packets:bytes] `); -1 for counters of another form. */
function ruleAt(units: CodeUnits, start: number): number {
  if (units[start] !== 91 /* [ */) return start;
  let at = start + 1;
  while (units[at] >= 48 && units[at] <= 57) at++;
  if (at === start + 1 || units[at] !== 58 /* : */) return -1;
  const bytes = ++at;
  while (units[at] >= 48 && units[at] <= 57) at++;
  return at > bytes && units[at] === 93 /* ] */ && units[at + 1] === 32 ? at + 2 : -1;
}

/** Whether the line at `start` appends to the chain: `-A chain …`, after counters or not. */
function isRuleOf(units: CodeUnits, start: number, chain: Declaration): boolean {
  const rule = ruleAt(units, start);
  const length = chain.length;
  if (rule < 0 || units[rule] !== 45 || units[rule + 1] !== 65 || units[rule + 2] !== 32 || units[rule + 3 + length] !== 32) return false;
  const name = chain.start;
  const at = rule + 3;
  for (let index = 0; index < length; index++) if (units[at + index] !== units[name + index]) return false;
  return true;
}

/** The lines `rulesEnd` last passed over. */
let runLines = 0;

/**
 * Where the run of the chain's rule lines starting at `start` ends. Kept small and apart from the
 * rest of the scan: a cold run of the CLI spends most of its lines here, and V8 optimises a
 * small loop far sooner than a large one.
 */
function rulesEnd(text: string, units: CodeUnits, start: number, chain: Declaration): number {
  let lines = 0;
  let at = start;
  while (at < text.length && isRuleOf(units, at, chain)) {
    at = lineAfter(text, at);
    lines++;
  }
  runLines = lines;
  return at;
}
