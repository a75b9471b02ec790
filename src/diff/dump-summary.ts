import type { Chain, Diagnostic, Dump, Family, Rule, Ruleset, Table } from '../ast';
import { parseDump, type ParseResult } from '../parser/parse-dump';
import { chainSourceText, rememberChainSourceText } from './chain-text';

/**
 * A parsed dump as one thread hands it to another: every chain with its rules as one text, so
 * the copy costs a few strings per chain instead of an object per rule. The receiver builds a
 * chain's rules from that text only when it needs them.
 */
export interface DumpSummary {
  diagnostics: Diagnostic[];
  /** Null when the file is not a plain save (restore commands other than -A): then the receiver parses it itself. */
  dump: (Omit<Dump, 'rulesets'> & { rulesets: RulesetSummary[] }) | null;
}

interface RulesetSummary extends Omit<Ruleset, 'tables'> {
  tables: TableSummary[];
}

interface TableSummary extends Omit<Table, 'chains' | 'statements'> {
  chains: ChainSummary[];
}

interface ChainSummary extends Omit<Chain, 'rules'> {
  /** The rules as written without counters, one per line (chainSourceText). */
  text: string;
  /** The rules' source lines when some carry counters, else null (the same as `text`). */
  raws: string | null;
  /** Each rule's line number. */
  lines: Int32Array;
}

export function summarizeDump({ dump, diagnostics }: ParseResult): DumpSummary {
  const plain = dump.rulesets.every((ruleset) => ruleset.tables.every((table) => table.statements.every((s) => s.kind === 'chain' || (s.kind === 'rule' && s.command === 'append'))));
  if (!plain || diagnostics.some((d) => d.severity === 'error')) return { diagnostics, dump: null };
  const { rulesets, ...header } = dump;
  return {
    diagnostics,
    dump: {
      ...header,
      rulesets: rulesets.map(({ tables, ...ruleset }) => ({
        ...ruleset,
        tables: tables.map(({ chains, statements: _statements, ...table }) => ({
          ...table,
          chains: chains.map(({ rules, ...chain }) => {
            const withCounters = rules.some((rule) => rule.counters !== null);
            return { ...chain, text: chainSourceText({ ...chain, rules }), raws: withCounters ? rules.map((rule) => rule.raw).join('\n') : null, lines: Int32Array.from(rules, (rule) => rule.line) };
          }),
        })),
      })),
    },
  };
}

/**
 * The dump a summary stands for. Its tables' `statements` are left empty (the differ does not
 * read them); a chain's rules are parsed from its text when first read.
 */
export function dumpFromSummary(summary: NonNullable<DumpSummary['dump']>): Dump {
  return {
    ...summary,
    rulesets: summary.rulesets.map((ruleset) => ({
      ...ruleset,
      tables: ruleset.tables.map(({ chains, ...table }) => ({
        ...table,
        statements: [],
        chains: chains.map((chain) => chainFromSummary(chain, table.name, ruleset.family)),
      })),
    })),
  };
}

function chainFromSummary({ text, raws, lines, ...fields }: ChainSummary, table: Table['name'], family: Family): Chain {
  let rules: Rule[] | null = null;
  const chain: Chain = {
    ...fields,
    get rules(): Rule[] {
      rules ??= rulesFromText(raws ?? text, lines, table, fields.name, fields.builtin, family);
      return rules;
    },
    set rules(value: Rule[]) {
      rules = value;
    },
  };
  rememberChainSourceText(chain, text);
  return chain;
}

function rulesFromText(raws: string, lines: Int32Array, table: Table['name'], name: string, builtin: boolean, family: Family): Rule[] {
  if (lines.length === 0) return [];
  const declaration = builtin ? '' : `:${name} - [0:0]\n`;
  const { dump } = parseDump(`*${table}\n${declaration}${raws}\nCOMMIT\n`, { family, file: '' });
  const rules = dump.rulesets[0]?.tables[0]?.chains.find((chain) => chain.name === name)?.rules ?? [];
  if (rules.length !== lines.length) throw new Error(`chain ${name}: ${lines.length} rules were sent, ${rules.length} read back`);
  rules.forEach((rule, index) => {
    rule.line = lines[index];
    if (rule.target !== null) rule.target.line = lines[index];
  });
  return rules;
}

