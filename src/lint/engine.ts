import type { Diagnostic, Dump, Rule, Severity, Table } from '../ast';
import { printRuleSpec } from '../printer';
import type { ProgressCallback } from '../output/progress';
import type { Policy } from '../policy/types';
import type { Finding, LintRule, ReportTarget, SharedFacts, Visitor } from './types';
import { byCodeUnits } from '../text-order';

export const DOCS_BASE = 'https://github.com/ipt-lint/ipt-lint/blob/main/docs/';

export type SeverityOverride = Severity | 'off';

export interface LintOptions {
  rules: readonly LintRule[];
  /** Per code: another severity, or 'off'. */
  overrides?: Record<string, SeverityOverride>;
  policy?: Policy | null;
  /** Called every few thousand rules with the rules visited and the dump's rule count. */
  onProgress?: ProgressCallback;
}

const PROGRESS_EVERY = 4096;

export function docsUrlFor(code: string): string {
  return code.startsWith('IPT1') ? `${DOCS_BASE}diagnostics.md#${code.toLowerCase()}` : `${DOCS_BASE}rules/${code}.md`;
}

/** Runs every rule in one walk over the tree and returns their findings in document order. */
export function lintDump(dump: Dump, options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const visitors: Visitor[] = [];
  const sharedByCompute = new Map<(table: Table, shared: SharedFacts) => unknown, Map<Table, unknown>>();
  const shared: SharedFacts = (table, compute) => {
    let byTable = sharedByCompute.get(compute);
    if (byTable === undefined) sharedByCompute.set(compute, (byTable = new Map()));
    if (byTable.has(table)) return byTable.get(table) as ReturnType<typeof compute>;
    const value = compute(table, shared);
    byTable.set(table, value);
    return value;
  };
  for (const rule of options.rules) {
    const override = options.overrides?.[rule.meta.code];
    if (override === 'off') continue;
    const severity = override ?? rule.meta.severity;
    visitors.push(
      rule.create({
        dump,
        policy: options.policy ?? null,
        report: (target) => findings.push(toFinding(rule, severity, dump.file, target)),
        shared,
      }),
    );
  }

  const withHook = <K extends keyof Visitor>(hook: K): Visitor[] => visitors.filter((visitor) => visitor[hook] !== undefined);
  const onRuleset = withHook('ruleset');
  const onTable = withHook('table');
  const onChain = withHook('chain');
  const onRule = withHook('rule');
  const onTableEnd = withHook('tableEnd');
  const onProgress = options.onProgress;
  const totalRules = onProgress === undefined ? 0 : countRules(dump);
  let visited = 0;
  for (const ruleset of dump.rulesets) {
    for (const visitor of onRuleset) visitor.ruleset!(ruleset);
    for (const table of ruleset.tables) {
      for (const visitor of onTable) visitor.table!(table, ruleset);
      if (onChain.length > 0 || onRule.length > 0) {
        for (const chain of table.chains) {
          for (const visitor of onChain) visitor.chain!(chain, table, ruleset);
          if (onRule.length === 0) continue;
          for (const rule of chain.rules) {
            for (const visitor of onRule) visitor.rule!(rule, chain, table, ruleset);
            if (onProgress !== undefined && ++visited % PROGRESS_EVERY === 0) onProgress(visited, totalRules);
          }
        }
      }
      for (const visitor of onTableEnd) visitor.tableEnd!(table, ruleset);
      // The built-in rules loop over a table's chains and rules themselves: without rule hooks, progress moves a table at a time.
      if (onRule.length === 0 && onProgress !== undefined) {
        for (let index = 0; index < table.chains.length; index++) visited += table.chains[index].rules.length;
        onProgress(visited, totalRules);
      }
    }
  }
  for (const visitor of visitors) visitor.end?.();
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || byCodeUnits(a.code, b.code));
}

function countRules(dump: Dump): number {
  let count = 0;
  for (const ruleset of dump.rulesets) for (const table of ruleset.tables) for (let index = 0; index < table.chains.length; index++) count += table.chains[index].rules.length;
  return count;
}

/** Parse diagnostics as findings, so a dump with a bad line still gets one report. */
export function diagnosticFindings(diagnostics: readonly Diagnostic[], overrides: Record<string, SeverityOverride> = {}): Finding[] {
  const findings: Finding[] = [];
  for (const diagnostic of diagnostics) {
    const override = overrides[diagnostic.code];
    if (override === 'off') continue;
    findings.push({
      code: diagnostic.code,
      name: diagnostic.name,
      severity: override ?? diagnostic.severity,
      message: diagnostic.message,
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      endColumn: diagnostic.endColumn,
      family: null,
      table: null,
      chain: null,
      docsUrl: docsUrlFor(diagnostic.code),
      fingerprint: `${diagnostic.code}|${diagnostic.source.trim()}`,
    });
  }
  return findings;
}

function toFinding(lintRule: LintRule, severity: Severity, file: string, target: ReportTarget): Finding {
  const template = lintRule.meta.messages[target.messageId];
  if (template === undefined) throw new Error(`${lintRule.meta.code} reported unknown message id ${target.messageId}`);
  const message = template.replace(/\{(\w+)\}/g, (whole, key: string) => (target.data !== undefined && key in target.data ? String(target.data[key]) : whole));
  const at = target.at;
  const rule = target.rule ?? ((at as Partial<Rule>).kind === 'rule' ? (at as Rule) : null);
  const family = target.ruleset.family;
  return {
    code: lintRule.meta.code,
    name: lintRule.meta.name,
    severity,
    message,
    file,
    line: at.line,
    column: at.column,
    family,
    table: target.table?.name ?? null,
    chain: target.chain?.name ?? null,
    docsUrl: docsUrlFor(lintRule.meta.code),
    ...(target.related === undefined ? {} : { related: target.related }),
    fingerprint:
      target.fingerprint ??
      [lintRule.meta.code, family, target.table?.name ?? '', target.chain?.name ?? '', rule === null ? '' : printRuleSpec(rule, family), target.messageId].join('|'),
  };
}
