import { rule } from '../../rules/IPT2003.chain-loop';
import { lintDump } from '../../src/lint/engine';
import { parseDump } from '../../src/parser/parse-dump';
import { expectSilentOnDockerSamples } from '../helpers/docker-samples';
import { testRule } from '../helpers/rule-tester';

const dump = (...lines: string[]): string => lines.join('\n') + '\n';

/** A ring of `size` chains, R0 → R1 → … → R0, entered from INPUT. */
const ring = (size: number): string => {
  const names = Array.from({ length: size }, (_, index) => `R${index}`);
  return dump(
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ...names.map((name) => `:${name} - [0:0]`),
    '-A INPUT -j R0',
    ...names.map((name, index) => `-A ${name} -j ${names[(index + 1) % size]}`),
    'COMMIT',
  );
};

testRule(rule, {
  valid: [
    {
      name: 'a tree of chains',
      dump: dump('*filter', ':INPUT DROP [0:0]', ':WEB - [0:0]', ':LOGGING - [0:0]', '-A INPUT -p tcp -j WEB', '-A INPUT -j LOGGING', '-A WEB -m limit --limit 1/sec -j LOGGING', '-A WEB -j ACCEPT', '-A LOGGING -j LOG', '-A LOGGING -j DROP', 'COMMIT'),
    },
    {
      name: 'two chains sharing a target (a diamond, not a loop)',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', ':LOG-DROP - [0:0]', '-A INPUT -j A', '-A INPUT -j B', '-A A -g LOG-DROP', '-A B -j LOG-DROP', '-A B -j A', '-A LOG-DROP -j DROP', 'COMMIT'),
    },
    {
      name: "Docker's isolation chains",
      dump: dump(
        '*filter',
        ':FORWARD DROP [0:0]',
        ':DOCKER-ISOLATION-STAGE-1 - [0:0]',
        ':DOCKER-ISOLATION-STAGE-2 - [0:0]',
        '-A FORWARD -j DOCKER-ISOLATION-STAGE-1',
        '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
        '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
        '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
        '-A DOCKER-ISOLATION-STAGE-2 -j RETURN',
        'COMMIT',
      ),
    },
    {
      name: 'same chain names in two tables do not connect',
      dump: dump('*nat', ':PREROUTING ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A PREROUTING -j A', '-A A -j B', 'COMMIT', '*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -j B', '-A B -j A', 'COMMIT'),
    },
    {
      name: 'a -4 jump and a -6 jump never exist together',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -j A', '-4 -A A -j B', '-6 -A B -j A', 'COMMIT'),
    },
  ],
  invalid: [
    {
      name: 'two chains jumping to each other',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':WEB - [0:0]', ':LOGGING - [0:0]', '-A INPUT -p tcp -j WEB', '-A WEB -j LOGGING', '-A LOGGING -j LOG', '-A LOGGING -m limit --limit 1/sec -j WEB', 'COMMIT'),
      findings: [{ line: 8, message: ['WEB → LOGGING → WEB', '`-j WEB`', 'table filter'], chain: 'LOGGING' }],
    },
    {
      name: 'a chain jumping to itself',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':RETRY - [0:0]', '-A INPUT -j RETRY', '-A RETRY -p udp -j RETRY', 'COMMIT'),
      findings: [{ line: 5, message: ['RETRY → RETRY'], chain: 'RETRY' }],
    },
    {
      name: 'a loop made of gotos',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', ':C - [0:0]', '-A INPUT -g A', '-A A -g B', '-A B -p tcp -g C', '-A C -g A', 'COMMIT'),
      findings: [{ line: 9, message: ['`-g A`', 'A → B → C → A'], chain: 'C' }],
    },
    {
      name: 'a loop mixing jumps and gotos',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -j A', '-A A -g B', '-A B -j A', 'COMMIT'),
      findings: [{ line: 7, message: ['A → B → A'] }],
    },
    {
      name: 'a loop no built-in chain reaches',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':OLD-A - [0:0]', ':OLD-B - [0:0]', '-A OLD-A -j OLD-B', '-A OLD-B -j OLD-A', 'COMMIT'),
      findings: [{ line: 6, message: ['OLD-A → OLD-B → OLD-A'] }],
    },
    {
      name: 'two loops through the same chain',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', ':C - [0:0]', '-A INPUT -j A', '-A A -j B', '-A B -j A', '-A B -j C', '-A C -j A', 'COMMIT'),
      findings: [
        { line: 8, message: ['A → B → A'] },
        { line: 10, message: ['A → B → C → A'] },
      ],
    },
    {
      name: 'a -4 loop is still a loop in IPv4',
      dump: dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -j A', '-4 -A A -j B', '-A B -j A', 'COMMIT'),
      findings: [{ line: 7, message: ['A → B → A'] }],
    },
    {
      name: 'a long loop is named by its ends',
      dump: ring(12),
      findings: [{ line: 27, message: ['R0 → R1 → R2 → R3 → … 4 more … → R8 → R9 → R10 → R11 → R0'], chain: 'R11' }],
    },
  ],
});

describe('IPT2003 reports each loop once', () => {
  test('several rules closing the same loop give one finding with the others related', () => {
    const text = dump('*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', '-A INPUT -j A', '-A A -j B', '-A B -p tcp -j A', '-A B -p udp -j A', 'COMMIT');
    const findings = lintDump(parseDump(text, { file: 'case.rules' }).dump, { rules: [rule] });
    expect(findings).toHaveLength(1);
    expect(findings[0].line).toBe(7);
    expect(findings[0].related).toEqual([{ line: 8, message: 'also goes back to A, closing the same loop' }]);
  });

  test('a loop through thousands of chains is walked without recursion', () => {
    const findings = lintDump(parseDump(ring(20000), { file: 'ring.rules' }).dump, { rules: [rule] });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('… 19992 more …');
  });
});

expectSilentOnDockerSamples(rule);
