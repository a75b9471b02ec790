import fc from 'fast-check';
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffDumps } from '../../src/diff/diff-dumps';
import { parseForDiff } from '../../src/diff/parse-for-diff';
import { formatDiffJson } from '../../src/output/diff-json';
import { parseDump } from '../../src/parser/parse-dump';

const SAMPLES = join(__dirname, '..', '..', 'samples');
const DOCKER = readFileSync(join(SAMPLES, 'docker-20.10', 'default-usernet.v4'), 'utf8');
const KUBE = readFileSync(join(SAMPLES, 'kube-proxy.save'), 'utf8');

/** Lines a second save may hold: good and bad rules, comments, declarations, restore commands. */
const EXTRA_LINES = [
  '-A DOCKER-USER -s 10.9.0.0/16 -j DROP',
  '-A DOCKER-USER -s 10.9.0.300 -j DROP',
  '-A FORWARD -i eth0 -o docker0 -j NO-SUCH-CHAIN',
  '-A INPUT -s ! 192.168.1.1 -j ACCEPT',
  '-A UNDECLARED -j ACCEPT',
  '[5:300] -A INPUT -j ACCEPT',
  '[5:300]  -A INPUT -j ACCEPT',
  '[x:1] -A INPUT -j ACCEPT',
  '-A INPUT\t-j ACCEPT',
  '-I INPUT 1 -j ACCEPT',
  ':EXTRA - [0:0]',
  ':FORWARD ACCEPT [0:0]',
  '# a comment between rules',
  '',
  'COMMIT',
  '*raw',
  'garbage',
];

/** Rule bodies added to a chain beside its own rules, so that the save stays plain: clean, refused, and warned about. */
const RULE_BODIES = ['-m comment --comment "café" -j RETURN', '-m comment --comment "a → b" -j RETURN', '-s 10.9.0.0/16 -j DROP', '-s 10.9.0.300 -j DROP', '-s ! 192.168.1.1 -j ACCEPT', '-j NO-SUCH-CHAIN', '-p tcp --dport 99999 -j ACCEPT'];

type Edit =
  | { kind: 'delete'; at: number }
  | { kind: 'move'; at: number; to: number }
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'copy'; at: number; to: number }
  | { kind: 'rule'; at: number; body: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('copy' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.constantFrom(...EXTRA_LINES) }),
  // Rules added inside chains keep the save plain, so that the quick way is taken and its moved diagnostics are checked.
  { arbitrary: fc.record({ kind: fc.constant('rule' as const), at: fc.nat(), body: fc.constantFrom(...RULE_BODIES) }), weight: 4 },
);

function applyEdits(text: string, edits: readonly Edit[]): string {
  const lines = text.split('\n').slice(0, -1);
  for (const step of edits) {
    if (lines.length === 0) break;
    const at = step.at % lines.length;
    if (step.kind === 'delete') lines.splice(at, 1);
    if (step.kind === 'insert') lines.splice(at, 0, step.line);
    if (step.kind === 'move') lines.splice(step.to % lines.length, 0, ...lines.splice(at, 1));
    if (step.kind === 'copy') lines.splice(step.to % lines.length, 0, lines[at]);
    if (step.kind === 'rule') {
      const rules = lines.flatMap((line, index) => (line.startsWith('-A ') ? [index] : []));
      if (rules.length === 0) continue;
      const after = rules[step.at % rules.length];
      lines.splice(after + 1, 0, `-A ${lines[after].split(' ')[1]} ${step.body}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Everything a diff run shows: both sides' diagnostics and the changes, as JSON. */
function diffShown(parsed: { before: ReturnType<typeof parseDump>; after: ReturnType<typeof parseDump> }, counters = false): unknown {
  const failed = [parsed.before, parsed.after].some(({ diagnostics }) => diagnostics.some((d) => d.severity === 'error'));
  return {
    before: parsed.before.diagnostics,
    after: parsed.after.diagnostics,
    changes: failed ? null : JSON.parse(formatDiffJson(diffDumps(parsed.before.dump, parsed.after.dump, { counters }))),
  };
}

/** The save as `iptables-save -c` writes it: counters before every rule, `seed` picking their values. */
function withCounters(text: string, seed: number): string {
  return text
    .split('\n')
    .map((line, index) => (line.startsWith('-A ') ? `[${(index * seed) % 7}:${(index * seed * 61) % 100003}] ${line}` : line))
    .join('\n');
}

/** The same save later: the counters of some rules have grown. */
function trafficOn(text: string, every: number): string {
  let rule = 0;
  return text.replace(/^\[(\d+):(\d+)\]/gm, (counters, packets: string, bytes: string) => (rule++ % every === 0 ? `[${Number(packets) + 12}:${Number(bytes) + 123456}]` : counters));
}

function fullParses(before: string, after: string) {
  return { before: parseDump(before, { file: 'before' }), after: parseDump(after, { file: 'after' }) };
}

describe('parseForDiff', () => {
  test.each([
    ['a Docker save', DOCKER],
    ['a kube-proxy save', KUBE],
  ])('property: on %s, diagnostics and changes are those of two full parses, whatever the edits on either side', (_name, sample) => {
    const savedCounters = fc.record({ seed: fc.integer({ min: 0, max: 50 }), every: fc.integer({ min: 1, max: 5 }), compared: fc.boolean() });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 4 }), fc.array(edit, { maxLength: 10 }), fc.boolean(), fc.option(savedCounters), (beforeEdits, afterEdits, fromFiles, counters) => {
        let before = applyEdits(sample, beforeEdits);
        if (counters !== null) before = withCounters(before, counters.seed);
        let after = applyEdits(before, afterEdits);
        if (counters !== null) after = trafficOn(after, counters.every);
        // As read from files (an ASCII file's own bytes come along) or given as strings.
        const input = (text: string, file: string) => ({ text, file, asciiBytes: fromFiles && isAscii(Buffer.from(text)) ? Buffer.from(text, 'latin1') : undefined });
        const compared = counters?.compared === true;
        const quick = parseForDiff(input(before, 'before'), input(after, 'after'), { counters: compared });
        expect(diffShown(quick, compared)).toEqual(diffShown(fullParses(before, after), compared));
      }),
      { numRuns: 300 },
    );
  });

  const chainsOf = (dump: ReturnType<typeof parseDump>['dump']) => Object.fromEntries(dump.rulesets[0].tables.flatMap((table) => table.chains.map((chain) => [`${table.name} ${chain.name}`, chain.rules.length])));

  test('user chains both saves hold alike are left out of both trees, built-in chains keep only their declaration, the others are whole', () => {
    const after = DOCKER.replace('-A DOCKER-USER -j RETURN\n', '-A DOCKER-USER -s 10.9.0.0/16 -j DROP\n-A DOCKER-USER -j RETURN\n');
    const { before: quickBefore, after: quickAfter } = parseForDiff({ text: DOCKER, file: 'before' }, { text: after, file: 'after' });
    const full = chainsOf(parseDump(after).dump);
    const builtin = (key: string) => /^\w+ [A-Z]+$/.test(key) && !key.endsWith(' DOCKER');
    const expected = Object.fromEntries(Object.entries(full).filter(([key]) => builtin(key) || key === 'filter DOCKER-USER').map(([key, count]) => [key, key === 'filter DOCKER-USER' ? count : 0]));
    expect(chainsOf(quickAfter.dump)).toEqual(expected);
    expect(chainsOf(quickBefore.dump)).toEqual({ ...expected, 'filter DOCKER-USER': full['filter DOCKER-USER'] - 1 });
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    expect(Object.keys(full).length).toBeGreaterThan(Object.keys(expected).length + 3);
  });

  test('a user chain stays in both trees when its declaration differs, when it gains its first rule, or when counters count and its counters differ', () => {
    const withEmpty = DOCKER.replace(':DOCKER-USER - [0:0]\n', ':DOCKER-USER - [0:0]\n:EMPTY - [0:0]\n:FILLED - [0:0]\n:COUNTED - [0:0]\n');
    const after = withEmpty.replace(':COUNTED - [0:0]', ':COUNTED - [3:120]').replace('-A DOCKER-USER -j RETURN\n', '-A DOCKER-USER -j RETURN\n-A FILLED -j RETURN\n');
    for (const counters of [false, true]) {
      const quick = parseForDiff({ text: withEmpty, file: 'before' }, { text: after, file: 'after' }, { counters });
      const kept = (dump: ReturnType<typeof parseDump>['dump']) => Object.keys(chainsOf(dump)).filter((key) => ['filter EMPTY', 'filter FILLED', 'filter COUNTED'].includes(key));
      const expected = counters ? ['filter FILLED', 'filter COUNTED'] : ['filter FILLED'];
      expect(kept(quick.before.dump).sort()).toEqual(expected.sort());
      expect(kept(quick.after.dump).sort()).toEqual(expected.sort());
      expect(diffShown(quick, counters)).toEqual(diffShown(fullParses(withEmpty, after), counters));
    }
  });

  test('tables that only one save holds, or that differ in family, are read whole on both sides', () => {
    const ipv6 = DOCKER.replace(/# Generated by iptables-save/g, '# Generated by ip6tables-save').replace(/172\.17\.0\.0\/16/g, 'fd00::/64');
    const withoutNat = DOCKER.slice(0, DOCKER.indexOf('*nat'));
    for (const [before, after] of [[DOCKER, ipv6], [ipv6, DOCKER], [DOCKER, withoutNat], [withoutNat, DOCKER]]) {
      const quick = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' });
      expect(diffShown(quick)).toEqual(diffShown(fullParses(before, after)));
    }
  });

  test('after declares the same chains as before and then more, one of them again: read as two full parses read it', () => {
    const more = DOCKER.replace(':DOCKER-USER - [0:0]\n', ':DOCKER-USER - [0:0]\n:ADDED - [0:0]\n:DOCKER-USER - [0:0]\n');
    expect(more).not.toBe(DOCKER);
    for (const [before, after] of [[DOCKER, more], [more, DOCKER]]) {
      const quick = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' });
      expect(diffShown(quick)).toEqual(diffShown(fullParses(before, after)));
      expect(quick.after.diagnostics.map((d) => d.code)).toEqual(fullParses(before, after).after.diagnostics.map((d) => d.code));
    }
  });

  test('a chain declared twice is reported in both saves, however alike the saves are', () => {
    const twice = DOCKER.replace(':DOCKER-USER - [0:0]\n', ':DOCKER-USER - [0:0]\n:DOCKER - [0:0]\n');
    const quick = parseForDiff({ text: twice, file: 'before' }, { text: twice, file: 'after' });
    const codes = (diagnostics: readonly { code: string; line: number }[]) => diagnostics.map(({ code, line }) => `${code}@${line}`);
    expect(codes(quick.before.diagnostics)).toEqual(['IPT1024@10']);
    expect(codes(quick.after.diagnostics)).toEqual(['IPT1024@10']);
    expect(diffShown(quick)).toEqual(diffShown(fullParses(twice, twice)));
  });

  test('a bad line both saves share is reported in both, at its own line', () => {
    const bad = DOCKER.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -s 10.9.0.300 -j RETURN');
    const after = '# Saved again\n' + bad;
    const quick = parseForDiff({ text: bad, file: 'before' }, { text: after, file: 'after' });
    const [beforeError] = quick.before.diagnostics.filter((d) => d.severity === 'error');
    const [afterError] = quick.after.diagnostics.filter((d) => d.severity === 'error');
    expect(beforeError.source).toContain('10.9.0.300');
    expect(afterError.line).toBe(beforeError.line + 1);
    expect(afterError.source).toBe(beforeError.source);
  });
});

describe('parseForDiff on saves with counters (iptables-save -c)', () => {
  const before = withCounters(DOCKER.replace('-A DOCKER-USER -j RETURN', '-A DOCKER-USER -s 10.9.0.300 -j RETURN'), 7);
  const after = trafficOn(before, 1);
  const ruleCounts = (dump: ReturnType<typeof parseDump>['dump']) => dump.rulesets[0].tables.flatMap((table) => table.chains.map((chain) => chain.rules.length));

  test('chains whose rules differ only in their counters are shared, unless counters are compared', () => {
    expect(ruleCounts(parseDump(after).dump).some((count) => count > 0)).toBe(true);
    const quick = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' });
    expect(ruleCounts(quick.after.dump).every((count) => count === 0)).toBe(true);
    const counted = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' }, { counters: true });
    expect(ruleCounts(counted.after.dump)).toEqual(ruleCounts(parseDump(after).dump));
  });

  test('a bad line in such a chain is reported in after at its own words, however long its counters', () => {
    const quick = parseForDiff({ text: before, file: 'before' }, { text: after, file: 'after' });
    const full = parseDump(after, { file: 'after' });
    expect(quick.after.diagnostics).toEqual(full.diagnostics);
    const [error] = full.diagnostics.filter((d) => d.severity === 'error');
    const [beforeError] = quick.before.diagnostics.filter((d) => d.severity === 'error');
    expect(error.column).not.toBe(beforeError.column);
    expect(error.source.slice(error.column - 1, error.endColumn)).toBe('10.9.0.300');
  });
});
