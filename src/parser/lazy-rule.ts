import type { Counters, ExtensionOption, Family, Match, Parameter, Rule, RuleCommand, Target } from '../ast';
import { printParameter } from '../printer';

export interface RuleDetails {
  parameters: Parameter[];
  matches: Match[];
  target: Target | null;
}

/**
 * Reads more of a rule's source line when it is needed; `reading` is what the line check left
 * for it (a line template), or null.
 */
export interface LineReader {
  /** The rule's parameters, matches and target, built again from the line. */
  details(raw: string, family: Family, line: number, reading: object | null): RuleDetails;
  /** The line's printed parts in `family` (see `printedPartsOf`), from its words alone; null when only the details tell. */
  printedParts(raw: string, reading: object | null, family: Family): string[] | null;
  /** Whether every match of the line is a known `-m comment`, from the reading alone; null when only the details tell. */
  onlyCommentMatches(reading: object | null): boolean | null;
  /** The line's specification as written when, from its words and reading alone, it prints so and means just that (see `writtenSpecOf`); null otherwise. */
  writtenSpec(raw: string, reading: object | null, family: Family): string | null;
}

/** What a rule's line says of its target, before any object is made for it. */
export interface TargetHead {
  kind: Target['kind'];
  name: string;
  type: Target['type'];
  column: number;
}

/** A rule's own fields, as the line check finds them. */
export type RuleHead = Pick<Rule, 'line' | 'column' | 'command' | 'chain' | 'ruleNumber' | 'counters' | 'onlyFamily' | 'unsupportedRevision' | 'raw'>;

const TARGET_TYPES: readonly Target['type'][] = ['standard', 'extension', 'chain', 'unknown'];
/** The options of every verdict and jump to a chain: there are none, and one frozen array says so for all. */
const NO_OPTIONS: ExtensionOption[] = Object.freeze([]) as unknown as ExtensionOption[];

/**
 * A rule whose parameters, matches and target are built from its line the first time they are
 * read. Every line is fully checked when the file is parsed; only the objects wait. A 100k-rule
 * dump then costs one object per rule instead of about fifteen until something looks inside:
 * fewer objects to make, and far fewer for the garbage collector to copy.
 */
export class LazyRule implements Rule {
  readonly kind = 'rule';
  line: number;
  column: number;
  command: RuleCommand;
  chain: string;
  ruleNumber: number | null;
  position = 0;
  counters: Counters | null;
  onlyFamily: Family | null;
  unsupportedRevision: boolean;
  raw: string;
  readonly #family: Family;
  readonly #reader: LineReader;
  readonly #reading: object | null;
  #details: (RuleDetails & { targetOptions: ExtensionOption[] }) | null = null;
  /** The target object once made (or set); undefined until then. */
  #target: Target | null | undefined = undefined;
  /** The target as the line reads, whatever the fold sets later (a renamed chain): name, and kind, type and column packed in one number. */
  readonly #targetName: string | null;
  readonly #targetBits: number;

  constructor(head: RuleHead, target: TargetHead | null, family: Family, reader: LineReader, reading: object | null = null) {
    this.line = head.line;
    this.column = head.column;
    this.command = head.command;
    this.chain = head.chain;
    this.ruleNumber = head.ruleNumber;
    this.counters = head.counters;
    this.onlyFamily = head.onlyFamily;
    this.unsupportedRevision = head.unsupportedRevision;
    this.raw = head.raw;
    this.#family = family;
    this.#reader = reader;
    this.#reading = reading;
    this.#targetName = target === null ? null : target.name;
    this.#targetBits = target === null ? 0 : target.column * 8 + TARGET_TYPES.indexOf(target.type) * 2 + (target.kind === 'goto' ? 1 : 0);
  }

  get parameters(): Parameter[] {
    return this.details().parameters;
  }

  set parameters(parameters: Parameter[]) {
    this.details().parameters = parameters;
  }

  get matches(): Match[] {
    return this.details().matches;
  }

  set matches(matches: Match[]) {
    this.details().matches = matches;
  }

  get target(): Target | null {
    if (this.#target === undefined) this.#target = this.lineTarget(this.line);
    return this.#target;
  }

  set target(target: Target | null) {
    this.#target = target;
  }

  /** The target's name as `target.name` gives it, without making the target object. */
  get targetName(): string | null {
    return this.#target !== undefined ? (this.#target?.name ?? null) : this.#targetName;
  }

  /** The target's type as `target.type` gives it, without making the target object; null without a target. */
  get targetType(): Target['type'] | null {
    if (this.#target !== undefined) return this.#target?.type ?? null;
    return this.#targetName === null ? null : this.lineTargetType();
  }

  /** Whether the target is a goto (`-g`), without making the target object. */
  get targetIsGoto(): boolean {
    return this.#target !== undefined ? this.#target?.kind === 'goto' : this.lineTargetKind() === 'goto';
  }

  /** The rule's printed parts (see `printedPartsOf`), read from the line while its details are unmade. */
  printedParts(family: Family): readonly string[] {
    return (this.#details === null ? this.#reader.printedParts(this.raw, this.#reading, family) : null) ?? printedPartsOfDetails(this.parameters, this.matches, family);
  }

  /** Whether every match is a known `-m comment`, told from the line's reading while the matches are unmade. */
  get onlyCommentMatches(): boolean {
    return (this.#details === null ? this.#reader.onlyCommentMatches(this.#reading) : null) ?? matchesAreComments(this.matches);
  }

  /** See `writtenSpecOf`: only while nothing of the rule has been made, and so possibly changed. */
  writtenSpec(family: Family): string | null {
    return this.#details === null && this.#target === undefined ? this.#reader.writtenSpec(this.raw, this.#reading, family) : null;
  }

  /** The same line read at another line number (a memoised line of another dump): a rule of its own, with the same checked text. */
  movedTo(line: number): LazyRule {
    const head: RuleHead = {
      line,
      column: this.column,
      command: this.command,
      chain: this.chain,
      ruleNumber: this.ruleNumber,
      counters: this.counters,
      onlyFamily: this.onlyFamily,
      unsupportedRevision: this.unsupportedRevision,
      raw: this.raw,
    };
    return new LazyRule(head, this.targetHead(), this.#family, this.#reader, this.#reading);
  }

  /** The same fields, in the same order, as a plain rule object. */
  toJSON(): Rule {
    return {
      kind: this.kind,
      command: this.command,
      chain: this.chain,
      ruleNumber: this.ruleNumber,
      position: this.position,
      counters: this.counters,
      onlyFamily: this.onlyFamily,
      parameters: this.parameters,
      matches: this.matches,
      target: this.target,
      unsupportedRevision: this.unsupportedRevision,
      raw: this.raw,
      line: this.line,
      column: this.column,
    };
  }

  /* The line's target, as packed into #targetBits by the constructor. */

  private lineTargetKind(): Target['kind'] {
    return this.#targetBits & 1 ? 'goto' : 'jump';
  }

  private lineTargetType(): Target['type'] {
    return TARGET_TYPES[(this.#targetBits >> 1) & 3];
  }

  private lineTargetColumn(): number {
    return Math.floor(this.#targetBits / 8);
  }

  private targetHead(): TargetHead | null {
    const name = this.#targetName;
    if (name === null) return null;
    return { kind: this.lineTargetKind(), name, type: this.lineTargetType(), column: this.lineTargetColumn() };
  }

  private lineTarget(line: number): Target | null {
    const name = this.#targetName;
    if (name === null) return null;
    const type = this.lineTargetType();
    // Only an extension's options come from the line; jumps to chains and verdicts have none.
    if (type === 'standard' || type === 'chain') return { kind: this.lineTargetKind(), name, type, options: NO_OPTIONS, line, column: this.lineTargetColumn() };
    return new LazyTarget(this.targetHead()!, line, () => this.details().targetOptions);
  }

  private details(): RuleDetails & { targetOptions: ExtensionOption[] } {
    if (this.#details === null) {
      const built = this.#reader.details(this.raw, this.#family, this.line, this.#reading);
      this.#details = { parameters: built.parameters, matches: built.matches, target: built.target, targetOptions: built.target?.options ?? [] };
    }
    return this.#details as RuleDetails & { targetOptions: ExtensionOption[] };
  }
}

/** A target extension whose options are built with the rest of its rule, on first read. */
class LazyTarget implements Target {
  kind: Target['kind'];
  name: string;
  type: Target['type'];
  line: number;
  column: number;
  #options: ExtensionOption[] | null = null;
  readonly #build: () => ExtensionOption[];

  constructor(head: TargetHead, line: number, build: () => ExtensionOption[]) {
    this.kind = head.kind;
    this.name = head.name;
    this.type = head.type;
    this.line = line;
    this.column = head.column;
    this.#build = build;
  }

  get options(): ExtensionOption[] {
    this.#options ??= this.#build();
    return this.#options;
  }

  set options(options: ExtensionOption[]) {
    this.#options = options;
  }

  toJSON(): Target {
    return { kind: this.kind, name: this.name, type: this.type, options: this.options, line: this.line, column: this.column };
  }
}

/*
 * Loops over every rule of a big dump (lint's jump index, early endings, duplicate targets) read
 * only a target's name, type and kind. For a rule whose target is still unmade these read the
 * line's fields instead of making 100k target objects that the garbage collector then copies.
 */

export function targetNameOf(rule: Rule): string | null {
  return rule instanceof LazyRule ? rule.targetName : (rule.target?.name ?? null);
}

export function targetTypeOf(rule: Rule): Target['type'] | null {
  return rule instanceof LazyRule ? rule.targetType : (rule.target?.type ?? null);
}

export function targetIsGoto(rule: Rule): boolean {
  return rule instanceof LazyRule ? rule.targetIsGoto : rule.target?.kind === 'goto';
}

/**
 * The rule's specification (everything after its chain's name) as its line writes it, when the
 * line tells without building the rule that `printRuleSpec(rule, family)` and `ruleMeaning(rule,
 * family)` both give that text; null when only the built rule would tell. Most lines of a save
 * are written the way iptables-save prints them.
 */
export function writtenSpecOf(rule: Rule, family: Family): string | null {
  return rule instanceof LazyRule ? rule.writtenSpec(rule.onlyFamily ?? family) : null;
}

/**
 * Parts of a rule's canonical text as `printRuleSpec(rule, family)` prints them, in its order:
 * the parameters with a value (addresses, interfaces, protocol) and the comments. Two rules with
 * the same canonical text have the same parts, and the parts tell most rules of a chain apart (a
 * Docker host's bridges and containers, kube-proxy's services) without building them.
 */
export function printedPartsOf(rule: Rule, family: Family): readonly string[] {
  const ruleFamily = rule.onlyFamily ?? family;
  return rule instanceof LazyRule ? rule.printedParts(ruleFamily) : printedPartsOfDetails(rule.parameters, rule.matches, ruleFamily);
}

/** Whether every match of the rule is a known `-m comment`, told without building it where the line tells. */
export function hasOnlyCommentMatches(rule: Rule): boolean {
  return rule instanceof LazyRule ? rule.onlyCommentMatches : matchesAreComments(rule.matches);
}

function printedPartsOfDetails(parameters: readonly Parameter[], matches: readonly Match[], family: Family): string[] {
  const parts: string[] = [];
  for (const parameter of parameters) {
    const part = parameter.value === null ? '' : printParameter(parameter, family);
    if (part !== '') parts.push(part);
  }
  for (const match of matches) {
    if (match.module !== 'comment' || !match.known) continue;
    for (const option of match.options) if (option.name === 'comment') parts.push(...option.values.map(commentPart));
  }
  return parts;
}

export function commentPart(value: string): string {
  return `--comment ${value}`;
}

function matchesAreComments(matches: readonly Match[]): boolean {
  return matches.every((match) => match.module === 'comment' && match.known);
}
