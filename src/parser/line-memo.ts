import type { Family, Rule } from '../ast';
import { LazyRule } from './lazy-rule';

/** How far ahead of its cursor the memo looks for a line before it counts a miss. */
const LOOKAHEAD = 8;
/** Misses in a row after which the memo finds its place again by an index of every line. */
const MISSES_BEFORE_INDEX = 4;

/**
 * The clean rule lines of one parse, replayed into the next. The two sides of a diff share
 * nearly all their lines, mostly in the same order: while the second file is read, a cursor
 * follows the first one, and a line equal to the one under the cursor (or a few after it)
 * is taken from the first parse instead of being scanned and checked again. A line's reading
 * depends only on its text and the family, and lines with diagnostics are never kept, so a
 * hit is exact; a miss only costs the full reading.
 */
export class LineMemo {
  private readonly lines: string[] = [];
  private readonly families: Family[] = [];
  private readonly rules: LazyRule[] = [];
  private readonly chainColumns: number[] = [];
  private parses = 0;
  private cursor = 0;
  private misses = 0;
  private index: Map<string, number> | null = null;
  private replayed = 0;

  /** How many lines the parses after the first took from the memo. */
  get hits(): number {
    return this.replayed;
  }

  /** The first parse that uses the memo records into it; the ones after it replay it. */
  beginParse(): void {
    this.parses++;
    this.cursor = 0;
    this.misses = 0;
  }

  remember(line: string, family: Family, rule: Rule, chainColumn: number): void {
    if (this.parses !== 1 || !(rule instanceof LazyRule)) return;
    this.lines.push(line);
    this.families.push(family);
    this.rules.push(rule);
    this.chainColumns.push(chainColumn);
  }

  /** The rule `line` reads as at `lineNumber`, when the recorded parse read the same text clean. */
  ruleAt(line: string, family: Family, lineNumber: number): { rule: LazyRule; chainColumn: number } | null {
    if (this.parses < 2) return null;
    const found = this.find(line, family);
    if (found < 0) return null;
    this.cursor = found + 1;
    this.replayed++;
    return { rule: this.rules[found].movedTo(lineNumber), chainColumn: this.chainColumns[found] };
  }

  private find(line: string, family: Family): number {
    const lines = this.lines;
    const end = Math.min(lines.length, this.cursor + LOOKAHEAD);
    for (let at = this.cursor; at < end; at++) {
      if (lines[at] === line && this.families[at] === family) {
        this.misses = 0;
        return at;
      }
    }
    if (++this.misses < MISSES_BEFORE_INDEX) return -1;
    // Lost (a long insertion, deletion or move): jump to wherever this line was recorded.
    this.index ??= new Map(lines.map((text, at) => [text, at]));
    const at = this.index.get(line);
    if (at === undefined || this.families[at] !== family) return -1;
    this.misses = 0;
    return at;
  }
}
