import type { Diagnostic, Dump } from '../ast';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A few lines per file: family, producer, and per table its chains and rules. */
export function formatParseSummary(dump: Dump, diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const lines: string[] = [];
  const problems = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  if (dump.rulesets.length === 0) {
    lines.push(`${dump.file}: no tables (${dump.format === 'empty' ? 'an empty ruleset' : dump.format}); ${problems}`);
    return lines.join('\n');
  }
  lines.push(`${dump.file}: ${dump.format === 'rules-list' ? 'iptables -S listing' : 'iptables-save format'}, ${plural(dump.lineCount, 'line')}; ${problems}`);
  for (const ruleset of dump.rulesets) {
    const producer = ruleset.producer === null ? 'no header' : `${ruleset.producer.program} v${ruleset.producer.version ?? '?'}${ruleset.producer.backend === null ? '' : ` (${ruleset.producer.backend})`}`;
    const chains = ruleset.tables.reduce((sum, table) => sum + table.chains.length, 0);
    const rules = ruleset.tables.reduce((sum, table) => sum + table.chains.reduce((n, chain) => n + chain.rules.length, 0), 0);
    lines.push(`  ${ruleset.family} (${ruleset.familySource === 'header' ? 'from header' : ruleset.familySource === 'option' ? 'from --family' : ruleset.familySource === 'content' ? 'from addresses' : 'assumed'}), ${producer}: ${plural(ruleset.tables.length, 'table')}, ${plural(chains, 'chain')}, ${plural(rules, 'rule')}`);
    for (const table of ruleset.tables) {
      const tableRules = table.chains.reduce((n, chain) => n + chain.rules.length, 0);
      const userChains = table.chains.filter((chain) => !chain.builtin).length;
      lines.push(`    ${table.name.padEnd(8)} ${plural(table.chains.length, 'chain')} (${userChains} user), ${plural(tableRules, 'rule')}`);
    }
  }
  return lines.join('\n');
}
