import type { Counters, ExtensionOption, Family, Match, Parameter, Rule, RuleCommand, Target } from '../ast';

export interface RuleDetails {
  parameters: Parameter[];
  matches: Match[];
  target: Target | null;
}

/** Rebuilds a rule's details from its source line. */
export type DetailBuilder = (raw: string, family: Family, line: number) => RuleDetails;

/**
 * A rule whose parameters, matches and target options are built from its
 * line the first time they are read. Every line is fully checked when the file
 * is parsed; only the objects wait. A 100k-rule dump then costs a couple of
 * objects per rule instead of about fifteen until something looks inside.
 * Option-less targets (`-j ACCEPT`, `-j CHAIN`, `-g CHAIN`) are kept from the
 * check, since most lint rules read them.
 */
export class LazyRule implements Rule {
  readonly kind = 'rule';
  line: number;
  column: number;
  command: RuleCommand;
  chain: string;
  ruleNumber: number | null;
  position: number;
  counters: Counters | null;
  onlyFamily: Family | null;
  unsupportedRevision: boolean;
  raw: string;
  readonly #family: Family;
  readonly #build: DetailBuilder;
  #details: (RuleDetails & { targetOptions: ExtensionOption[] }) | null = null;
  #target: Target | null;
  /** The target as the line reads, whatever the fold sets later (a renamed chain). */
  readonly #lineTarget: Target | null;

  constructor(rule: Rule, family: Family, build: DetailBuilder) {
    this.line = rule.line;
    this.column = rule.column;
    this.command = rule.command;
    this.chain = rule.chain;
    this.ruleNumber = rule.ruleNumber;
    this.position = rule.position;
    this.counters = rule.counters;
    this.onlyFamily = rule.onlyFamily;
    this.unsupportedRevision = rule.unsupportedRevision;
    this.raw = rule.raw;
    this.#family = family;
    this.#build = build;
    const target = rule.target;
    // Name, kind and type are known from the check; only an extension's options wait.
    this.#target = target === null ? null : target.type === 'standard' || target.type === 'chain' ? target : new LazyTarget(target, () => this.details().targetOptions);
    this.#lineTarget = this.#target;
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
    return this.#target;
  }

  set target(target: Target | null) {
    this.#target = target;
  }

  /**
   * The same line read at another line number (a memoised line of another dump): its own
   * objects, since the fold sets a rule's position, but the same checked text.
   */
  movedTo(line: number): LazyRule {
    const target = this.#lineTarget;
    const moved = target === null ? null : { kind: target.kind, name: target.name, type: target.type, options: [], line, column: target.column };
    return new LazyRule(ruleFields(this, line, moved), this.#family, this.#build);
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

  private details(): RuleDetails & { targetOptions: ExtensionOption[] } {
    if (this.#details === null) {
      const built = this.#build(this.raw, this.#family, this.line);
      this.#details = { parameters: built.parameters, matches: built.matches, target: built.target, targetOptions: built.target?.options ?? [] };
    }
    return this.#details as RuleDetails & { targetOptions: ExtensionOption[] };
  }
}

/** A rule's own fields, without reading its lazily built details. */
function ruleFields(rule: LazyRule, line: number, target: Target | null): Rule {
  return {
    kind: rule.kind,
    command: rule.command,
    chain: rule.chain,
    ruleNumber: rule.ruleNumber,
    position: 0,
    counters: rule.counters,
    onlyFamily: rule.onlyFamily,
    parameters: [],
    matches: [],
    target,
    unsupportedRevision: rule.unsupportedRevision,
    raw: rule.raw,
    line,
    column: rule.column,
  };
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

  constructor(target: Target, build: () => ExtensionOption[]) {
    this.kind = target.kind;
    this.name = target.name;
    this.type = target.type;
    this.line = target.line;
    this.column = target.column;
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
