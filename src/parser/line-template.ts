import type { Family, ParameterName, Rule, RuleCommand, Target } from '../ast';
import { bracketCounters, chainNameProblem } from './build-rule';
import { PARAMETER_SPELLINGS, type ClassifiedLine } from './classify';
import { STANDARD_TARGETS, TARGETS, validateOptionValue } from './extensions';
import type { OptionSpec } from './extension-spec';
import { unquote, type Word } from './lexer';
import type { CommandShape } from './line-shape';
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
const KEEPS_NEXT_WORD = new Set(['-m', '--match', '-p', '--protocol']);
const MAX_TEMPLATES = 10_000;

const templates = new Map<number, RuleTemplate>();

function partOf(words: readonly Word[], index: number): string | ArgumentKind {
  const text = words[index].text;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || text === '!') return text;
  if (index > 0) {
    const previous = words[index - 1].text;
    if (KEEPS_NEXT_WORD.has(previous)) return text;
    // Target extensions decide how their options are read; jumps to chains do not.
    if ((previous === '-j' || previous === '--jump') && text in TARGETS) return text;
  }
  if (first >= 48 && first <= 57 && /^\d+$/.test(text)) return ArgumentKind.Number;
  if (first === 91 /* [ */ && COUNTERS.test(text)) return ArgumentKind.Counters;
  return ArgumentKind.Text;
}

/** The parts of the line last hashed, so that matching it against a template does not classify its words twice. */
const lineParts: (string | ArgumentKind)[] = [];

function hashOf(words: readonly Word[], family: Family): number {
  let hash = family === 'ipv6' ? 0x6b3a9d1 : 0x2c1b3c6d;
  lineParts.length = words.length;
  for (let i = 0; i < words.length; i++) {
    const part = partOf(words, i);
    lineParts[i] = part;
    if (typeof part === 'string') {
      for (let c = 0; c < part.length; c++) hash = Math.imul(hash ^ part.charCodeAt(c), 0x01000193);
      hash = Math.imul(hash ^ 0xff, 0x01000193);
    } else {
      hash = Math.imul(hash ^ (0x100 + part), 0x01000193);
    }
  }
  return hash;
}

/** Whether the line last hashed fits `template`. */
function matchesLastLine(template: RuleTemplate, family: Family): boolean {
  const parts = template.parts;
  if (template.family !== family || parts.length !== lineParts.length) return false;
  for (let i = 0; i < parts.length; i++) if (lineParts[i] !== parts[i]) return false;
  return true;
}

/** The template for lines like this one, or null. */
export function findTemplate(words: readonly Word[], family: Family): { template: RuleTemplate | null; hash: number } {
  const hash = hashOf(words, family);
  const template = templates.get(hash);
  return { template: template !== undefined && matchesLastLine(template, family) ? template : null, hash };
}

/** Records a clean, fully analysed rule line as the template for lines of its kind. */
export function rememberTemplate(hash: number, classified: ClassifiedLine, shape: CommandShape & { prefix: number; counters: number }, rule: Rule, family: Family): void {
  const words = classified.words;
  if (words.some((word) => word.text.length > 1023)) return;
  const template: RuleTemplate = {
    parts: words.map((_, index) => partOf(words, index)),
    family,
    command: rule.command,
    chainWord: shape.operands[0],
    ruleNumberWord: shape.ruleNumber,
    countersWord: shape.counters,
    onlyFamily: rule.onlyFamily,
    target: null,
    checks: [{ word: shape.operands[0], check: chainNameProblem }],
  };
  for (const item of shape.items) {
    switch (item.kind) {
      case 'set-counters':
        return;
      case 'parameter': {
        const name = PARAMETER_SPELLINGS.get(words[item.name].text) as ParameterName | undefined;
        if (name === undefined) return;
        const valueWord = item.values.length > 0 ? item.values[0] : -1;
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
        break;
      case 'option': {
        const owner = classified.owners[item.name];
        const spec: OptionSpec | undefined = owner === undefined || owner.slot < 0 ? undefined : classified.slots[owner.slot].spec?.options[owner.name];
        if (spec?.values === undefined) break;
        item.values.forEach((word, index) => {
          template.checks.push({ word, check: (value, lineFamily) => validateOptionValue(spec, index, value, lineFamily) });
        });
        break;
      }
    }
  }
  if (templates.size >= MAX_TEMPLATES) templates.clear();
  templates.set(hash, template);
}

/** The rule of a line that fits `template`, or null when one of its arguments needs the full analysis. */
export function applyTemplate(template: RuleTemplate, words: readonly Word[], raw: string, lineNumber: number): Rule | null {
  for (let i = 0; i < words.length; i++) if (words[i].text.length > 1023) return null;
  const family = template.onlyFamily ?? template.family;
  for (const { word, check } of template.checks) {
    if (check(unquote(words[word]), family) !== null) return null;
  }
  let target: Target | null = null;
  if (template.target !== null) {
    const name = unquote(words[template.target.nameWord]);
    target = {
      kind: template.target.kind,
      name,
      type: template.target.kind === 'goto' ? 'chain' : STANDARD_TARGETS.has(name) ? 'standard' : name in TARGETS ? 'extension' : 'chain',
      options: [],
      line: lineNumber,
      column: words[template.target.column].column,
    };
  }
  return {
    kind: 'rule',
    line: lineNumber,
    column: words[0].column,
    command: template.command,
    chain: unquote(words[template.chainWord]),
    ruleNumber: template.ruleNumberWord >= 0 ? Number(words[template.ruleNumberWord].text) : null,
    position: 0,
    counters: template.countersWord >= 0 ? bracketCounters(words[template.countersWord].text) : null,
    onlyFamily: template.onlyFamily,
    // Parameters and matches are built when first read (LazyRule); the checks above are all that is needed now.
    parameters: [],
    matches: [],
    target,
    unsupportedRevision: false,
    raw,
  };
}
