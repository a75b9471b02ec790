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

/** How a rule of one side pairs with one of the other: not yet, kept in place, moved, or edited in place. */
const enum Pairing {
  None,
  Same,
  Moved,
  Changed,
}

/** The rules of one side of a chain with, per rule, its counterpart on the other side once paired, how, and what the diff reports about it once worked out. */
class Side {
  readonly partner: number[];
  readonly how: Pairing[];
  readonly change: Array<Change | undefined>;
  unpaired: number;

  constructor(readonly rules: Rule[]) {
    this.partner = new Array<number>(rules.length).fill(-1);
    this.how = new Array<Pairing>(rules.length).fill(Pairing.None);
    this.change = new Array(rules.length).fill(undefined);
    this.unpaired = rules.length;
  }
}

function alignRules(family: Family, table: TableName, chain: string, beforeRules: Rule[], afterRules: Rule[], options: DiffOptions): ChainStep[] {
  const printed = new PrintedSpecs(family);
  const beforeMeaning = (index: number) => comparableText(beforeRules[index], family, options, options.interfaceAliases?.before, printed);
  const afterMeaning = (index: number) => comparableText(afterRules[index], family, options, options.interfaceAliases?.after, printed);
  const before = new Side(beforeRules);
  const after = new Side(afterRules);

  // Most rules keep their exact text from one save to the next, so the source text aligns them
  // cheaply; only what is left over pays for the canonical meaning.
  if (!rewritesText(options)) {
    const pairs = alignSequences(beforeRules.map(sourceSpec), afterRules.map(sourceSpec));
    for (let k = 0; k < pairs.length; k++) pair(before, pairs[k][0], after, pairs[k][1], Pairing.Same);
  }
  // Most chains that changed gained or lost a rule or two: then nothing is left to pair.
  if (before.unpaired > 0 && after.unpaired > 0) {
    for (const gap of gaps(before, after)) {
      if (gap.before.length === 0 || gap.after.length === 0) continue;
      const pairs = alignSequences(gap.before.map(beforeMeaning), gap.after.map(afterMeaning));
      for (let k = 0; k < pairs.length; k++) pair(before, gap.before[pairs[k][0]], after, gap.after[pairs[k][1]], Pairing.Same);
    }
  }
  if (before.unpaired > 0 && after.unpaired > 0) pairMoves(before, after, beforeMeaning, afterMeaning);
  if (before.unpaired > 0 && after.unpaired > 0) for (const gap of gaps(before, after)) pairEdits(before, gap.before, after, gap.after, family);

  return buildSteps(family, table, chain, before, after, options, printed);
}

/** Pairs each rule left in `after` with the first one left in `before` that means the same: a rule moved. */
function pairMoves(before: Side, after: Side, beforeMeaning: (index: number) => string, afterMeaning: (index: number) => string): void {
  const waiting = new Map<string, number[]>();
  for (let i = 0; i < before.rules.length; i++) {
    if (before.how[i] !== Pairing.None) continue;
    const key = beforeMeaning(i);
    const list = waiting.get(key);
    if (list === undefined) waiting.set(key, [i]);
    else list.push(i);
  }
  for (let j = 0; j < after.rules.length; j++) {
    if (after.how[j] !== Pairing.None) continue;
    const candidate = waiting.get(afterMeaning(j))?.shift();
    if (candidate !== undefined) pair(before, candidate, after, j, Pairing.Moved);
  }
}

/**
 * Each rule's printed specification and its meaning's, printed once: most rules that changed are
 * printed for their meaning and then for the output, and most mean exactly what they say.
 */
class PrintedSpecs {
  /** Per rule: its printed specification; for a rule not in `unwritten`, also its written text and its meaning. */
  private readonly specs = new Map<Rule, string>();
  /** Rules whose line does not vouch for its text (see `writtenSpecOf`), asked once. */
  private readonly unwritten = new Set<Rule>();
  readonly meanings = new Map<Rule, string>();

  constructor(private readonly family: Family) {}

  of(rule: Rule): string {
    let spec = this.written(rule) ?? this.specs.get(rule);
    if (spec === undefined) {
      spec = printRuleSpec(rule, this.family);
      this.specs.set(rule, spec);
    }
    return spec;
  }

  /** The rule's specification as its line writes it, when that is both its printed text and its meaning (see `writtenSpecOf`); null otherwise. */
  written(rule: Rule): string | null {
    if (this.unwritten.has(rule)) return null;
    let spec = this.specs.get(rule) ?? null;
    if (spec === null) {
      spec = writtenSpecOf(rule, this.family);
      if (spec === null) this.unwritten.add(rule);
      else this.specs.set(rule, spec);
    }
    return spec;
  }
}

function pair(before: Side, i: number, after: Side, j: number, how: Pairing): void {
  before.partner[i] = j;
  after.partner[j] = i;
  before.how[i] = how;
  after.how[j] = how;
  before.unpaired--;
  after.unpaired--;
}

/** The stretches of unpaired rules (their indexes) between two rules kept in place. */
function gaps(before: Side, after: Side): Array<{ before: number[]; after: number[] }> {
  const result: Array<{ before: number[]; after: number[] }> = [];
  const beforeCount = before.rules.length;
  const afterCount = after.rules.length;
  let i = 0;
  let j = 0;
  while (i < beforeCount || j < afterCount) {
    // Most rules are kept in place: a stretch is made only where one is left unpaired.
    let gap: { before: number[]; after: number[] } | null = null;
    for (; i < beforeCount && before.how[i] !== Pairing.Same; i++) {
      if (before.how[i] === Pairing.None) (gap ??= { before: [], after: [] }).before.push(i);
    }
    for (; j < afterCount && after.how[j] !== Pairing.Same; j++) {
      if (after.how[j] === Pairing.None) (gap ??= { before: [], after: [] }).after.push(j);
    }
    if (gap !== null) result.push(gap);
    i++;
    j++;
  }
  return result;
}

/** Pairs a removed and an added rule in the same stretch as one rule edited in place, in order, when most of their pieces agree. */
function pairEdits(before: Side, removed: number[], after: Side, added: number[], family: Family): void {
  if (removed.length === 0 || added.length === 0 || removed.length * added.length > MAX_PAIRING_WORK) return;
  const addedParts = added.map((j) => partTexts(after.rules[j], family));
  let next = 0;
  for (const i of removed) {
    const parts = partTexts(before.rules[i], family);
    for (let k = next; k < added.length; k++) {
      if (similarity(parts, addedParts[k]) >= SAME_RULE_SIMILARITY) {
        pair(before, i, after, added[k], Pairing.Changed);
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

function buildSteps(family: Family, table: TableName, chain: string, before: Side, after: Side, options: DiffOptions, printed: PrintedSpecs): ChainStep[] {
  const base = { family, table, chain };
  const sideOf = (rules: Rule[], index: number) => ({ line: rules[index].line, position: index + 1, rule: printRule(rules[index], family, { counters: false, spec: printed.of(rules[index]) }) });
  const changeFor = (side: Side, index: number, isBefore: boolean): Change => {
    const known = side.change[index];
    if (known !== undefined) return known;
    const how = side.how[index];
    if (how === Pairing.None) {
      const change: Change = isBefore ? { kind: 'rule-removed', ...base, before: sideOf(side.rules, index), after: null } : { kind: 'rule-added', ...base, before: null, after: sideOf(side.rules, index) };
      side.change[index] = change;
      return change;
    }
    // A move or an edit is one change that both of its rules show.
    const [i, j] = isBefore ? [index, side.partner[index]] : [side.partner[index], index];
    const change: Change = { kind: how === Pairing.Moved ? 'rule-moved' : 'rule-changed', ...base, before: sideOf(before.rules, i), after: sideOf(after.rules, j) };
    if (how === Pairing.Changed) change.options = optionChanges(printRuleParts(meaningRule(before.rules[i]), family), printRuleParts(meaningRule(after.rules[j]), family));
    before.change[i] = change;
    after.change[j] = change;
    return change;
  };

  const steps: ChainStep[] = [];
  const beforeRules = before.rules;
  const afterRules = after.rules;
  let i = 0;
  let j = 0;
  while (i < beforeRules.length || j < afterRules.length) {
    for (; i < beforeRules.length && before.how[i] !== Pairing.Same; i++) {
      steps.push({ op: 'delete', before: beforeRules[i], beforePosition: i + 1, change: changeFor(before, i, true) });
    }
    for (; j < afterRules.length && after.how[j] !== Pairing.Same; j++) {
      steps.push({ op: 'insert', after: afterRules[j], afterPosition: j + 1, change: changeFor(after, j, false) });
    }
    if (i < beforeRules.length && j < afterRules.length) {
      const keep: ChainStep = { op: 'keep', before: beforeRules[i], after: afterRules[j], beforePosition: i + 1, afterPosition: j + 1 };
      if (options.counters && !sameCounters(beforeRules[i].counters, afterRules[j].counters)) {
        keep.change = { kind: 'counters-changed', ...base, before: sideOf(beforeRules, i), after: sideOf(afterRules, j), counters: { before: beforeRules[i].counters, after: afterRules[j].counters } };
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
  const written = rewritesText(options) ? null : printed.written(rule);
  if (written !== null) {
    cache.set(rule, written);
    return written;
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
