import type { Family, Rule, TableName } from '../ast';
import { BUILTIN_CHAINS, parseDump } from '../parser/parse-dump';
import { printRuleSpec } from '../printer';
import { ruleMeaning } from '../rule-meaning';

export type ParsedRuleText = { ok: true; rule: Rule; canonical: string; meaning: string } | { ok: false; problem: string };

/**
 * A policy's rule text (`-s 10.0.0.0/8 -j DROP`, without `-A CHAIN`) read the way iptables-restore
 * would read it in that table and chain, for one address family.
 */
export function parseRuleText(table: TableName, chain: string, text: string, family: Family): ParsedRuleText {
  // A user chain must be declared before a rule may go to it; built-in chains need no declaration.
  const declaration = BUILTIN_CHAINS[table].includes(chain) ? '' : `:${chain} - [0:0]\n`;
  const ruleLine = declaration === '' ? 2 : 3;
  const { dump, diagnostics } = parseDump(`*${table}\n${declaration}-A ${chain} ${text}\nCOMMIT\n`, { family });
  const error = diagnostics.find((diagnostic) => diagnostic.severity === 'error');
  if (error !== undefined) return { ok: false, problem: `${error.message} (${error.code})` };
  const rule = dump.rulesets[0]?.tables[0]?.chains.find((candidate) => candidate.name === chain)?.rules[0];
  if (rule === undefined || rule.line !== ruleLine) return { ok: false, problem: 'it is not a single rule' };
  return { ok: true, rule, canonical: printRuleSpec(rule, family), meaning: ruleMeaning(rule, family) };
}
