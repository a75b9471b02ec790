import type { Table } from '../../src/ast';
import { lintDump } from '../../src/lint/engine';
import type { LintRule, Visitor } from '../../src/lint/types';
import { parseDump } from '../../src/parser/parse-dump';

const DUMP = ['*filter', ':INPUT ACCEPT [0:0]', ':SERVICES - [0:0]', '-A INPUT -j SERVICES', '-A SERVICES -j ACCEPT', 'COMMIT', '*nat', ':PREROUTING ACCEPT [0:0]', 'COMMIT', ''].join('\n');

function ruleWith(code: string, visitor: (context: Parameters<LintRule['create']>[0]) => Visitor): LintRule {
  return { meta: { code, name: code.toLowerCase(), severity: 'info', description: 'test', messages: { found: 'found {what}' } }, create: visitor };
}

describe('lintDump', () => {
  test('shared work is computed once per table and run, for every rule that asks', () => {
    const dump = parseDump(DUMP, { file: 'case.rules' }).dump;
    const computed: string[] = [];
    const chainCount = (table: Table): number => {
      computed.push(table.name);
      return table.chains.length;
    };
    const asking = (code: string): LintRule =>
      ruleWith(code, (context) => ({
        tableEnd(table, ruleset) {
          context.report({ at: table, ruleset, table, messageId: 'found', data: { what: context.shared(table, chainCount) } });
        },
      }));
    const rules = [asking('X1'), asking('X2')];

    const findings = lintDump(dump, { rules });
    expect(computed).toEqual(['filter', 'nat']);
    expect(findings.map((finding) => `${finding.code} ${finding.table} ${finding.message}`)).toEqual(['X1 filter found 2', 'X2 filter found 2', 'X1 nat found 1', 'X2 nat found 1']);

    lintDump(dump, { rules });
    expect(computed).toEqual(['filter', 'nat', 'filter', 'nat']);
  });

  test('without rule hooks progress moves a table at a time; with them, every 4096 rules', () => {
    const lines = ['*filter', ':INPUT ACCEPT [0:0]'];
    for (let index = 0; index < 5000; index++) lines.push(`-A INPUT -p tcp -m tcp --dport ${index + 1} -j ACCEPT`);
    lines.push('COMMIT', '*nat', ':OUTPUT ACCEPT [0:0]', '-A OUTPUT -j ACCEPT', 'COMMIT', '');
    const dump = parseDump(lines.join('\n'), { file: 'big.rules' }).dump;

    const byTable: [number, number][] = [];
    lintDump(dump, { rules: [ruleWith('X1', () => ({ chain() {} }))], onProgress: (done, total) => byTable.push([done, total]) });
    expect(byTable).toEqual([
      [5000, 5001],
      [5001, 5001],
    ]);

    const byRule: [number, number][] = [];
    lintDump(dump, { rules: [ruleWith('X1', () => ({ rule() {} }))], onProgress: (done, total) => byRule.push([done, total]) });
    expect(byRule).toEqual([[4096, 5001]]);
  });
});
