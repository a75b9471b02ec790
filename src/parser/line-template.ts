import type { Family, ParameterName, Rule, RuleCommand, Target } from '../ast';
import { bracketCounters, buildRule, chainNameProblem, PARAMETER_ORDER } from './build-rule';
import { printedOptionValue, printedParameterValue, printedTargetName, printParameter, printRuleSpec } from '../printer';
import { isOwnMeaning, keepsTargetOption, matchValueMeaning, meaningRule } from '../rule-meaning';
import { PARAMETER_SPELLINGS, type ClassifiedLine } from './classify';
import { isTargetExtension, knownTargetName, targetTypeFor, validateOptionValue } from './extensions';
import type { OptionSpec } from './extension-spec';
import { unquote } from './lexer';
import type { CommandShape } from './line-shape';
import { commentPart, LazyRule, type LineReader, type RuleDetails, type RuleHead, type TargetHead } from './lazy-rule';
import { validateValue } from './values';

/**
 * Most lines of a large dump differ from an earlier line only in their
 * arguments (addresses, ports, comments, chain names). Such a line is
 * classified, parsed and checked the same way except for those arguments, so
 * the first clean line of each kind becomes a template: the next lines of that
 * kind skip the classifier, the grammar and the builder, and only their
 * arguments are checked. A line whose argument fails a check goes the full way,
 * which then reports it exactly.
 */
export interface RuleTemplate {
  /** Per word: its exact text when it decides the classification, else the kind of argument. */
  parts: (string | ArgumentKind)[];
  family: Family;
  command: RuleCommand;
  chainWord: number;
  ruleNumberWord: number;
  countersWord: number;
  onlyFamily: Family | null;
  target: { kind: 'jump' | 'goto'; nameWord: number; column: number } | null;
  checks: ArgumentCheck[];
  /** The line written with single spaces, cut at its arguments; null when a deciding word holds a quote. */
  layout: TemplateLayout | null;
  /** The words of the line's printed parts (see `printedPartsOf`), in the order the rule prints them. */
  printedWords: { word: number; part: (value: string, family: Family) => string }[];
  /** Every match of the line is a known `-m comment` (or there is none). */
  onlyCommentMatches: boolean;
  /** How a line's words tell that its rule prints as it is written and means just that; null when they cannot. */
  writtenSpec: WrittenSpecPlan | null;
  /** How the classifier and the grammar read the template's line, which holds for every line that fits it. */
  reading: { types: ClassifiedLine['types']; slots: ClassifiedLine['slots']; owners: ClassifiedLine['owners']; shape: CommandShape & { prefix: number; counters: number } };
}

/**
 * A template's line as runs of fixed text between its arguments: ` -m comment --comment `
 * is one comparison, not three words to scan. Lines spaced differently take the word scan.
 */
interface TemplateLayout {
  /** The text before each argument, then the text after the last one. */
  runs: string[];
  /** Per argument: its word index, kind, and whether it follows `-j`/`--jump` (where a target's name would decide the reading). */
  argumentWords: number[];
  argumentKinds: ArgumentKind[];
  afterJump: boolean[];
  /** Per deciding word: its word index, the run it is in, and where in the run it starts. */
  literalWords: number[];
  literalRuns: number[];
  literalOffsets: number[];
  literalLengths: number[];
  /** For a line `-A CHAIN …`: the character two after the chain's name (an option's letter), -1 when the layout does not say. */
  afterChain: number;
}

/**
 * A rule prints as written when the template's rules do (their structure is one) and each of its
 * argument words prints as written and keeps its meaning. Whether the template's rules do is
 * found from the first line asked about whose arguments pass: a template is often made during a
 * check that builds no options, so its own line's rule cannot tell.
 */
interface WrittenSpecPlan {
  /** The word after the chain's name, where the specification starts. */
  firstWord: number;
  arguments: { word: number; keeps: (value: string, written: string, family: Family) => boolean }[];
  /** Null until a line's rule has been printed. */
  printsAsWritten: boolean | null;
}

interface ArgumentCheck {
  word: number;
  check: (value: string, family: Family) => string | null;
}

const enum ArgumentKind {
  Text,
  Number,
  Counters,
}

const COUNTERS = /^\[\d+:\d+\]$/;
const MAX_TEMPLATES = 10_000;

const templates = new Map<number, RuleTemplate>();
/** The templates of the last few lines, most recent first: a dump's lines come in runs of a few kinds. */
const recent: RuleTemplate[] = [];
const RECENT_TEMPLATES = 8;

/*
 * The words of the line last scanned, as offsets into it: the template path never builds word
 * objects or substrings for the words it only compares. The scan splits words exactly as the
 * lexer does (blanks separate, double quotes group, a backslash escapes inside quotes).
 */
let wordStarts = new Int32Array(64);
let wordEnds = new Int32Array(64);
let wordQuoted = new Uint8Array(64);
let scannedWords = 0;
/** Per scanned word: LITERAL when its text decides the classification, else its ArgumentKind. */
let scannedKinds = new Int8Array(64);
const LITERAL = -1;

function growScanBuffers(): void {
  const size = wordStarts.length * 2;
  const grow = <T extends Int32Array | Uint8Array | Int8Array>(old: T, make: (n: number) => T): T => {
    const next = make(size);
    next.set(old);
    return next;
  };
  wordStarts = grow(wordStarts, (n) => new Int32Array(n));
  wordEnds = grow(wordEnds, (n) => new Int32Array(n));
  wordQuoted = grow(wordQuoted, (n) => new Uint8Array(n));
  scannedKinds = grow(scannedKinds, (n) => new Int8Array(n));
}

/** Splits `line` into words; false when a quote is never closed (the lexer reports that). */
function scanWords(line: string): boolean {
  const length = line.length;
  const hasTab = line.indexOf('\t') >= 0;
  let nextQuote = line.indexOf('"');
  let count = 0;
  let i = 0;
  while (i < length) {
    const code = line.charCodeAt(i);
    if (code === 32 || code === 9) {
      i++;
      continue;
    }
    const start = i;
    let quoted = 0;
    for (;;) {
      let blank = line.indexOf(' ', i);
      if (hasTab) {
        const tab = line.indexOf('\t', i);
        if (tab >= 0 && (blank < 0 || tab < blank)) blank = tab;
      }
      if (nextQuote >= 0 && nextQuote < i) nextQuote = line.indexOf('"', i);
      if (nextQuote < 0 || (blank >= 0 && blank < nextQuote)) {
        i = blank < 0 ? length : blank;
        break;
      }
      // A quoted stretch inside the word: blanks in it do not end the word.
      quoted = 1;
      i = quotedStretchEnd(line, nextQuote);
      if (i < 0) return false;
      nextQuote = line.indexOf('"', i);
    }
    if (count === wordStarts.length) growScanBuffers();
    wordStarts[count] = start;
    wordEnds[count] = i;
    wordQuoted[count] = quoted;
    count++;
  }
  scannedWords = count;
  return true;
}

/** The words the template scan finds in `line`, as the lexer would give them; null for an unclosed quote. */
export function scanLineWords(line: string): { text: string; column: number; quoted: boolean }[] | null {
  if (!scanWords(line)) return null;
  const words = [];
  for (let i = 0; i < scannedWords; i++) words.push({ text: wordText(line, i), column: wordStarts[i] + 1, quoted: wordQuoted[i] === 1 });
  return words;
}

function wordIs(line: string, index: number, text: string): boolean {
  const start = wordStarts[index];
  return wordEnds[index] - start === text.length && line.startsWith(text, start);
}

function wordText(line: string, index: number): string {
  return line.slice(wordStarts[index], wordEnds[index]);
}

function unquotedWord(line: string, index: number): string {
  const text = wordText(line, index);
  return wordQuoted[index] === 0 ? text : unquote({ text, column: wordStarts[index] + 1, quoted: true });
}

function followsMatchOrProtocol(line: string, index: number): boolean {
  const start = wordStarts[index - 1];
  if (line.charCodeAt(start) !== 45 /* - */) return false;
  return wordIs(line, index - 1, '-m') || wordIs(line, index - 1, '-p') || wordIs(line, index - 1, '--match') || wordIs(line, index - 1, '--protocol');
}

/** Whether the scanned word decides the classification itself, or else what kind of argument it is. */
function kindOf(line: string, index: number): number {
  const start = wordStarts[index];
  const end = wordEnds[index];
  const first = line.charCodeAt(start);
  if (first === 45 /* - */ || (first === 33 /* ! */ && end - start === 1)) return LITERAL;
  if (index > 0) {
    if (followsMatchOrProtocol(line, index)) return LITERAL;
    // Target extensions decide how their options are read; jumps to chains do not.
    if ((wordIs(line, index - 1, '-j') || wordIs(line, index - 1, '--jump')) && isTargetExtension(wordText(line, index))) return LITERAL;
  }
  if (first >= 48 && first <= 57 && isDigits(line, start, end)) return ArgumentKind.Number;
  if (first === 91 /* [ */ && COUNTERS.test(wordText(line, index))) return ArgumentKind.Counters;
  return ArgumentKind.Text;
}

function isDigits(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = line.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Scans `line` and hashes the sequence of its words' template parts; null when it cannot be scanned. */
function scanAndHash(line: string, family: Family): number | null {
  if (!scanWords(line)) return null;
  let hash = family === 'ipv6' ? 0x6b3a9d1 : 0x2c1b3c6d;
  for (let i = 0; i < scannedWords; i++) {
    const kind = kindOf(line, i);
    scannedKinds[i] = kind;
    if (kind === LITERAL) {
      for (let c = wordStarts[i]; c < wordEnds[i]; c++) hash = Math.imul(hash ^ line.charCodeAt(c), 0x01000193);
      hash = Math.imul(hash ^ 0xff, 0x01000193);
    } else {
      hash = Math.imul(hash ^ (0x100 + kind), 0x01000193);
    }
  }
  return hash;
}

function fitsScannedLine(template: RuleTemplate, line: string, family: Family): boolean {
  const parts = template.parts;
  if (template.family !== family || parts.length !== scannedWords) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      if (scannedKinds[i] !== LITERAL || !wordIs(line, i, part)) return false;
    } else if (scannedKinds[i] !== part) {
      return false;
    }
  }
  return true;
}

export type TemplateLookup =
  | { rule: LazyRule; chainColumn: number; hash: number }
  /** No template fits (hash null: the line cannot have one); analyse the line in full. */
  | { rule: null; chainColumn: 0; hash: number | null };

/**
 * The rule of a line that fits the template of an earlier line, checked argument by argument;
 * else the line's hash, under which the full analysis may record a template.
 */
export function ruleFromTemplate(line: string, family: Family, lineNumber: number, reader: LineReader): TemplateLookup {
  const found = cleanTemplate(line, family);
  if (found === null || typeof found === 'number') return { rule: null, chainColumn: 0, hash: found };
  return { rule: ruleOf(found, line, lineNumber, reader), chainColumn: wordStarts[found.chainWord] + 1, hash: 0 };
}

/**
 * Whether `line` fits the template of an earlier line with every argument passing its check:
 * then it reads as cleanly as that line did, and a parse that keeps no rule needs nothing more.
 */
export function fitsCleanTemplate(line: string, family: Family): boolean {
  const found = cleanTemplate(line, family);
  return found !== null && typeof found === 'object';
}

/**
 * The template `line` fits with arguments that pass its checks (the scan buffers then hold the
 * line's words); else the line's template hash, or null when it cannot have one.
 */
function cleanTemplate(line: string, family: Family): RuleTemplate | number | null {
  if (line.indexOf('\t') < 0) {
    // Most lines start `-A CHAIN `, and what follows the chain's name tells the recent kinds apart before one is matched in full.
    const chainEnd = line.startsWith('-A ') && line.charCodeAt(3) !== 34 /* " */ ? line.indexOf(' ', 3) : -1;
    const afterChain = chainEnd < 0 ? -1 : line.charCodeAt(chainEnd + 2);
    for (let k = 0; k < recent.length; k++) {
      const template = recent[k];
      const probe = template.layout!.afterChain;
      if (template.family !== family || (probe >= 0 && afterChain >= 0 && probe !== afterChain) || !matchLayout(template.layout!, line)) continue;
      if (!argumentsPass(template, line)) break;
      if (k > 0) {
        recent[k] = recent[0];
        recent[0] = template;
      }
      return template;
    }
  }
  const hash = scanAndHash(line, family);
  if (hash === null) return null;
  const template = templates.get(hash);
  if (template === undefined || !fitsScannedLine(template, line, family) || !argumentsPass(template, line)) return hash;
  useRecently(template);
  return template;
}

function useRecently(template: RuleTemplate): void {
  if (template.layout === null || recent.includes(template)) return;
  recent.unshift(template);
  if (recent.length > RECENT_TEMPLATES) recent.pop();
}

/** Scratch for matchLayout: where each run starts in the line. */
let runStarts = new Int32Array(64);

/**
 * Whether `line` (without tabs) is the template's line with other arguments, each of the
 * kind kindOf would give it; fills the scan buffers as scanWords would for it.
 */
function matchLayout(layout: TemplateLayout, line: string): boolean {
  const { runs, argumentWords, argumentKinds } = layout;
  const length = line.length;
  const argumentCount = argumentWords.length;
  if (runs.length > runStarts.length) runStarts = new Int32Array(runs.length * 2);
  let nextQuote = line.indexOf('"');
  let at = 0;
  for (let k = 0; k < argumentCount; k++) {
    const run = runs[k];
    // indexOf, not startsWith: V8 runs it natively, several times faster on these sliced lines.
    // But on a mismatch it searches the rest of the line: the run's third character (an option's
    // letter, after its blank and dash) turns most lines of another kind away first.
    const probe = run.length > 2 ? 2 : run.length - 1;
    if ((probe >= 0 && line.charCodeAt(at + probe) !== run.charCodeAt(probe)) || line.indexOf(run, at) !== at) return false;
    runStarts[k] = at;
    at += run.length;
    const code = line.charCodeAt(at);
    // A blank here is a second space; a dash or a lone `!` would decide the reading.
    if (at >= length || code === 32 || code === 45 /* - */) return false;
    let end: number;
    let quoted = 0;
    if (nextQuote >= 0 && nextQuote < at) nextQuote = line.indexOf('"', at);
    const blank = line.indexOf(' ', at);
    if (nextQuote < 0 || (blank >= 0 && blank < nextQuote)) {
      end = blank < 0 ? length : blank;
    } else {
      end = argumentEnd(line, at);
      if (end < 0) return false;
      quoted = 1;
    }
    if (code === 33 /* ! */ && end === at + 1) return false;
    let kind = ArgumentKind.Text;
    if (code >= 48 && code <= 57 && isDigits(line, at, end)) kind = ArgumentKind.Number;
    else if (code === 91 /* [ */ && COUNTERS.test(line.slice(at, end))) kind = ArgumentKind.Counters;
    if (kind !== argumentKinds[k]) return false;
    if (layout.afterJump[k] && isTargetExtension(line.slice(at, end))) return false;
    const word = argumentWords[k];
    wordStarts[word] = at;
    wordEnds[word] = end;
    wordQuoted[word] = quoted;
    at = end;
  }
  const last = runs[argumentCount];
  if (at + last.length !== length || line.indexOf(last, at) !== at) return false;
  runStarts[argumentCount] = at;
  const { literalWords, literalRuns, literalOffsets, literalLengths } = layout;
  for (let n = 0; n < literalWords.length; n++) {
    const word = literalWords[n];
    const start = runStarts[literalRuns[n]] + literalOffsets[n];
    wordStarts[word] = start;
    wordEnds[word] = start + literalLengths[n];
    wordQuoted[word] = 0;
  }
  scannedWords = argumentCount + literalWords.length;
  return true;
}

/** Where the word starting at `start` ends, double quotes grouping as in scanWords; -1 for an unclosed quote. */
function argumentEnd(line: string, start: number): number {
  const length = line.length;
  let i = start;
  for (;;) {
    const blank = line.indexOf(' ', i);
    const quote = line.indexOf('"', i);
    if (quote < 0 || (blank >= 0 && blank < quote)) return blank < 0 ? length : blank;
    i = quotedStretchEnd(line, quote);
    if (i < 0) return -1;
  }
}

/** Just past the quote that closes the one at `open` (a backslash escapes the next character); -1 when none does. */
function quotedStretchEnd(line: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const close = line.indexOf('"', from);
    if (close < 0) return -1;
    const backslash = line.indexOf('\\', from);
    if (backslash < 0 || backslash > close) return close + 1;
    from = backslash + 2;
  }
}

/** The template's line as fixed runs between its arguments (see TemplateLayout). */
function layoutOf(parts: readonly (string | ArgumentKind)[]): TemplateLayout | null {
  const layout: TemplateLayout = { runs: [], argumentWords: [], argumentKinds: [], afterJump: [], literalWords: [], literalRuns: [], literalOffsets: [], literalLengths: [], afterChain: -1 };
  let run = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const separator = i > 0 ? ' ' : '';
    if (typeof part === 'string') {
      if (part.includes('"')) return null;
      layout.literalWords.push(i);
      layout.literalRuns.push(layout.runs.length);
      layout.literalOffsets.push(run.length + separator.length);
      layout.literalLengths.push(part.length);
      run += separator + part;
    } else {
      layout.runs.push(run + separator);
      layout.argumentWords.push(i);
      layout.argumentKinds.push(part);
      layout.afterJump.push(i > 0 && (parts[i - 1] === '-j' || parts[i - 1] === '--jump'));
      run = '';
    }
  }
  layout.runs.push(run);
  const after = layout.runs[1];
  layout.afterChain = layout.runs[0] === '-A ' && layout.argumentWords[0] === 1 && after !== undefined && after.length > 2 ? after.charCodeAt(2) : -1;
  return layout;
}

/** Records a clean, fully analysed rule line as the template for lines of its kind. */
export function rememberTemplate(hash: number, line: string, classified: ClassifiedLine, shape: CommandShape & { prefix: number; counters: number }, rule: Rule, family: Family): void {
  const words = classified.words;
  if (words.some((word) => word.text.length > 1023)) return;
  // The template's word indexes are the classifier's: the scan must have found the same words.
  if (scanAndHash(line, family) !== hash || scannedWords !== words.length) return;
  const parts: (string | ArgumentKind)[] = [];
  for (let i = 0; i < scannedWords; i++) parts.push(scannedKinds[i] === LITERAL ? wordText(line, i) : (scannedKinds[i] as ArgumentKind));
  const template: RuleTemplate = {
    parts,
    family,
    command: rule.command,
    chainWord: shape.operands[0],
    ruleNumberWord: shape.ruleNumber,
    countersWord: shape.counters,
    onlyFamily: rule.onlyFamily,
    target: null,
    checks: [{ word: shape.operands[0], check: chainNameProblem }],
    printedWords: [],
    onlyCommentMatches: classified.slots.every((slot) => slot.kind !== 'match' || (slot.name === 'comment' && slot.spec !== null)),
    writtenSpec: null,
    layout: layoutOf(parts),
    reading: { types: classified.types, slots: classified.slots, owners: classified.owners, shape },
  };
  const parameters: Array<RuleTemplate['printedWords'][number] & { order: number }> = [];
  const comments: RuleTemplate['printedWords'] = [];
  const written: WrittenSpecPlan['arguments'] = [];
  for (const item of shape.items) {
    switch (item.kind) {
      case 'set-counters':
        return;
      case 'parameter': {
        const name = PARAMETER_SPELLINGS.get(words[item.name].text) as ParameterName | undefined;
        if (name === undefined) return;
        const valueWord = item.values.length > 0 ? item.values[0] : -1;
        if (valueWord >= 0) {
          const negated = item.bang >= 0 || item.oldBang >= 0;
          parameters.push({ word: valueWord, order: PARAMETER_ORDER[name], part: (value, family) => printParameter({ name, negated, value }, family) });
          written.push({ word: valueWord, keeps: (value, text, family) => printedParameterValue(name, negated, value, family) === text });
        }
        if (valueWord >= 0 && name !== 'protocol') {
          const kind = name === 'source' || name === 'destination' ? 'address' : 'interface';
          template.checks.push({ word: valueWord, check: (value, lineFamily) => validateValue(kind, value, lineFamily) });
        }
        break;
      }
      case 'jump':
      case 'goto':
        if (template.target !== null) return;
        template.target = { kind: item.kind, nameWord: item.values[0], column: item.name };
        template.checks.push({ word: item.values[0], check: chainNameProblem });
        written.push({ word: item.values[0], keeps: (value, text) => printedTargetName(knownTargetName(value) ?? value) === text });
        break;
      case 'option': {
        const owner = classified.owners[item.name];
        const slot = owner === undefined || owner.slot < 0 ? undefined : classified.slots[owner.slot];
        if (slot?.kind === 'match' && slot.name === 'comment' && slot.spec !== null && owner!.name === 'comment') comments.push(...item.values.map((word) => ({ word, part: commentPart })));
        if (slot !== undefined) written.push(...writtenOptionValues(slot, owner!.name, item.values));
        const spec: OptionSpec | undefined = slot?.spec?.options[owner!.name];
        if (spec?.values === undefined) break;
        item.values.forEach((word, index) => {
          template.checks.push({ word, check: (value, lineFamily) => validateOptionValue(spec, index, value, lineFamily) });
        });
        break;
      }
    }
  }
  // In the order the rule keeps its parameters (see buildRule), then its comments.
  template.printedWords = [...parameters.sort((a, b) => a.order - b.order), ...comments];
  template.writtenSpec = writtenSpecPlan(template, written);
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(hash, template);
}

/** How each value of an option prints as written and keeps its meaning (see printOption and the meaning's matchMeaning, targetMeaning). */
function writtenOptionValues(slot: ClassifiedLine['slots'][number], option: string, words: number[]): WrittenSpecPlan['arguments'] {
  const known = slot.spec !== null;
  if (slot.kind === 'match') {
    const meaning = known ? matchValueMeaning(slot.name, option) : null;
    return words.map((word) => ({ word, keeps: (value, text) => printedOptionValue(option, value, known) === text && (meaning === null || meaning(value) === value) }));
  }
  // The meaning rewrites a target's option only when it has a single value.
  const single = words.length === 1;
  return words.map((word) => ({ word, keeps: (value, text) => printedOptionValue(option, value, known) === text && (!known || !single || keepsTargetOption(slot.name, option, value)) }));
}

/** The template's WrittenSpecPlan, from the words of its line (still in the scan buffers); null when an argument word after the chain has no check. */
function writtenSpecPlan(template: RuleTemplate, checks: WrittenSpecPlan['arguments']): WrittenSpecPlan | null {
  if (template.command !== 'append' || template.ruleNumberWord >= 0) return null;
  const firstWord = template.chainWord + 1;
  const argumentChecks = checks.filter((check) => scannedKinds[check.word] !== LITERAL);
  for (let word = firstWord; word < scannedWords; word++) {
    if (scannedKinds[word] !== LITERAL && !argumentChecks.some((check) => check.word === word)) return null;
  }
  return { firstWord, arguments: argumentChecks, printsAsWritten: null };
}

/**
 * The specification of a rule whose line fit `template` (everything after its chain's name), when
 * the line's words tell that the rule prints as it is written and means just that:
 * `printRuleSpec(rule)` and `ruleMeaning(rule)` would then both give it. Null otherwise.
 */
export function writtenSpecFromTemplate(template: RuleTemplate, raw: string, family: Family): string | null {
  const plan = template.writtenSpec;
  // Printed words are single-spaced, as the layout's runs are.
  if (plan === null || plan.printsAsWritten === false || template.layout === null || raw.indexOf('\t') >= 0 || !matchLayout(template.layout, raw)) return null;
  const ruleFamily = template.onlyFamily ?? family;
  for (const { word, keeps } of plan.arguments) if (!keeps(unquotedWord(raw, word), wordText(raw, word), ruleFamily)) return null;
  const spec = plan.firstWord < scannedWords ? raw.slice(wordStarts[plan.firstWord]) : '';
  plan.printsAsWritten ??= printsAsWritten(template, raw, ruleFamily, spec);
  return plan.printsAsWritten ? spec : null;
}

function printsAsWritten(template: RuleTemplate, raw: string, family: Family, spec: string): boolean {
  const details = detailsFromTemplate(template, raw, family, 0);
  if (details === null) return false;
  const rule: Rule = { kind: 'rule', command: template.command, chain: '', ruleNumber: null, position: 0, counters: null, onlyFamily: template.onlyFamily, ...details, unsupportedRevision: false, raw, line: 0, column: 0 };
  return printRuleSpec(rule, family) === spec && isOwnMeaning(meaningRule(rule), rule);
}

/** Whether every argument of the scanned line, which fits `template`, passes its check (else the full analysis reports it). */
function argumentsPass(template: RuleTemplate, line: string): boolean {
  if (line.length > 1023) for (let i = 0; i < scannedWords; i++) if (wordEnds[i] - wordStarts[i] > 1023) return false;
  const family = template.onlyFamily ?? template.family;
  for (const { word, check } of template.checks) {
    if (check(unquotedWord(line, word), family) !== null) return false;
  }
  return true;
}

/** The rule of the scanned line, which fits `template` with arguments that pass its checks. */
function ruleOf(template: RuleTemplate, line: string, lineNumber: number, reader: LineReader): LazyRule {
  const family = template.onlyFamily ?? template.family;
  let target: TargetHead | null = null;
  if (template.target !== null) {
    const written = unquotedWord(line, template.target.nameWord);
    const known = knownTargetName(written);
    target = { kind: template.target.kind, name: known ?? written, type: targetTypeFor(template.target.kind, known), column: wordStarts[template.target.column] + 1 };
  }
  const head: RuleHead = {
    line: lineNumber,
    column: wordStarts[0] + 1,
    command: template.command,
    chain: unquotedWord(line, template.chainWord),
    ruleNumber: template.ruleNumberWord >= 0 ? Number(wordText(line, template.ruleNumberWord)) : null,
    counters: template.countersWord >= 0 ? bracketCounters(wordText(line, template.countersWord)) : null,
    onlyFamily: template.onlyFamily,
    unsupportedRevision: false,
    raw: line,
  };
  // Parameters, matches and the target are made when first read; the checks above are all that is needed now.
  return new LazyRule(head, target, family, reader, template);
}

/** The printed parts of a rule whose line fit `template`; null when the line does not split into the template's words. */
export function printedPartsFromTemplate(template: RuleTemplate, raw: string, family: Family): string[] | null {
  if (!scanWords(raw) || scannedWords !== template.parts.length) return null;
  const parts: string[] = [];
  for (const { word, part } of template.printedWords) {
    const text = part(unquotedWord(raw, word), family);
    if (text !== '') parts.push(text);
  }
  return parts;
}

/**
 * The details of a rule whose line fit `template`, built from the template's reading of the
 * line: the classifier and the grammar are skipped, only the builder runs. Null when the line
 * does not split into the template's words (the caller then reads it in full).
 */
export function detailsFromTemplate(template: RuleTemplate, raw: string, family: Family, lineNumber: number): RuleDetails | null {
  const { types, slots, owners, shape } = template.reading;
  const words = scanLineWords(raw);
  if (words === null || words.length !== types.length) return null;
  const rule = buildRule({ words, types, slots, owners }, shape, lineNumber, raw, { family, settled: true }, () => undefined, 'rebuild');
  return { parameters: rule.parameters, matches: rule.matches, target: rule.target };
}
