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
  const { pairs } = shared;
  check.run(sharedRuleLines(shared.before));
  // The chains that differ still share most of their lines (a long chain with a few edits).
  const memo = new LineMemo();
  const beforeParse = parseDump(before.text, { ...parseOptions, file: before.file, memo, stretches: unreadLines(shared.before) });
  const afterParse = parseDump(after.text, { ...parseOptions, file: after.file, memo, stretches: unreadLines(shared.after) });
  const sharedLineDiagnostics = check.diagnostics();
  addDiagnostics(beforeParse, sharedLineDiagnostics);
  addDiagnostics(afterParse, sharedDiagnostics(sharedLineDiagnostics, pairs, after));
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

/** Two blocks of one chain of a family; `exact` when their text is the same, counters included. */
type BlockPair = { before: ChainBlock; after: ChainBlock; exact: boolean; family: Family };

function parseBothInFull(before: DiffInput, after: DiffInput, options: Pick<ParseOptions, 'family'>): DiffParse {
  const memo = new LineMemo();
  return { before: parseDump(before.text, { ...options, file: before.file, memo }), after: parseDump(after.text, { ...options, file: after.file, memo }) };
}

/**
 * What two saves hold alike, found by a scan of their text: the chain blocks both hold word for
 * word (counters aside, unless they count), paired, in the order of `before`, and the sections of
 * each side, where those blocks are marked unread. So are the declarations of user chains alike
 * in both whose rules are such a pair or who have none on either side: such a chain is the same
 * on both sides, and neither tree needs it. Each of these declarations is plain
 * (`:NAME - [packets:bytes]`) and declared once in its table: a parse would find nothing to say
 * about it.
 */
interface SharedChains {
  pairs: BlockPair[];
  before: ChainSection[];
  after: ChainSection[];
}

/** What `before` and `after` hold alike; null when either text is not a plain save. */
function sharedChains(before: DiffInput, after: DiffInput, family: Family | undefined, ignoreCounters: boolean): SharedChains | null {
  const beforeUnits = codeUnitsOf(before);
  const beforeSections = chainSections(before.text, beforeUnits, family, null);
  if (beforeSections === null) return null;
  const matcher = new BlockMatcher(before.text, beforeUnits, beforeSections, ignoreCounters);
  const afterSections = chainSections(after.text, codeUnitsOf(after), family, matcher);
  if (afterSections === null) return null;
  markSameChains(beforeSections, afterSections);
  return { pairs: matcher.pairs.sort((a, b) => a.before.firstLine - b.before.firstLine), before: beforeSections, after: afterSections };
}

/** Marks unread the declarations of chains the same on both sides (see SharedChains). */
function markSameChains(beforeSections: readonly ChainSection[], afterSections: readonly ChainSection[]): void {
  for (const section of afterSections) {
    const beforeSection = beforeSections.find((candidate) => candidate.key === section.key);
    if (beforeSection === undefined || beforeSection.duplicates || hasDuplicates(section, beforeSection)) continue;
    for (const declaration of section.declarations) {
      const counterpart = declaration.alike ? declaration.counterpart : null;
      if (counterpart === null) continue;
      const block = declaration.block;
      if (block === null ? counterpart.block === null : block.shared !== null && block.shared === counterpart.block) {
        declaration.unread = true;
        counterpart.unread = true;
      }
    }
  }
}

/** The rule lines of `before`'s shared blocks, adjoining blocks joined. */
function sharedRuleLines(sections: readonly ChainSection[]): RuleLineStretch[] {
  const stretches: RuleLineStretch[] = [];
  for (const { blocks, family } of sections) {
    let last: RuleLineStretch | null = null;
    let lastEnd = -1;
    for (const block of blocks) {
      if (!block.unread) continue;
      if (last !== null && lastEnd === block.start) {
        last.lineCount += block.lineCount;
      } else {
        last = { firstLine: block.firstLine, lineCount: block.lineCount, start: block.start, family };
        stretches.push(last);
      }
      lastEnd = block.end;
    }
  }
  return stretches;
}

/** Whether `section` of `after` declares a chain twice; the same answer as for `before` when it declares the same names in the same order. */
function hasDuplicates(section: ChainSection, beforeSection: ChainSection): boolean {
  const names = section.declarations;
  if (names.length === beforeSection.declarations.length && names.every((declaration, index) => declaration.counterpart === beforeSection.declarations[index])) return beforeSection.duplicates;
  return new Set(names.map((declaration) => declaration.name)).size !== names.length;
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
function unreadLines(sections: readonly ChainSection[]): LineStretch[] {
  const stretches: LineStretch[] = [];
  const add = (firstLine: number, lineCount: number, start: number, end: number): void => {
    const last = stretches.length > 0 ? stretches[stretches.length - 1] : null;
    if (last !== null && last.end === start) {
      last.lineCount += lineCount;
      last.end = end;
    } else {
      stretches.push({ firstLine, lineCount, start, end });
    }
  };
  for (const { declarations, blocks } of sections) {
    // Both in line order: merged, not sorted.
    let next = 0;
    for (const block of blocks) {
      for (; next < declarations.length && declarations[next].line < block.firstLine; next++) {
        const declaration = declarations[next];
        if (declaration.unread) add(declaration.line, 1, declaration.lineStart, declaration.lineEnd);
      }
      if (block.unread) add(block.firstLine, block.lineCount, block.start, block.end);
    }
    for (; next < declarations.length; next++) {
      const declaration = declarations[next];
      if (declaration.unread) add(declaration.line, 1, declaration.lineStart, declaration.lineEnd);
    }
  }
  return stretches;
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
  /** Where it stands among its section's blocks. */
  index: number;
  /** In `after`, the block of `before` this one is word for word (see BlockMatcher); null when none is. */
  shared: ChainBlock | null;
  /** Left to the check of shared lines, unread by the parse: a block of a shared pair. */
  unread: boolean;
}

/** The chain declarations and blocks of one table of one family, in file order. */
interface ChainSection {
  key: string;
  family: Family;
  table: TableName;
  declarations: Declaration[];
  blocks: ChainBlock[];
  /** Whether a chain is declared twice; known for `before` only (see hasDuplicates). */
  duplicates: boolean;
  /** In `before`, where each name is declared, for `after` to find its declarations' counterparts. */
  declarationIndex: Map<string, number> | null;
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
  private section: ChainSection | null = null;
  private declarationCursor = 0;

  constructor(
    private readonly beforeText: string,
    private readonly beforeUnits: CodeUnits,
    private readonly beforeSections: readonly ChainSection[],
    private readonly ignoreCounters: boolean,
  ) {}

  enterSection(key: string): void {
    this.section = this.beforeSections.find((section) => section.key === key) ?? null;
    this.blocks = this.section?.blocks ?? [];
    this.cursor = 0;
    this.declarationCursor = 0;
  }

  /** Gives a declaration of `after` its counterpart in `before`, walking `before`'s declarations side by side as `match` walks its blocks. */
  pairDeclaration(declaration: Declaration, text: string): void {
    if (this.section === null) return;
    const declarations = this.section.declarations;
    let index = this.declarationCursor;
    if (index >= declarations.length || declarations[index].name !== declaration.name) {
      const found = this.section.declarationIndex!.get(declaration.name);
      if (found === undefined) return;
      index = found;
    }
    this.declarationCursor = index + 1;
    const counterpart = declarations[index];
    declaration.counterpart = counterpart;
    // Two plain declarations of one name differ at most in their counters.
    declaration.alike = declaration.plain && counterpart.plain && (this.ignoreCounters || this.beforeText.slice(counterpart.lineStart, counterpart.lineEnd) === text.slice(declaration.lineStart, declaration.lineEnd));
  }

  /**
   * The block of `before` for `chain` when `text` holds its lines at `start` (counters aside, when
   * they are ignored); null otherwise. `end` is then where those lines end in `text`.
   */
  match(chain: string, text: string, units: CodeUnits, start: number): ChainBlock | null {
    const blocks = this.blocks;
    if (this.cursor >= blocks.length || blocks[this.cursor].chain !== chain) {
      if (this.section === null) return null;
      const declaration = this.section.declarations[this.section.declarationIndex!.get(chain) ?? -1];
      if (declaration?.block == null) return null;
      this.cursor = declaration.block.index;
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
  const scanner = new SaveScanner(text, units, matcher);
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
      if (scanner.section !== null || family === null || !isTableName(table) || sections.some((other) => other.key === key)) return null;
      const section: ChainSection = { key, family, table, declarations: [], blocks: [], duplicates: false, declarationIndex: matcher === null ? new Map() : null };
      sections.push(section);
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
  return scanner.section === null ? sections : null;
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
    private readonly matcher: BlockMatcher | null,
  ) {}

  enterSection(section: ChainSection): void {
    this.section = section;
    this.nextDeclared = 0;
    this.matcher?.enterSection(section.key);
  }

  /** Reads the chain declarations (`:` lines) from `start` on. */
  readDeclarations(): void {
    const { text, units, matcher } = this;
    const section = this.section!;
    const builtin = BUILTIN_CHAINS[section.table];
    const declarations = section.declarations;
    let start = this.start;
    let line = this.line;
    while (start < text.length && units[start] === 58 /* : */) {
      const newline = text.indexOf('\n', start);
      const end = newline < 0 ? text.length : newline;
      const blank = text.indexOf(' ', start);
      const nameEnd = blank < 0 || blank > end ? end : blank;
      const name = text.slice(start + 1, nameEnd);
      const plain = isPlainDeclaration(units, start, nameEnd, end) && !builtin.includes(name);
      const lineEnd = newline < 0 ? text.length : newline + 1;
      const declaration: Declaration = { name, start: start + 1, length: nameEnd - start - 1, line, lineStart: start, lineEnd, plain, block: null, counterpart: null, alike: false, unread: false };
      if (matcher !== null) {
        matcher.pairDeclaration(declaration, text);
      } else {
        // One map operation, not two: a name declared again leaves the size as it was.
        const index = section.declarationIndex!;
        const known = index.size;
        if (index.set(name, declarations.length).size === known) section.duplicates = true;
      }
      declarations.push(declaration);
      start = lineEnd;
      line++;
    }
    this.start = start;
    this.line = line;
  }

  /** Reads the rule lines from `start` on, block by block; false when a rule is not of a chain declared after the last one's. */
  readBlocks(): boolean {
    const { text, units, matcher } = this;
    const section = this.section!;
    const declared = section.declarations;
    let start = this.start;
    let line = this.line;
    while (start < text.length && (units[start] === 45 /* - */ || units[start] === 91) /* [ */) {
      let next = this.nextDeclared;
      while (next < declared.length && !isRuleOf(units, start, declared[next])) next++;
      if (next === declared.length) return false;
      this.nextDeclared = next + 1;
      const declaration = declared[next];
      const same = matcher?.match(declaration.name, text, units, start) ?? null;
      // A block of `before` holds the chain's whole run only when the line after it is another chain's.
      const whole = same !== null && !isRuleOf(units, matcher!.end, declaration);
      const end = whole ? matcher!.end : rulesEnd(text, units, start, declaration);
      const lineCount = whole ? same.lineCount : runLines;
      const block: ChainBlock = { chain: declaration.name, firstLine: line, lineCount, start, end, index: section.blocks.length, shared: whole ? same : null, unread: whole };
      section.blocks.push(block);
      declaration.block = block;
      if (whole) {
        same.unread = true;
        matcher!.pairs.push({ before: same, after: block, exact: matcher!.exact, family: section.family });
      }
      line += lineCount;
      start = end;
    }
    this.start = start;
    this.line = line;
    return true;
  }
}

/** A chain declared in a table of a save. */
interface Declaration {
  name: string;
  /** Where the name stands in the text. */
  start: number;
  length: number;
  /** The line's 0-based index, where it starts, and where the line after it starts. */
  line: number;
  lineStart: number;
  lineEnd: number;
  /** A user chain declared plainly, `:NAME - [packets:bytes]`, with a name the parser takes as it is. */
  plain: boolean;
  /** The chain's block of rules; null when it has none. */
  block: ChainBlock | null;
  /** In `after`: the declaration of the same name in `before`, and whether both are plain and alike (counters aside, unless they count). */
  counterpart: Declaration | null;
  alike: boolean;
  /** Unread by the parse: the chain is the same on both sides. */
  unread: boolean;
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
 * Where the run of the chain's rule lines starting at `start` ends; `runLines` is then their
 * number. Lines without counters are compared by `startsWith`, not code unit by code unit: a
 * cold run spends most of the scan here, and a native comparison is fast before V8 has
 * optimised anything.
 */
function rulesEnd(text: string, units: CodeUnits, start: number, chain: Declaration): number {
  const prefix = `-A ${chain.name} `;
  let lines = 0;
  let at = start;
  while (at < text.length && (units[at] === 91 /* [ */ ? isRuleOf(units, at, chain) : text.startsWith(prefix, at))) {
    at = lineAfter(text, at);
    lines++;
  }
  runLines = lines;
  return at;
}
