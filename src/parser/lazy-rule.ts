import type { Counters, Family, Match, Parameter, Rule, RuleCommand, Target } from '../ast';

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
  #details: RuleDetails | null = null;
  /** Undefined while a target with options waits to be built. */
  #target: Target | null | undefined;

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
    this.#target = target === null ? null : target.type === 'standard' || target.type === 'chain' ? target : undefined;
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
    return this.#target !== undefined ? this.#target : this.details().target;
  }

  set target(target: Target | null) {
    this.#target = target;
    if (this.#details !== null) this.#details.target = target;
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

  private details(): RuleDetails {
    if (this.#details === null) {
      const built = this.#build(this.raw, this.#family, this.line);
      // What was kept from the check stays the object callers already hold.
      if (this.#target !== undefined) built.target = this.#target;
      else this.#target = built.target;
      this.#details = built;
    }
    return this.#details;
  }
}
