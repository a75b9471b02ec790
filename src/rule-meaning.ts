import type { ExtensionOption, Family, Match, Rule, Target } from './ast';
import { printRuleSpec } from './printer';
import { parseUnsigned } from './parser/values';

const MAX_MARK = 0xffffffff;

/** Options whose single value is a comma list the kernel reads as a set of flags. */
const FLAG_SET_OPTIONS = new Set(['state', 'ctstate', 'ctstatus']);
/** Options whose values are all flag sets: `--tcp-flags MASK COMP`. */
const FLAG_SET_PAIR_OPTIONS = new Set(['tcp-flags']);
/** Matches whose `--mark value[/mask]` treats a missing mask as all ones. */
const MARK_MATCHES = new Set(['mark', 'connmark']);
const MARK_TARGET_OPTIONS = new Set(['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark']);

/**
 * A text that two rules share exactly when iptables would load the same rule from them: the
 * canonical printer text of the rule after the spellings the kernel cannot tell apart are merged.
 * The printer already merges address, protocol and port spellings, old-style negation, implicit
 * protocol matches and `-i +`; this adds what iptables-save itself would not merge because the
 * two spellings load different extensions or keep the user's order.
 */
export function ruleMeaning(rule: Rule, family: Family): string {
  return printRuleSpec(meaningRule(rule), family);
}

/** The rule with the spellings of {@link ruleMeaning} merged, for callers that compare it piece by piece. */
export function meaningRule(rule: Rule): Rule {
  // Fields are copied by name: a parsed rule builds its details lazily behind getters, which spreading would skip.
  return {
    kind: 'rule',
    command: rule.command,
    chain: rule.chain,
    ruleNumber: rule.ruleNumber,
    position: rule.position,
    counters: rule.counters,
    onlyFamily: rule.onlyFamily,
    parameters: rule.parameters,
    matches: rule.matches.map(matchMeaning),
    target: rule.target === null ? null : targetMeaning(rule.target),
    unsupportedRevision: rule.unsupportedRevision,
    raw: rule.raw,
    line: rule.line,
    column: rule.column,
  };
}

function matchMeaning(match: Match): Match {
  if (!match.known) return match;
  // `-m state` is conntrack's state test under an older name: the kernel checks the same bits.
  const isState = match.module === 'state';
  const options = match.options.map((option) => {
    const meaning = isState && option.name === 'state' ? { ...option, name: 'ctstate', spelling: '--ctstate' } : option;
    const valueMeaning = matchValueMeaning(match.module, meaning.name);
    return valueMeaning === null ? meaning : withValues(meaning, valueMeaning);
  });
  const sorted = sortedOptions(options);
  // Most matches already say what they mean: the match itself then stands for its meaning.
  if (!isState && sameItems(sorted, match.options)) return match;
  return { ...match, module: isState ? 'conntrack' : match.module, options: sorted };
}

/** How a rule's meaning writes each value of an option of a known match; null when it keeps every value as written. */
export function matchValueMeaning(module: string, option: string): ((value: string) => string) | null {
  if (FLAG_SET_OPTIONS.has(option) || FLAG_SET_PAIR_OPTIONS.has(option)) return sortedFlagList;
  if (MARK_MATCHES.has(module) && option === 'mark') return markMatchValue;
  return null;
}

/** Whether a rule's meaning keeps an option of a target extension, with this as its only value, as written. */
export function keepsTargetOption(target: string, option: string, value: string): boolean {
  if (target !== 'MARK') return true;
  const written: ExtensionOption = { name: option, spelling: `--${option}`, negated: false, oldNegation: false, values: [value], line: 0, column: 0 };
  return markTargetOption(written) === written;
}

function targetMeaning(target: Target): Target {
  if (target.type !== 'extension') return target;
  let options = target.options;
  if (target.name === 'MARK') options = options.map(markTargetOption);
  const sorted = sortedOptions(options);
  if (sameItems(sorted, target.options)) return target;
  return { kind: target.kind, name: target.name, type: target.type, line: target.line, column: target.column, options: sorted };
}

/** The option with `meaning` applied to each value; the option itself when no value changes. */
function withValues(option: ExtensionOption, meaning: (value: string) => string): ExtensionOption {
  const values = option.values.map(meaning);
  return sameItems(values, option.values) ? option : { ...option, values };
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * Whether a rule's meaning holds the rule's own matches and target, so that it prints as the rule
 * does: nothing was spelled in a way its meaning normalises.
 */
export function isOwnMeaning(meaning: Rule, rule: Rule): boolean {
  return meaning.target === rule.target && sameItems(meaning.matches, rule.matches) && meaning.parameters === rule.parameters;
}

/** iptables-save prints options in its own fixed order, so the order a rule was written in carries no meaning. */
function sortedOptions(options: readonly ExtensionOption[]): ExtensionOption[] {
  // Stable: options that repeat keep their relative order, in case the extension cares.
  return [...options].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sortedFlagList(value: string): string {
  return value
    .split(',')
    .map((flag) => flag.toUpperCase())
    .sort()
    .join(',');
}

/** `--mark 0x1` and `--mark 1/0xffffffff` test the same bits; iptables-save prints the first. */
function markMatchValue(value: string): string {
  const mark = parseMarkAndMask(value);
  if (mark === null) return value;
  return mark.mask === MAX_MARK ? hex(mark.value) : `${hex(mark.value)}/${hex(mark.mask)}`;
}

/**
 * Every MARK option is a shorthand for `--set-xmark value/mask` (the kernel computes
 * `(mark & ~mask) ^ value`), which is the only form iptables-save prints.
 */
function markTargetOption(option: ExtensionOption): ExtensionOption {
  if (!MARK_TARGET_OPTIONS.has(option.name) || option.values.length !== 1) return option;
  const value = option.values[0];
  let xmark: { value: number; mask: number } | null = null;
  switch (option.name) {
    case 'set-xmark':
      xmark = parseMarkAndMask(value);
      break;
    case 'set-mark': {
      const mark = parseMarkAndMask(value);
      // libxt_MARK: the bits being set are always part of the mask.
      if (mark !== null) xmark = { value: mark.value, mask: (mark.value | mark.mask) >>> 0 };
      break;
    }
    default: {
      const bits = parseUnsigned(value, MAX_MARK);
      if (bits === null) break;
      if (option.name === 'and-mark') xmark = { value: 0, mask: ~bits >>> 0 };
      else if (option.name === 'or-mark') xmark = { value: bits, mask: bits };
      else xmark = { value: bits, mask: 0 };
    }
  }
  if (xmark === null) return option;
  const xmarkValue = `${hex(xmark.value)}/${hex(xmark.mask)}`;
  if (option.name === 'set-xmark' && value === xmarkValue) return option;
  return { ...option, name: 'set-xmark', spelling: '--set-xmark', values: [xmarkValue] };
}

function parseMarkAndMask(text: string): { value: number; mask: number } | null {
  const slash = text.indexOf('/');
  const value = parseUnsigned(slash < 0 ? text : text.slice(0, slash), MAX_MARK);
  const mask = slash < 0 ? MAX_MARK : parseUnsigned(text.slice(slash + 1), MAX_MARK);
  return value === null || mask === null ? null : { value, mask };
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}
