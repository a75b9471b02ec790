import type { Chain, Dump, Family, Ruleset, Table, TableName } from '../ast';

/** The rulesets a policy entry speaks about: those of its family, or every one when it names none. */
export function rulesetsFor(dump: Dump, family: Family | undefined): Ruleset[] {
  return family === undefined ? dump.rulesets : dump.rulesets.filter((ruleset) => ruleset.family === family);
}

/** A chain by table and name; a restore file may open the same table twice, so every section is searched. */
export function findChain(ruleset: Ruleset, tableName: TableName, chainName: string): { table: Table; chain: Chain } | undefined {
  for (const table of ruleset.tables) {
    if (table.name !== tableName) continue;
    const chain = table.chains.find((candidate) => candidate.name === chainName);
    if (chain !== undefined) return { table, chain };
  }
  return undefined;
}

/** Where to point a finding about something a ruleset lacks entirely: the whole file. */
export const WHOLE_FILE = { line: 0, column: 0 } as const;

/** A ruleset the dump does not have, so that a finding about its absence still names the family. */
export function absentRuleset(family: Family): Ruleset {
  return { family, familySource: 'option', producer: null, tables: [], ...WHOLE_FILE };
}
