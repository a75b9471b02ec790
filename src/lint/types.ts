import type { Chain, Dump, Family, Located, Rule, Ruleset, Severity, Table, TableName } from '../ast';
import type { Policy } from '../policy/types';

/** One problem a lint rule (or the parser) found, with everything a formatter needs. */
export interface Finding {
  code: string;
  name: string;
  severity: Severity;
  /** What is wrong and what to do, naming related lines ("shadowed by line 42"). */
  message: string;
  file: string;
  /** 1-based; 0 for a finding about the whole file. */
  line: number;
  column: number;
  endColumn?: number;
  family: Family | null;
  table: TableName | null;
  chain: string | null;
  docsUrl: string;
  /** Other lines the finding is about. */
  related?: { line: number; message: string }[];
  /** Stable across edits that move lines: what a baseline matches on. */
  fingerprint: string;
}

/** What a rule says about itself; the meta-test checks each field. */
export interface RuleMeta {
  /** Stable code, `IPT2nnn` for hygiene rules, `IPT3nnn` for Docker policy checks. */
  code: string;
  /** Short kebab-case name. */
  name: string;
  severity: Severity;
  /** One line: what the rule catches. */
  description: string;
  /** Message templates by id; `{name}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
}

/** Where in the tree a report points; the engine fills in what the visitor position already knows. */
export interface ReportTarget {
  at: Located;
  ruleset: Ruleset;
  table?: Table;
  chain?: Chain;
  /** The rule the finding is about, when `at` is a part of it (its target, a match). */
  rule?: Rule;
  messageId: string;
  data?: Record<string, string | number>;
  related?: { line: number; message: string }[];
  /** Overrides the default fingerprint (code, table, chain, the rule's canonical text). */
  fingerprint?: string;
}

export interface RuleContext {
  readonly dump: Dump;
  /** The policy the dump is checked against; null when none was given (policy rules then do nothing). */
  readonly policy: Policy | null;
  report(target: ReportTarget): void;
  /**
   * What `compute` makes of `table`, computed once per lint run however many rules ask for it:
   * for facts several rules need, such as where each rule of the table jumps to.
   */
  shared: SharedFacts;
}

/** See `RuleContext.shared`. A computation gets it too, so that one shared fact can build on another. */
export type SharedFacts = <T>(table: Table, compute: (table: Table, shared: SharedFacts) => T) => T;

/** For a computation run on its own, outside a lint run: each fact it asks for is computed afresh. */
export const unshared: SharedFacts = (table, compute) => compute(table, unshared);

/**
 * Callbacks the engine calls during its single walk over the tree, in
 * document order: ruleset, then per table its chains (each with its rules),
 * then `tableEnd`, and `end` once everything was visited.
 */
export interface Visitor {
  ruleset?(ruleset: Ruleset): void;
  table?(table: Table, ruleset: Ruleset): void;
  chain?(chain: Chain, table: Table, ruleset: Ruleset): void;
  rule?(rule: Rule, chain: Chain, table: Table, ruleset: Ruleset): void;
  tableEnd?(table: Table, ruleset: Ruleset): void;
  end?(): void;
}

/** A lint rule: metadata and a pure check over the tree. */
export interface LintRule {
  meta: RuleMeta;
  create(context: RuleContext): Visitor;
}
