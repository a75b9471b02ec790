import type { Diagnostic, Family, TableName } from '../ast';
import { HEADER_PATTERN, headerFamily } from '../parser/analyze-line';
import { LineMemo } from '../parser/line-memo';
import type { RuleLineStretch } from '../parser/check-lines';
import { parseInput, readInput } from '../read-input';
import { RuleLineCheck } from './rule-line-check';
import { BUILTIN_CHAINS, isTableName, parseDump, type LineStretch, type ParseOptions, type ParseResult } from '../parser/parse-dump';

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
 * such a chain cannot differ in meaning, so its rules are kept out of both trees and its lines
 * are only checked, once, in `before` (on a worker thread for a large file, while the rest is
 * parsed). A user chain declared alike on both sides is then left out of both trees whole; a
 * built-in chain keeps its declaration, where `diffDumps` finds its policy and no rules. Every
 * other chain is read as usual, and the diagnostics are those of a full parse of each side. The
 * trees are for diffing only: use `parseDump` for a whole dump.
 *
 * Only plain `iptables-save` output takes that way (a family header, tables of declarations and
 * `-A` lines, with counters or not, one unbroken run of rules per chain); anything else is parsed
 * in full, with a shared line memo.
 */
export function parseForDiff(before: DiffInput, after: DiffInput, options: DiffParseOptions = {}): DiffParse {
  const { counters, ...parseOptions } = options;
  const check = RuleLineCheck.start(before.text, before.file);
  const shared = sharedChains(before, after, parseOptions.family, counters !== true);
  if (shared === null) {
    check.cancel();
    return parseBothInFull(before, after, parseOptions);
  }
  check.run(sharedRuleLines(shared.before));
  // The chains that differ still share most of their lines (a long chain with a few edits).
  const memo = new LineMemo();
  const beforeParse = parseDump(before.text, { ...parseOptions, file: before.file, memo, stretches: unreadLines(shared.before) });
  const afterParse = parseDump(after.text, { ...parseOptions, file: after.file, memo, stretches: unreadLines(shared.after) });
  const sharedLineDiagnostics = check.diagnostics();
  addDiagnostics(beforeParse, sharedLineDiagnostics);
  addDiagnostics(afterParse, sharedDiagnostics(sharedLineDiagnostics, shared, after));
  return { before: beforeParse, after: afterParse };
}

function addDiagnostics(parse: ParseResult, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  parse.diagnostics.push(...diagnostics);
  parse.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Reads and parses the two sides of a diff (see `parseForDiff`: the trees are for diffing only). */
export function readDumpPair(beforeFile: string, afterFile: string, options: DiffParseOptions = {}): DiffParse {
  const before = readInput(beforeFile, true);
  const after = readInput(afterFile, true);
  if (before.ok && after.ok) return parseForDiff({ text: before.text, file: beforeFile, asciiBytes: before.asciiBytes }, { text: after.text, file: afterFile, asciiBytes: after.asciiBytes }, options);
  return { before: parseInput(beforeFile, before, { family: options.family }), after: parseInput(afterFile, after, { family: options.family }) };
}

export interface DiffParseOptions extends Pick<ParseOptions, 'family'> {
  /**
   * The diff compares rule counters (`iptables-save -c`): only chains whose lines are the same
   * with their counters are shared. Otherwise lines that differ only in their counters are too.
   */
  counters?: boolean;
}

function parseBothInFull(before: DiffInput, after: DiffInput, options: Pick<ParseOptions, 'family'>): DiffParse {
  const memo = new LineMemo();
  return { before: parseDump(before.text, { ...options, file: before.file, memo }), after: parseDump(after.text, { ...options, file: after.file, memo }) };
}

/**
 * What two saves hold alike, found by a scan of their text: the layout of each side, where the
 * chain blocks both hold word for word (counters aside, unless they count) are partners of each
 * other and marked unread. So are the declarations of user chains alike
 * in both whose rules are such a pair or who have none on either side: such a chain is the same
 * on both sides, and neither tree needs it. Each of these declarations is plain
 * (`:NAME - [packets:bytes]`) and declared once in its table: a parse would find nothing to say
 * about it.
 */
interface SharedChains {
  before: SaveLayout;
  after: SaveLayout;
}

/** What `before` and `after` hold alike; null when either text is not a plain save. */
function sharedChains(before: DiffInput, after: DiffInput, family: Family | undefined, ignoreCounters: boolean): SharedChains | null {
  const beforeUnits = codeUnitsOf(before);
  const beforeLayout = chainSections(before.text, beforeUnits, family, null);
  if (beforeLayout === null) return null;
  const matcher = new BlockMatcher(before.text, beforeUnits, beforeLayout, ignoreCounters);
  const afterLayout = chainSections(after.text, codeUnitsOf(after), family, matcher);
  if (afterLayout === null) return null;
  markSameChains(beforeLayout, afterLayout);
  return { before: beforeLayout, after: afterLayout };
}

/** Marks unread the declarations of chains the same on both sides (see SharedChains). */
function markSameChains(before: SaveLayout, after: SaveLayout): void {
  for (const section of after.sections) {
    const beforeSection = before.sections.find((candidate) => candidate.key === section.key);
    if (beforeSection === undefined || beforeSection.duplicates || hasDuplicates(after, section, beforeSection)) continue;
    for (let declaration = section.firstDeclaration; declaration < section.declarationsEnd; declaration++) {
      if ((after.declarationFlags[declaration] & ALIKE) === 0) continue;
      const counterpart = after.counterpart[declaration];
      const block = after.declarationBlock[declaration];
      const beforeBlock = before.declarationBlock[counterpart];
      if (block < 0 ? beforeBlock < 0 : beforeBlock >= 0 && after.partner[block] === beforeBlock) {
        after.declarationFlags[declaration] |= UNREAD;
        before.declarationFlags[counterpart] |= UNREAD;
      }
    }
  }
}

/** The rule lines of `before`'s shared blocks, adjoining blocks joined. */
function sharedRuleLines(before: SaveLayout): RuleLineStretch[] {
  const stretches: RuleLineStretch[] = [];
  for (const { firstBlock, blocksEnd, family } of before.sections) {
    let last: RuleLineStretch | null = null;
    let lastEnd = -1;
    for (let block = firstBlock; block < blocksEnd; block++) {
      if ((before.blockFlags[block] & UNREAD) === 0) continue;
      if (last !== null && lastEnd === before.blockStart[block]) {
        last.lineCount += before.blockLines[block];
      } else {
        last = { firstLine: before.blockLine[block], lineCount: before.blockLines[block], start: before.blockStart[block], family };
        stretches.push(last);
      }
      lastEnd = before.blockEnd[block];
    }
  }
  return stretches;
}

/** Whether `section` of `after` declares a chain twice; the same answer as for `before` when it declares the same names in the same order. */
function hasDuplicates(after: SaveLayout, section: ChainSection, beforeSection: ChainSection): boolean {
  const count = section.declarationsEnd - section.firstDeclaration;
  if (count === beforeSection.declarationsEnd - beforeSection.firstDeclaration) {
    let inStep = true;
    for (let offset = 0; offset < count && inStep; offset++) inStep = after.counterpart[section.firstDeclaration + offset] === beforeSection.firstDeclaration + offset;
    if (inStep) return beforeSection.duplicates;
  }
  return declaresTwice(after, section);
}

/** Whether the section declares a name twice, in one native pass over its names. */
function declaresTwice(layout: SaveLayout, section: ChainSection): boolean {
  return new Set(layout.names.slice(section.firstDeclaration, section.declarationsEnd)).size !== section.declarationsEnd - section.firstDeclaration;
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

/** The lines of one side that the parse passes over, adjoining ones joined, in line order: its blocks and declarations marked unread. */
function unreadLines(layout: SaveLayout): LineStretch[] {
  const stretches = new StretchList();
  for (const { firstDeclaration, declarationsEnd, firstBlock, blocksEnd } of layout.sections) {
    // A save declares a table's chains before its rules; otherwise the two, each in line order, are merged.
    const declaredFirst = declarationsEnd === firstDeclaration || blocksEnd === firstBlock || layout.declarationLine[declarationsEnd - 1] < layout.blockLine[firstBlock];
    let block = firstBlock;
    for (let declaration = firstDeclaration; declaration < declarationsEnd; declaration++) {
      if (!declaredFirst) for (; block < blocksEnd && layout.blockLine[block] < layout.declarationLine[declaration]; block++) stretches.addBlock(layout, block);
      if ((layout.declarationFlags[declaration] & UNREAD) !== 0) stretches.add(layout.declarationLine[declaration], 1, layout.declarationStart[declaration], layout.declarationEnd[declaration]);
    }
    for (; block < blocksEnd; block++) stretches.addBlock(layout, block);
  }
  return stretches.list;
}

/** Stretches of lines in line order, each joined to the one before it when they adjoin. */
class StretchList {
  readonly list: LineStretch[] = [];
  private last: LineStretch | null = null;

  add(firstLine: number, lineCount: number, start: number, end: number): void {
    const last = this.last;
    if (last !== null && last.end === start) {
      last.lineCount += lineCount;
      last.end = end;
    } else {
      this.last = { firstLine, lineCount, start, end };
      this.list.push(this.last);
    }
  }

  addBlock(layout: SaveLayout, block: number): void {
    if ((layout.blockFlags[block] & UNREAD) !== 0) this.add(layout.blockLine[block], layout.blockLines[block], layout.blockStart[block], layout.blockEnd[block]);
  }
}

/**
 * The diagnostics of `before` on lines of shared blocks, moved to the same lines in `after`, and
 * where the counters before a line differ in length, to the same words of it: a shared line reads
 * as it does in `before` (its counters aside).
 */
function sharedDiagnostics(diagnostics: readonly Diagnostic[], shared: SharedChains, after: DiffInput): Diagnostic[] {
  const moved: Diagnostic[] = [];
  const layout = shared.after;
  for (const diagnostic of diagnostics) {
    const beforeBlock = pairedBlockHolding(shared.before, diagnostic.line - 1);
    if (beforeBlock < 0) continue;
    const block = shared.before.partner[beforeBlock];
    const offset = diagnostic.line - 1 - shared.before.blockLine[beforeBlock];
    const here = { ...diagnostic, file: after.file, line: layout.blockLine[block] + offset + 1 };
    if ((layout.blockFlags[block] & EXACT) === 0) {
      const source = lineOfBlock(after.text, layout.blockStart[block], offset);
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

/** The text of the line `offset` lines (counted from 0) into the block that starts at `start`. */
function lineOfBlock(text: string, start: number, offset: number): string {
  let at = start;
  for (let line = 0; line < offset; line++) at = text.indexOf('\n', at) + 1;
  const newline = text.indexOf('\n', at);
  return text.slice(at, newline < 0 ? text.length : newline);
}

const COUNTER_PREFIX = /^\[\d+:\d+\] /;

function counterPrefixLength(line: string): number {
  return COUNTER_PREFIX.exec(line)?.[0].length ?? 0;
}

/** The block of `before` with a partner in `after` that holds the 0-based line, by binary search over its blocks in line order; -1 when none does. */
function pairedBlockHolding(before: SaveLayout, lineIndex: number): number {
  let low = 0;
  let high = before.blockCount;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (before.blockLine[middle] <= lineIndex) low = middle + 1;
    else high = middle;
  }
  const block = low - 1;
  return block >= 0 && before.partner[block] >= 0 && lineIndex < before.blockLine[block] + before.blockLines[block] ? block : -1;
}

/** Flags of a declaration: a user chain declared plainly, `:NAME - [packets:bytes]`, with a name the parser takes as it is. */
const PLAIN = 1;
/** In `after`: plain, and alike the declaration of the same name in `before` (counters aside, unless they count). */
const ALIKE = 2;
/** Of a declaration or a block: the parse passes over it (a shared block's lines are checked apart). */
const UNREAD = 4;
/** Of a block of `after`: the same text as its block in `before`, counters included. */
const EXACT = 8;

/**
 * One save's chain declarations and runs of rules (blocks), as columns in file order: a
 * kube-proxy save holds tens of thousands of each, and an object apiece cost its scan a third of
 * its time, in allocation and garbage collection.
 */
class SaveLayout {
  readonly sections: ChainSection[] = [];
  /** Per declaration: the chain's name (which stands one character after the line's start), the line's 0-based index, where it starts and where the next line does. */
  readonly names: string[] = [];
  declarationLine = new Int32Array(INITIAL_CAPACITY);
  declarationStart = new Int32Array(INITIAL_CAPACITY);
  declarationEnd = new Int32Array(INITIAL_CAPACITY);
  /** PLAIN, ALIKE, UNREAD. */
  declarationFlags = new Int32Array(INITIAL_CAPACITY);
  /** The chain's block, -1 when it has none. */
  declarationBlock = new Int32Array(INITIAL_CAPACITY);
  /** In `after`: the declaration of the same name in `before`, -1 when there is none. */
  counterpart = new Int32Array(INITIAL_CAPACITY);
  /** How many blocks there are; per block: the declaration of its chain, its first line's 0-based index, its number of lines, where it starts and where the line after it starts. */
  blockCount = 0;
  blockDeclaration = new Int32Array(INITIAL_CAPACITY);
  blockLine = new Int32Array(INITIAL_CAPACITY);
  blockLines = new Int32Array(INITIAL_CAPACITY);
  blockStart = new Int32Array(INITIAL_CAPACITY);
  blockEnd = new Int32Array(INITIAL_CAPACITY);
  /** UNREAD, EXACT. */
  blockFlags = new Int32Array(INITIAL_CAPACITY);
  /** The block of the other side this one is word for word (see BlockMatcher), -1 when none is. */
  partner = new Int32Array(INITIAL_CAPACITY);

  addDeclaration(name: string, line: number, start: number, end: number, plain: boolean): number {
    const declaration = this.names.length;
    if (declaration === this.declarationLine.length) this.growDeclarations();
    this.names.push(name);
    this.declarationLine[declaration] = line;
    this.declarationStart[declaration] = start;
    this.declarationEnd[declaration] = end;
    this.declarationFlags[declaration] = plain ? PLAIN : 0;
    this.declarationBlock[declaration] = -1;
    this.counterpart[declaration] = -1;
    return declaration;
  }

  addBlock(declaration: number, line: number, lineCount: number, start: number, end: number, partner: number, flags: number): number {
    const block = this.blockCount++;
    if (block === this.blockLine.length) this.growBlocks();
    this.blockDeclaration[block] = declaration;
    this.blockLine[block] = line;
    this.blockLines[block] = lineCount;
    this.blockStart[block] = start;
    this.blockEnd[block] = end;
    this.blockFlags[block] = flags;
    this.partner[block] = partner;
    this.declarationBlock[declaration] = block;
    return block;
  }

  private growDeclarations(): void {
    this.declarationLine = doubled(this.declarationLine);
    this.declarationStart = doubled(this.declarationStart);
    this.declarationEnd = doubled(this.declarationEnd);
    this.declarationFlags = doubled(this.declarationFlags);
    this.declarationBlock = doubled(this.declarationBlock);
    this.counterpart = doubled(this.counterpart);
  }

  private growBlocks(): void {
    this.blockDeclaration = doubled(this.blockDeclaration);
    this.blockLine = doubled(this.blockLine);
    this.blockLines = doubled(this.blockLines);
    this.blockStart = doubled(this.blockStart);
    this.blockEnd = doubled(this.blockEnd);
    this.blockFlags = doubled(this.blockFlags);
    this.partner = doubled(this.partner);
  }
}

/** Columns start small and double: a file is at most a gigabyte, so every position fits 32 bits. */
const INITIAL_CAPACITY = 256;

function doubled(column: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(column.length * 2);
  grown.set(column);
  return grown;
}

/** One table of one family in a save: its declarations and blocks, by index in the layout, from the first up to the end (exclusive). */
interface ChainSection {
  key: string;
  family: Family;
  table: TableName;
  firstDeclaration: number;
  declarationsEnd: number;
  firstBlock: number;
  blocksEnd: number;
  /** Whether a chain is declared twice; known for `before` only (see hasDuplicates). */
  duplicates: boolean;
  /** In `before`, where each name is (last) declared, made when `after` first looks a name up: two saves of one host mostly list their chains in the same order. */
  declarationIndex: Map<string, number> | null;
}

function declarationIndexOf(section: ChainSection, layout: SaveLayout): Map<string, number> {
  if (section.declarationIndex === null) {
    const index = new Map<string, number>();
    for (let declaration = section.firstDeclaration; declaration < section.declarationsEnd; declaration++) index.set(layout.names[declaration], declaration);
    section.declarationIndex = index;
  }
  return section.declarationIndex;
}

/**
 * While `after` is scanned, each of its declarations' counterpart in `before`, and the block of
 * `before` that each of its chains' blocks starts with, word for word: such a block is taken
 * whole, its lines not looked at one by one. Two saves of one host declare their chains in the
 * same order, so the declarations of `before` are walked side by side with the scan; names are
 * looked up only where the orders part, and a block is found through its chain's counterpart.
 */
class BlockMatcher {
  /** Where the block of `after` that `match` last found ends, and whether it is the same text, counters included. */
  end = 0;
  exact = false;
  private section: ChainSection | null = null;
  private declarationCursor = 0;

  constructor(
    private readonly beforeText: string,
    private readonly beforeUnits: CodeUnits,
    readonly before: SaveLayout,
    private readonly ignoreCounters: boolean,
  ) {}

  enterSection(key: string): void {
    this.section = this.before.sections.find((section) => section.key === key) ?? null;
    this.declarationCursor = this.section?.firstDeclaration ?? 0;
  }

  /**
   * When `text` declares at `start` the chains of `before`'s section word for word, adds those
   * declarations to `after`'s layout as their counterparts' copies and gives their number; else 0.
   * Two saves of one host mostly declare the same chains.
   */
  copySameDeclarations(after: SaveLayout, text: string, start: number, line: number): number {
    const section = this.section;
    if (section === null || this.declarationCursor !== section.firstDeclaration) return 0;
    const { firstDeclaration: first, declarationsEnd: end } = section;
    const before = this.before;
    // One unbroken run of whole declaration lines in `before`, and the same text in `after`.
    if (end === first || before.declarationLine[end - 1] - before.declarationLine[first] !== end - 1 - first) return 0;
    const from = before.declarationStart[first];
    const length = before.declarationEnd[end - 1] - from;
    if (start + length > text.length || this.beforeText.charCodeAt(from + length - 1) !== 10 || this.beforeText.slice(from, from + length) !== text.slice(start, start + length)) return 0;
    for (let counterpart = first; counterpart < end; counterpart++) {
      const offset = before.declarationStart[counterpart] - from;
      const plain = (before.declarationFlags[counterpart] & PLAIN) !== 0;
      const declaration = after.addDeclaration(before.names[counterpart], line + counterpart - first, start + offset, start + before.declarationEnd[counterpart] - from, plain);
      after.counterpart[declaration] = counterpart;
      if (plain) after.declarationFlags[declaration] |= ALIKE;
    }
    this.declarationCursor = end;
    return end - first;
  }

  /** Gives a declaration of `after` its counterpart in `before`, walking `before`'s declarations side by side with the scan. */
  pairDeclaration(after: SaveLayout, declaration: number, text: string): void {
    const section = this.section;
    if (section === null) return;
    const before = this.before;
    const name = after.names[declaration];
    let counterpart = this.declarationCursor;
    if (counterpart >= section.declarationsEnd || before.names[counterpart] !== name) {
      const found = declarationIndexOf(section, before).get(name);
      if (found === undefined) return;
      counterpart = found;
    }
    this.declarationCursor = counterpart + 1;
    after.counterpart[declaration] = counterpart;
    // Two plain declarations of one name differ at most in their counters.
    const plain = (after.declarationFlags[declaration] & PLAIN) !== 0 && (before.declarationFlags[counterpart] & PLAIN) !== 0;
    if (plain && (this.ignoreCounters || this.beforeText.slice(before.declarationStart[counterpart], before.declarationEnd[counterpart]) === text.slice(after.declarationStart[declaration], after.declarationEnd[declaration]))) {
      after.declarationFlags[declaration] |= ALIKE;
    }
  }

  /**
   * The block of `before`'s declaration `counterpart` (-1 for none) when `text` holds its lines at
   * `start` (counters aside, when they are ignored); -1 otherwise. `end` is then where those lines
   * end in `text`.
   */
  match(counterpart: number, text: string, units: CodeUnits, start: number): number {
    if (counterpart < 0) return -1;
    const before = this.before;
    const block = before.declarationBlock[counterpart];
    if (block < 0) return -1;
    const from = before.blockStart[block];
    const end = start + before.blockEnd[block] - from;
    // Slices compare natively, several times faster than a loop over the characters; the block must end where a line ends on both sides.
    if (end <= text.length && this.beforeText.slice(from, before.blockEnd[block]) === text.slice(start, end) && (end === text.length || text.charCodeAt(end - 1) === 10)) {
      this.end = end;
      this.exact = true;
      return block;
    }
    // Lines without counters that differ in text differ.
    if (!this.ignoreCounters || ruleAt(this.beforeUnits, from) === from) return -1;
    const linesEnd = this.sameButCounters(block, text, units, start);
    if (linesEnd < 0) return -1;
    this.end = linesEnd;
    this.exact = false;
    return block;
  }

  /** Where the lines at `start` end when, line by line, they are the block's but for their counters; -1 otherwise. */
  private sameButCounters(block: number, text: string, units: CodeUnits, start: number): number {
    const { beforeText, beforeUnits } = this;
    let at = start;
    let from = this.before.blockStart[block];
    for (let line = 0; line < this.before.blockLines[block]; line++) {
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
 * The chain declarations and blocks of a plain save, per family and table, or null when the text
 * is anything else: restore commands, counters other than `[packets:bytes] ` before a rule (as
 * `iptables-save -c` writes them), CRLF or NUL, a table opened twice, a table before any family
 * header, rules that do not follow the order of the chain declarations one chain at a time (as
 * iptables-save writes them), so that no chain's rules are split up.
 */
function chainSections(text: string, units: CodeUnits, fixedFamily: Family | undefined, matcher: BlockMatcher | null): SaveLayout | null {
  if (text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0 || text.charCodeAt(0) === 0xfeff) return null;
  const layout = new SaveLayout();
  const scanner = new SaveScanner(text, units, layout, matcher);
  let family: Family | null = fixedFamily ?? null;
  while (scanner.start < text.length) {
    const start = scanner.start;
    const first = units[start];
    if (first === 45 /* - */ || first === 91 /* [ */ || first === 58 /* : */) {
      if (scanner.section === null) return null;
      if (first === 58) scanner.readDeclarations();
      else if (!scanner.readBlocks()) return null;
      continue;
    }
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (first === 42 /* * */) {
      const table = text.slice(start + 1, end);
      const key = `${family} ${table}`;
      if (scanner.section !== null || family === null || !isTableName(table) || layout.sections.some((other) => other.key === key)) return null;
      const declarations = layout.names.length;
      const blocks = layout.blockCount;
      const section: ChainSection = { key, family, table, firstDeclaration: declarations, declarationsEnd: declarations, firstBlock: blocks, blocksEnd: blocks, duplicates: false, declarationIndex: null };
      layout.sections.push(section);
      scanner.enterSection(section);
    } else if (first === 35 /* # */) {
      const header = text.startsWith('# Generated by ', start) ? HEADER_PATTERN.exec(text.slice(start, end)) : null;
      if (header !== null && fixedFamily === undefined) {
        family = headerFamily(header[1]);
        if (family === null) return null;
      }
    } else if (end - start === 6 && text.startsWith('COMMIT', start)) {
      if (scanner.section === null) return null;
      scanner.section = null;
    } else if (end !== start) {
      return null;
    }
    scanner.start = newline < 0 ? text.length : newline + 1;
    scanner.line++;
  }
  return scanner.section === null ? layout : null;
}

/**
 * Where the scan of one save stands, and its runs of declarations and of rules. Each run is read
 * by a loop of its own, kept small: a cold run of the CLI spends nearly all its lines in them, and
 * V8 optimises a small loop far sooner than a large one.
 */
class SaveScanner {
  /** Where the next line starts, and its 0-based index. */
  start = 0;
  line = 0;
  section: ChainSection | null = null;
  private nextDeclared = 0;

  constructor(
    private readonly text: string,
    private readonly units: CodeUnits,
    private readonly layout: SaveLayout,
    private readonly matcher: BlockMatcher | null,
  ) {}

  enterSection(section: ChainSection): void {
    this.section = section;
    this.nextDeclared = section.firstDeclaration;
    this.matcher?.enterSection(section.key);
  }

  /** Reads the chain declarations (`:` lines) from `start` on. */
  readDeclarations(): void {
    const { text, units, layout, matcher } = this;
    const section = this.section!;
    const builtin = BUILTIN_CHAINS[section.table];
    let start = this.start;
    let line = this.line;
    if (matcher !== null && section.firstDeclaration === layout.names.length) {
      const copied = matcher.copySameDeclarations(layout, text, start, line);
      if (copied > 0) {
        line += copied;
        start = layout.declarationEnd[layout.names.length - 1];
      }
    }
    while (start < text.length && units[start] === 58 /* : */) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      const blank = text.indexOf(' ', start);
      const nameEnd = blank < 0 || blank > end ? end : blank;
      const name = text.slice(start + 1, nameEnd);
      const plain = isPlainDeclaration(units, start, nameEnd, end) && !builtin.includes(name);
      const lineEnd = newline < 0 ? text.length : newline + 1;
      const declaration = layout.addDeclaration(name, line, start, lineEnd, plain);
      matcher?.pairDeclaration(layout, declaration, text);
      start = lineEnd;
      line++;
    }
    section.declarationsEnd = layout.names.length;
    if (matcher === null) section.duplicates = declaresTwice(layout, section);
    this.start = start;
    this.line = line;
  }

  /** Reads the rule lines from `start` on, block by block; false when a rule is not of a chain declared after the last one's. */
  readBlocks(): boolean {
    const { text, units, layout, matcher } = this;
    const section = this.section!;
    const declared = layout.names.length;
    let start = this.start;
    let line = this.line;
    while (start < text.length && (units[start] === 45 /* - */ || units[start] === 91) /* [ */) {
      let next = this.nextDeclared;
      while (next < declared && !isRuleOf(units, start, layout.declarationStart[next] + 1, layout.names[next].length)) next++;
      if (next === declared) return false;
      this.nextDeclared = next + 1;
      const name = layout.names[next];
      const nameAt = layout.declarationStart[next] + 1;
      const same = matcher === null ? -1 : matcher.match(layout.counterpart[next], text, units, start);
      // A block of `before` holds the chain's whole run only when the line after it is another chain's.
      const whole = same >= 0 && !isRuleOf(units, matcher!.end, nameAt, name.length);
      const end = whole ? matcher!.end : rulesEnd(text, units, start, name, nameAt);
      const lineCount = whole ? matcher!.before.blockLines[same] : runLines;
      const block = layout.addBlock(next, line, lineCount, start, end, whole ? same : -1, whole ? UNREAD | (matcher!.exact ? EXACT : 0) : 0);
      if (whole) {
        matcher!.before.blockFlags[same] |= UNREAD;
        matcher!.before.partner[same] = block;
      }
      line += lineCount;
      start = end;
    }
    section.blocksEnd = layout.blockCount;
    this.start = start;
    this.line = line;
    return true;
  }
}

/** Where the `-A` of the line at `start` stands: there, or after counters (`[packets:bytes] `); -1 for counters of another form. */
function ruleAt(units: CodeUnits, start: number): number {
  if (units[start] !== 91 /* [ */) return start;
  const end = countersEnd(units, start);
  return end >= 0 && units[end] === 32 ? end + 1 : -1;
}

/** Just past the counters `[packets:bytes]` at `start`; -1 when there are none there. */
function countersEnd(units: CodeUnits, start: number): number {
  if (units[start] !== 91 /* [ */) return -1;
  let at = start + 1;
  while (units[at] >= 48 && units[at] <= 57) at++;
  if (at === start + 1 || units[at] !== 58 /* : */) return -1;
  const bytes = ++at;
  while (units[at] >= 48 && units[at] <= 57) at++;
  return at > bytes && units[at] === 93 /* ] */ ? at + 1 : -1;
}

/** Longer names are left to the parser, whose line length limit they may reach. */
const MAX_PLAIN_NAME = 1000;

/**
 * Whether the line from `start` to `end` is `:NAME - [packets:bytes]`, single-spaced, with a name
 * that holds no quote or tab and does not start like an option: the parser reads such a line
 * without a word to say (a built-in chain's name aside, which the caller rules out).
 */
function isPlainDeclaration(units: CodeUnits, start: number, nameEnd: number, end: number): boolean {
  if (nameEnd === start + 1 || nameEnd === end || nameEnd - start > MAX_PLAIN_NAME) return false;
  if (units[start + 1] === 45 /* - */ || units[start + 1] === 33 /* ! */) return false;
  for (let at = start + 1; at < nameEnd; at++) if (units[at] === 34 /* " */ || units[at] === 9) return false;
  return units[nameEnd + 1] === 45 && units[nameEnd + 2] === 32 && countersEnd(units, nameEnd + 3) === end;
}

/** Whether the line at `start` appends to the chain whose name stands at `name` in the same text: `-A chain …`, after counters or not. */
function isRuleOf(units: CodeUnits, start: number, name: number, length: number): boolean {
  const rule = ruleAt(units, start);
  if (rule < 0 || units[rule] !== 45 || units[rule + 1] !== 65 || units[rule + 2] !== 32 || units[rule + 3 + length] !== 32) return false;
  const at = rule + 3;
  for (let index = 0; index < length; index++) if (units[at + index] !== units[name + index]) return false;
  return true;
}

/** The lines `rulesEnd` last passed over. */
let runLines = 0;

/**
 * Where the run of the chain's rule lines starting at `start` ends (its name stands at `name`);
 * `runLines` is then their number. Lines without counters are compared by `startsWith`, not code
 * unit by code unit: a cold run spends most of the scan here, and a native comparison is fast
 * before V8 has optimised anything.
 */
function rulesEnd(text: string, units: CodeUnits, start: number, chain: string, name: number): number {
  const prefix = `-A ${chain} `;
  let lines = 0;
  let at = start;
  while (at < text.length && (units[at] === 91 /* [ */ ? isRuleOf(units, at, name, chain.length) : text.startsWith(prefix, at))) {
    at = lineAfter(text, at);
    lines++;
  }
  runLines = lines;
  return at;
}
