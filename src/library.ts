import type { Dump, Family, TableName } from './ast';
import { diffDumps } from './diff/diff-dumps';
import { parseForDiff } from './diff/parse-for-diff';
import { restorePatch } from './diff/restore-patch';
import type { DiffOptions, DumpDiff } from './diff/types';
import { buildChainGraph, type GraphSelection } from './graph/chain-graph';
import { formatDot } from './graph/dot';
import { formatHtml } from './graph/html';
import { builtinRules, findingKinds } from './lint/builtin-rules';
import { lintParsed } from './lint/lint-file';
import type { Finding, LintRule } from './lint/types';
import { LineMemo } from './parser/line-memo';
import { parseDump, type ParseOptions, type ParseResult } from './parser/parse-dump';
import { checkPolicy, loadPolicy as loadPolicyFile, parsePolicy as parsePolicyText, PolicyError } from './policy/load';
import { formatPath } from './policy/problems';
import { severityOverrides } from './policy/severity';
import type { Policy } from './policy/types';
import { printDump, type PrintOptions } from './printer';

/** Parses `iptables-save` output, a restore file or an `iptables -S` listing; never throws on bad input. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  return parseDump(text, options);
}

/** The canonical `iptables-save` text of a dump. */
export function print(dump: Dump, options: PrintOptions = {}): string {
  return printDump(dump, options);
}

export interface LintOptions {
  /** A policy object (checked like a policy file; a bad one throws PolicyError), or null/absent for none. */
  policy?: Policy | null;
  /**
   * The rules to run: built-in rules by code or name (`'IPT2004'`, `'duplicate-rule'`) and rule
   * objects of your own. Default: every built-in rule.
   */
  rules?: readonly (string | LintRule)[];
  /** With text input: the file name shown in findings. Default `-`. */
  file?: string;
  family?: Family;
  table?: TableName;
}

export interface LintResult {
  /** Parse problems (IPT1xxx) and rule findings, by line, after `# ipt-lint disable` comments and the policy's `severity`. */
  findings: Finding[];
  /** How many findings `# ipt-lint disable` comments silenced. */
  suppressed: number;
}

/**
 * Lints dump text, a parsed dump, or a `parse()` result (whose diagnostics then
 * join the findings), like `ipt-lint lint` does.
 */
export function lint(input: string | Dump | ParseResult, options: LintOptions = {}): LintResult {
  const rules = selectRules(options.rules);
  const policy = options.policy ?? null;
  if (policy !== null) {
    const problems = validatePolicy(policy, { rules });
    if (!problems.valid) throw new PolicyError('policy', problems.problems.map((problem) => `policy: ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`));
  }
  const parsed: ParseResult =
    typeof input === 'string' ? parseDump(input, { file: options.file, family: options.family, table: options.table })
    : 'dump' in input ? input
    : { dump: input, diagnostics: [] };
  const overrides = severityOverrides(policy?.severity, findingKinds(rules));
  const { findings, suppressed } = lintParsed(parsed, { rules, policy, overrides });
  return { findings, suppressed };
}

/** Reads and checks a policy file (YAML or JSON); throws PolicyError listing every problem as `file:line:col: path: message`. */
export function loadPolicy(file: string): Policy {
  return loadPolicyFile(file, { findingKinds: findingKinds() });
}

/** Parses and checks policy text (YAML or JSON); `file` names it in the PolicyError it throws. */
export function parsePolicy(text: string, file = 'policy'): Policy {
  return parsePolicyText(text, file, { findingKinds: findingKinds() });
}

export interface PolicyValidation {
  valid: boolean;
  /** `path` like `docker.networks[1].ipv4[0]` (empty for the whole policy). */
  problems: { path: string; message: string }[];
}

/** Checks policy data (already parsed, e.g. built in code) against the schema and what the schema cannot say. */
export function validatePolicy(data: unknown, options: { rules?: readonly LintRule[] } = {}): PolicyValidation {
  const problems = checkPolicy(data, { findingKinds: findingKinds(options.rules ?? builtinRules()) }).map((problem) => ({ path: formatPath(problem.path), message: problem.message }));
  return { valid: problems.length === 0, problems };
}

/** The chains as a graph: Graphviz `dot` text or a self-contained HTML page; throws GraphSelectionError for a table or family the dump lacks. */
export function graph(dump: Dump, options: GraphSelection & { format?: 'dot' | 'html' } = {}): string {
  const chains = buildChainGraph(dump, options);
  return options.format === 'html' ? formatHtml(chains) : formatDot(chains);
}

/** The built-in rules, for `lint`'s `rules` option or to list codes. */
export function rules(): readonly LintRule[] {
  return builtinRules();
}

function selectRules(wanted: LintOptions['rules']): readonly LintRule[] {
  const builtin = builtinRules();
  if (wanted === undefined) return builtin;
  return wanted.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const rule = builtin.find((candidate) => candidate.meta.code === entry.toUpperCase() || candidate.meta.name === entry);
    if (rule === undefined) throw new RangeError(`no built-in rule is called ${entry}; codes run from ${builtin[0].meta.code} to ${builtin[builtin.length - 1].meta.code}`);
    return rule;
  });
}

/**
 * What changed from `before` to `after`, by meaning, as `ipt-lint diff` reports it. Each side is
 * dump text, a parsed dump or a `parse()` result; text with errors is compared as far as it parsed.
 */
export function diff(before: string | Dump | ParseResult, after: string | Dump | ParseResult, options: DiffOptions = {}): DumpDiff {
  if (typeof before === 'string' && typeof after === 'string') {
    const parsed = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' }, { counters: options.counters });
    return diffDumps(parsed.before.dump, parsed.after.dump, options);
  }
  const memo = new LineMemo();
  const dumpOf = (input: string | Dump | ParseResult, file: string): Dump => (typeof input === 'string' ? parseDump(input, { file, memo }).dump : 'dump' in input ? input.dump : input);
  return diffDumps(dumpOf(before, 'before'), dumpOf(after, 'after'), options);
}

/** The `iptables-restore --noflush` script that turns a diff's `before` into its `after`. */
export function restoreScript(changes: DumpDiff): string {
  return restorePatch(changes);
}
