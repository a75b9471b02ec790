import type { Chain, Table } from '../../src/ast';
import { tableJumps } from '../../src/lint/table-jumps';
import { parseDump } from '../../src/parser/parse-dump';

const SAVE = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A INPUT -j ACCEPT
-A A -j B
-A A -j DROP
-A B -j RETURN
COMMIT
`;

function filterOf(text: string): Table {
  return parseDump(text).dump.rulesets[0].tables[0];
}

/** Each jump as `from -> to`, by chain name. */
function jumps(table: Table): string[] {
  const found = tableJumps(table);
  const shown: string[] = [];
  table.chains.forEach((chain, from) => {
    for (let jump = found.firstJump[from]; jump < found.firstJump[from + 1]; jump++) shown.push(`${chain.name} -> ${table.chains[found.jumpTo[jump]].name}`);
  });
  return shown;
}

describe('tableJumps', () => {
  test('finds the jumps of a parsed table, and every chain by name', () => {
    const table = filterOf(SAVE);
    expect(jumps(table)).toEqual(['INPUT -> A', 'A -> B']);
    const index = tableJumps(table).chainIndex;
    expect(table.chains.map((chain) => index.get(chain.name))).toEqual([0, 1, 2, 3, 4]);
    expect(index.get('ACCEPT')).toBeUndefined();
    expect(index.get('C')).toBeUndefined();
  });

  test('finds them the same way in a table changed after the parse: chains added, removed and reordered', () => {
    const table = filterOf(SAVE);
    const added: Chain = { name: 'C', builtin: false, policy: null, counters: null, position: 0, declared: true, rules: [], line: 0, column: 0 };
    const [input, forward, output, a, b] = table.chains;
    b.rules[0].target = { kind: 'jump', name: 'C', type: 'chain', line: b.rules[0].line, column: 1, options: [] };
    table.chains = [b, input, forward, output, added, a];
    expect(jumps(table)).toEqual(['B -> C', 'INPUT -> A', 'A -> B']);
    const index = tableJumps(table).chainIndex;
    expect(['B', 'INPUT', 'C', 'A'].map((name) => index.get(name))).toEqual([0, 1, 4, 5]);
    table.chains = [input, a];
    expect(jumps(table)).toEqual(['INPUT -> A']);
    expect(tableJumps(table).chainIndex.get('B')).toBeUndefined();
  });
});
