import type { Chain, Counters, Dump, Family, Rule, Ruleset, TableName } from '../ast';
import { isOwnMeaning, meaningRule } from '../rule-meaning';
import { writtenSpecOf } from '../parser/lazy-rule';
import { BUILTIN_CHAINS } from '../parser/parse-dump';
import { printRule, printRuleParts, printRuleSpec, type RulePart } from '../printer';
import { alignSequences } from './align';
import type { Change, ChainDiff, ChainStep, DiffOptions, DumpDiff, OptionChange } from './types';

const FAMILIES: Family[] = ['ipv4', 'ipv6'];
const TABLES: TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];
/** Two rules in the same stretch of a chain count as one rule edited in place when at least this share of their pieces agree. */
const SAME_RULE_SIMILARITY = 0.5;
/** Above this many delete × insert pairs in one stretch, edits are not paired up and show as removals and additions. */
const MAX_PAIRING_WORK = 250_000;

/**
 * What changed from one dump to another, by meaning: per family, table and chain, the chains added
 * and removed, policies changed, and rules added, removed, moved or edited in place. Spellings
 * iptables loads as the same rule compare equal; counters only with `counters: true`.
 */
export function diffDumps(before: Dump, after: Dump, options: DiffOptions = {}): DumpDiff {
  const chains: ChainDiff[] = [];
  for (const [family, beforeSet, afterSet] of rulesetPairs(before, after)) {
    for (const table of TABLES) {
      if (options.table !== undefined && options.table !== table) continue;
      const beforeTable = beforeSet?.tables.find((candidate) => candidate.name === table) ?? null;
      const afterTable = afterSet?.tables.find((candidate) => candidate.name === table) ?? null;
      if (beforeTable === null && afterTable === null) continue;
      const textOnly = !options.counters && !rewritesText(options);
      for (const [name, beforeChain, afterChain] of chainPairs(table, beforeTable?.chains ?? [], afterTable?.chains ?? [])) {
        if (options.chain !== undefined && options.chain !== name) continue;
        if (options.ignoreChain?.test(name)) continue;
        // Most chains are word for word the same in both saves: nothing to align, nothing to make.
        if (textOnly && beforeChain !== null && afterChain !== null && beforeChain.policy === afterChain.policy && sameSource(beforeChain.rules, afterChain.rules)) continue;
        const chainDiff = diffChain(family, table, name, beforeChain, afterChain, options);
        if (chainDiff.changes.length > 0) chains.push(chainDiff);
      }
    }
  }
  return { beforeFile: before.file, afterFile: after.file, chains, changes: chains.flatMap((chain) => chain.changes) };
}

/**
 * The rulesets to compare, per family. A file with no header that says its family (a hand-written
 * restore file) is taken to be of the family of the single ruleset it is compared with.
 */
function rulesetPairs(before: Dump, after: Dump): Array<[Family, Ruleset | null, Ruleset | null]> {
  if (before.rulesets.length === 1 && after.rulesets.length === 1) {
    const [a, b] = [before.rulesets[0], after.rulesets[0]];
    if (a.family !== b.family && (a.familySource === 'default' || b.familySource === 'default')) {
      return [[a.familySource === 'default' ? b.family : a.family, a, b]];
    }
  }
  return FAMILIES.map((family): [Family, Ruleset | null, Ruleset | null] => [family, rulesetOf(before, family), rulesetOf(after, family)]).filter(
    ([, a, b]) => a !== null || b !== null,
  );
}

function rulesetOf(dump: Dump, family: Family): Ruleset | null {
  return dump.rulesets.find((ruleset) => ruleset.family === family) ?? null;
}

/**
 * Each chain name of either side with its chain on each side: built-in chains in hook order, then
 * user chains as `after` orders them, then the ones only `before` has.
 */
function chainPairs(table: TableName, before: readonly Chain[], after: readonly Chain[]): Array<[string, Chain | null, Chain | null]> {
  const builtin = BUILTIN_CHAINS[table];
  const pairs: Array<[string, Chain | null, Chain | null]> = [];
  // Two saves of one host list the same chains in the same order: pair them without maps.
  if (before.length === after.length && before.every((chain, index) => chain.name === after[index].name)) {
    for (const name of builtin) {
      const index = after.findIndex((chain) => chain.name === name);
      if (index >= 0) pairs.push([name, before[index], after[index]]);
    }
    for (let index = 0; index < after.length; index++) {
      if (!builtin.includes(after[index].name)) pairs.push([after[index].name, before[index], after[index]]);
    }
    return pairs;
  }
  const beforeByName = chainsByName(before);
  const afterByName = chainsByName(after);
  for (const name of builtin) {
    if (beforeByName.has(name) || afterByName.has(name)) pairs.push([name, beforeByName.get(name) ?? null, afterByName.get(name) ?? null]);
  }
  for (const [name, chain] of afterByName) if (!builtin.includes(name)) pairs.push([name, beforeByName.get(name) ?? null, chain]);
  for (const [name, chain] of beforeByName) if (!builtin.includes(name) && !afterByName.has(name)) pairs.push([name, chain, null]);
  return pairs;
}

function chainsByName(chains: readonly Chain[]): Map<string, Chain> {
  const byName = new Map<string, Chain>();
  for (const chain of chains) byName.set(chain.name, chain);
  return byName;
}

function diffChain(family: Family, table: TableName, name: string, before: Chain | null, after: Chain | null, options: DiffOptions): ChainDiff {
  const builtin = (before ?? after)!.builtin;
  const changes: Change[] = [];
  const base = { family, table, chain: name };
  const chainSide = (chain: Chain) => ({ line: chain.line, position: null, rule: null });

  // A built-in chain always exists in the kernel; a dump that leaves it out means it is empty with policy ACCEPT.
  if (!builtin && before === null) changes.push({ kind: 'chain-added', ...base, before: null, after: chainSide(after!) });
  if (!builtin && after === null) changes.push({ kind: 'chain-removed', ...base, before: chainSide(before!), after: null });
  if (builtin) {
    const beforePolicy = before === null ? 'ACCEPT' : before.policy;
    const afterPolicy = after === null ? 'ACCEPT' : after.policy;
    // A null policy (`-` in iptables-nft's restore syntax) leaves the kernel's as it is: nothing to compare.
    if (beforePolicy !== null && afterPolicy !== null && beforePolicy !== afterPolicy) {
      changes.push({
        kind: 'policy-changed',
        ...base,
        before: before === null ? { line: 0, position: null, rule: null } : chainSide(before),
        after: after === null ? { line: 0, position: null, rule: null } : chainSide(after),
        policy: { before: beforePolicy, after: afterPolicy },
      });
    }
  }
  if (options.counters && before !== null && after !== null && builtin && !sameCounters(before.counters, after.counters)) {
    changes.push({ kind: 'counters-changed', ...base, before: chainSide(before), after: chainSide(after), counters: { before: before.counters, after: after.counters } });
  }

  // Most chains are word for word the same in both saves: no alignment, no steps.
  if (changes.length === 0 && !options.counters && !rewritesText(options) && before !== null && after !== null && sameSource(before.rules, after.rules)) {
    return { family, table, chain: name, before, after, builtin, steps: [], changes };
  }
  const beforeRules = before?.rules ?? [];
  const afterRules = after?.rules ?? [];
  const steps = alignRules(family, table, name, beforeRules, afterRules, options);
  for (const step of steps) {
    const change = step.change;
    // A move or an in-place edit is one change shown on two lines; list it once.
    if (change !== undefined && (step.op !== 'insert' || (change.kind !== 'rule-moved' && change.kind !== 'rule-changed'))) changes.push(change);
  }
  return { family, table, chain: name, before, after, builtin, steps, changes };
}

interface RuleSlot {
  rule: Rule;
  index: number;
  /** Counterpart on the other side once paired, with how. */
  partner: number;
  how: 'same' | 'moved' | 'changed' | null;
  /** What the diff reports about this rule, once worked out. */
  change?: Change;
}

function alignRules(family: Family, table: TableName, chain: string, beforeRules: Rule[], afterRules: Rule[], options: DiffOptions): ChainStep[] {
  const printed = new PrintedSpecs(family);
  const beforeMeaning = (rule: Rule) => comparableText(rule, family, options, options.interfaceAliases?.before, printed);
  const afterMeaning = (rule: Rule) => comparableText(rule, family, options, options.interfaceAliases?.after, printed);
  const before: RuleSlot[] = beforeRules.map((rule, index) => ({ rule, index, partner: -1, how: null }));
  const after: RuleSlot[] = afterRules.map((rule, index) => ({ rule, index, partner: -1, how: null }));

  // Most rules keep their exact text from one save to the next, so the source text aligns them
  // cheaply; only what is left over pays for the canonical meaning.
  const sourceKey = rewritesText(options) ? null : (rule: Rule) => sourceSpec(rule);
  if (sourceKey !== null) {
    for (const [i, j] of alignSequences(beforeRules.map(sourceKey), afterRules.map(sourceKey))) pair(before[i], after[j], 'same');
  }
  for (const gap of gaps(before, after)) {
    if (gap.before.length === 0 || gap.after.length === 0) continue;
    const pairs = alignSequences(
      gap.before.map((slot) => beforeMeaning(slot.rule)),
      gap.after.map((slot) => afterMeaning(slot.rule)),
    );
    for (const [i, j] of pairs) pair(gap.before[i], gap.after[j], 'same');
  }

  const waiting = new Map<string, RuleSlot[]>();
  for (const slot of before) {
    if (slot.how !== null) continue;
    const key = beforeMeaning(slot.rule);
    const list = waiting.get(key);
    if (list === undefined) waiting.set(key, [slot]);
    else list.push(slot);
  }
  for (const slot of after) {
    if (slot.how !== null) continue;
    const candidate = waiting.get(afterMeaning(slot.rule))?.shift();
    if (candidate !== undefined) pair(candidate, slot, 'moved');
  }

  for (const gap of gaps(before, after)) pairEdits(gap.before, gap.after, family);

  return buildSteps(family, table, chain, before, after, options, printed);
}

/**
 * Each rule's printed specification and its meaning's, printed once: most rules that changed are
 * printed for their meaning and then for the output, and most mean exactly what they say.
 */
class PrintedSpecs {
  private readonly specs = new Map<Rule, string>();
  readonly meanings = new Map<Rule, string>();

  constructor(private readonly family: Family) {}

  of(rule: Rule): string {
    let spec = this.specs.get(rule);
    if (spec === undefined) {
      spec = printRuleSpec(rule, this.family);
      this.specs.set(rule, spec);
    }
    return spec;
  }

  /** Sets the rule's printed specification, found some other way. */
  remember(rule: Rule, spec: string): void {
    this.specs.set(rule, spec);
  }
}

function pair(before: RuleSlot, after: RuleSlot, how: 'same' | 'moved' | 'changed'): void {
  before.partner = after.index;
  after.partner = before.index;
  before.how = how;
  after.how = how;
}

/** The stretches of unpaired rules between two rules kept in place. */
function gaps(before: RuleSlot[], after: RuleSlot[]): Array<{ before: RuleSlot[]; after: RuleSlot[] }> {
  const result: Array<{ before: RuleSlot[]; after: RuleSlot[] }> = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const gap = { before: [] as RuleSlot[], after: [] as RuleSlot[] };
    while (i < before.length && before[i].how !== 'same') {
      if (before[i].how === null) gap.before.push(before[i]);
      i++;
    }
    while (j < after.length && after[j].how !== 'same') {
      if (after[j].how === null) gap.after.push(after[j]);
      j++;
    }
    if (gap.before.length > 0 || gap.after.length > 0) result.push(gap);
    i++;
    j++;
  }
  return result;
}

/** Pairs a removed and an added rule in the same stretch as one rule edited in place, in order, when most of their pieces agree. */
function pairEdits(removed: RuleSlot[], added: RuleSlot[], family: Family): void {
  if (removed.length === 0 || added.length === 0 || removed.length * added.length > MAX_PAIRING_WORK) return;
  const addedParts = added.map((slot) => partTexts(slot.rule, family));
  let next = 0;
  for (const slot of removed) {
    const parts = partTexts(slot.rule, family);
    for (let k = next; k < added.length; k++) {
      if (similarity(parts, addedParts[k]) >= SAME_RULE_SIMILARITY) {
        pair(slot, added[k], 'changed');
        next = k + 1;
        break;
      }
    }
  }
}

function partTexts(rule: Rule, family: Family): Set<string> {
  return new Set(printRuleParts(meaningRule(rule), family).map((part) => part.text));
}

function similarity(a: Set<string>, b: Set<string>): number {
  let common = 0;
  for (const text of a) if (b.has(text)) common++;
  return common / Math.max(a.size, b.size, 1);
}

function buildSteps(family: Family, table: TableName, chain: string, before: RuleSlot[], after: RuleSlot[], options: DiffOptions, printed: PrintedSpecs): ChainStep[] {
  const base = { family, table, chain };
  const side = (slot: RuleSlot) => ({ line: slot.rule.line, position: slot.index + 1, rule: printRule(slot.rule, family, { counters: false, spec: printed.of(slot.rule) }) });
  const changeFor = (slot: RuleSlot, isBefore: boolean): Change => {
    if (slot.change !== undefined) return slot.change;
    if (slot.how === null) {
      slot.change = isBefore ? { kind: 'rule-removed', ...base, before: side(slot), after: null } : { kind: 'rule-added', ...base, before: null, after: side(slot) };
      return slot.change;
    }
    // A move or an edit is one change that both of its rules show.
    const [beforeSlot, afterSlot] = isBefore ? [slot, after[slot.partner]] : [before[slot.partner], slot];
    const change: Change = { kind: slot.how === 'moved' ? 'rule-moved' : 'rule-changed', ...base, before: side(beforeSlot), after: side(afterSlot) };
    if (slot.how === 'changed') change.options = optionChanges(printRuleParts(meaningRule(beforeSlot.rule), family), printRuleParts(meaningRule(afterSlot.rule), family));
    beforeSlot.change = change;
    afterSlot.change = change;
    return change;
  };

  const steps: ChainStep[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    while (i < before.length && before[i].how !== 'same') {
      steps.push({ op: 'delete', before: before[i].rule, beforePosition: i + 1, change: changeFor(before[i], true) });
      i++;
    }
    while (j < after.length && after[j].how !== 'same') {
      steps.push({ op: 'insert', after: after[j].rule, afterPosition: j + 1, change: changeFor(after[j], false) });
      j++;
    }
    if (i < before.length && j < after.length) {
      const keep: ChainStep = { op: 'keep', before: before[i].rule, after: after[j].rule, beforePosition: i + 1, afterPosition: j + 1 };
      if (options.counters && !sameCounters(before[i].rule.counters, after[j].rule.counters)) {
        keep.change = { kind: 'counters-changed', ...base, before: side(before[i]), after: side(after[j]), counters: { before: before[i].rule.counters, after: after[j].rule.counters } };
      }
      steps.push(keep);
    }
    i++;
    j++;
  }
  return steps;
}

function optionChanges(before: RulePart[], after: RulePart[]): OptionChange[] {
  const afterByKey = new Map(after.map((part) => [part.key, part.text]));
  const beforeKeys = new Set(before.map((part) => part.key));
  const changes: OptionChange[] = [];
  for (const part of before) {
    const now = afterByKey.get(part.key);
    if (now !== part.text) changes.push({ option: part.key, before: part.text, after: now ?? null });
  }
  for (const part of after) if (!beforeKeys.has(part.key)) changes.push({ option: part.key, before: null, after: part.text });
  return changes;
}

function sameCounters(a: Counters | null, b: Counters | null): boolean {
  return (a?.packets ?? '0') === (b?.packets ?? '0') && (a?.bytes ?? '0') === (b?.bytes ?? '0');
}

/** The rule as written, without counters: equal text is an equal rule, whatever else differs. */
function sourceSpec(rule: Rule): string {
  const raw = rule.raw;
  if (raw.charCodeAt(0) !== 91 /* [ */) return raw;
  const end = raw.indexOf(']');
  return end < 0 ? raw : raw.slice(end + 1).trimStart();
}

function sameSource(before: readonly Rule[], after: readonly Rule[]): boolean {
  if (before.length !== after.length) return false;
  for (let k = 0; k < before.length; k++) if (sourceSpec(before[k]) !== sourceSpec(after[k])) return false;
  return true;
}

function rewritesText(options: DiffOptions): boolean {
  return options.ignoreComments === true || options.interfaceAliases !== undefined;
}

/** The canonical meaning of a rule, with what the options say to disregard taken out. */
function comparableText(rule: Rule, family: Family, options: DiffOptions, aliases: ReadonlyMap<string, string> | undefined, printed: PrintedSpecs): string {
  const cache = printed.meanings;
  const cached = cache.get(rule);
  if (cached !== undefined) return cached;
  if (!rewritesText(options)) {
    const written = writtenSpecOf(rule, family);
    if (written !== null) {
      printed.remember(rule, written);
      cache.set(rule, written);
      return written;
    }
  }
  let meaning = meaningRule(rule);
  if (!rewritesText(options) && isOwnMeaning(meaning, rule)) {
    const text = printed.of(rule);
    cache.set(rule, text);
    return text;
  }
  if (options.ignoreComments) meaning = { ...meaning, matches: meaning.matches.filter((match) => match.module !== 'comment') };
  if (aliases !== undefined && aliases.size > 0) {
    meaning = {
      ...meaning,
      parameters: meaning.parameters.map((parameter) => {
        const isInterface = parameter.name === 'in-interface' || parameter.name === 'out-interface';
        const alias = isInterface && parameter.value !== null ? aliases.get(parameter.value) : undefined;
        return alias === undefined ? parameter : { ...parameter, value: alias };
      }),
    };
  }
  const text = printRuleSpec(meaning, family);
  cache.set(rule, text);
  return text;
}
