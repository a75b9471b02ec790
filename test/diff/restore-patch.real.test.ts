/**
 * The restore patch against real iptables (both backends, both families): load `before` in a
 * private namespace, apply the patch with `iptables-restore --noflush`, and require what
 * iptables-save then prints to equal what it prints after loading `after` directly, chain by
 * chain in canonical form.
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dump } from '../../src/ast';
import { diffDumps } from '../../src/diff/diff-dumps';
import { restorePatch } from '../../src/diff/restore-patch';
import { parseDump } from '../../src/parser/parse-dump';
import { printDump, printRule } from '../../src/printer';
import { BACKENDS, NetNamespace, describeReal, type Backend, type IpFamily } from '../helpers/real-system';

const ROOT = join(__dirname, '..', '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const RUNS = Number.parseInt(process.env.IPT_LINT_REAL_RUNS ?? '40', 10);
const TABLES = { raw: ['PREROUTING', 'OUTPUT'], mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], filter: ['INPUT', 'FORWARD', 'OUTPUT'] };

/** Empties every table a case may touch and sets every policy to ACCEPT, so cases cannot see each other. */
const RESET = Object.entries(TABLES)
  .map(([table, chains]) => [`*${table}`, ...chains.map((chain) => `:${chain} ACCEPT [0:0]`), 'COMMIT'].join('\n'))
  .join('\n') + '\n';

function parsed(text: string, file: string): Dump {
  const { dump, diagnostics } = parseDump(text, { file });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${file}: ${errors.map((d) => `${d.line}: ${d.message}`).join('; ')}`);
  return dump;
}

/** Table by table, each chain (sorted by name) with its policy and canonical rules: what the kernel holds, whatever order chains were made in. */
function kernelState(saved: string): string {
  const dump = parsed(saved, 'saved');
  const out: string[] = [];
  for (const ruleset of dump.rulesets)
    for (const table of [...ruleset.tables].sort((a, b) => a.name.localeCompare(b.name))) {
      const chains = [...table.chains].sort((a, b) => a.name.localeCompare(b.name));
      for (const chain of chains) {
        out.push(`${table.name} ${chain.name} ${chain.policy ?? '-'}`);
        for (const rule of chain.rules) out.push(`  ${printRule(rule, ruleset.family, { counters: false })}`);
      }
    }
  return out.join('\n');
}

class Kernel {
  constructor(
    private readonly ns: NetNamespace,
    readonly backend: Backend,
    readonly family: IpFamily,
  ) {}

  load(text: string, flags: string[] = []): void {
    const result = this.ns.restore(this.backend, this.family, text, flags);
    if (result.status !== 0) throw new Error(`${this.backend} ${this.family} restore ${flags.join(' ')} refused:\n${result.stderr}\n--- input ---\n${text}`);
  }

  /** The kernel's state after loading `after` directly, and after loading `before` and applying the patch. */
  compare(beforeText: string, afterText: string): { direct: string; patched: string; patch: string } {
    this.load(RESET);
    this.load(afterText);
    const direct = kernelState(this.ns.save(this.backend, this.family));
    this.load(RESET);
    this.load(beforeText);
    // Diff what the kernel made of the two files, as a user diffing two saves would.
    const before = parsed(this.ns.save(this.backend, this.family), 'before');
    const after = parsed(afterText, 'after');
    const patch = restorePatch(diffDumps(before, after));
    this.load(patch, ['--noflush']);
    return { direct, patched: kernelState(this.ns.save(this.backend, this.family)), patch };
  }
}

function familyOf(name: string): IpFamily {
  return /\.v6$/.test(name) ? 'ipv6' : 'ipv4';
}

/** Pairs of real rule sets of one family: each file with the next, both ways round. */
function ring(files: { name: string; text: string }[]): Array<[{ name: string; text: string }, { name: string; text: string }]> {
  if (files.length < 2) return [];
  const pairs: Array<[{ name: string; text: string }, { name: string; text: string }]> = [];
  for (let k = 0; k < files.length; k++) {
    const next = files[(k + 1) % files.length];
    pairs.push([files[k], next], [next, files[k]]);
  }
  return pairs;
}

function dockerSamples(family: IpFamily): { name: string; text: string }[] {
  const dir = join(ROOT, 'samples', 'docker-20.10');
  return readdirSync(dir)
    .filter((name) => (family === 'ipv4' ? name.endsWith('.v4') : name.endsWith('.v6')))
    .sort()
    .map((name) => ({ name: `samples/docker-20.10/${name}`, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Docker's own expected rules per era (`iptables -S` form in the corpus), printed as restore input: upgrade drift. */
function dockerEras(): { name: string; text: string }[] {
  const dir = join(CORPUS, 'docker-moby');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /-usernet-portmap\.txt$/.test(name))
    .sort()
    .map((name) => ({ name: `corpus/docker-moby/${name}`, text: printDump(parsed(readFileSync(join(dir, name), 'utf8'), name), { counters: false }) }))
    // ipsets (Docker 28.0.0) would have to exist in the namespace first.
    .filter((era) => !era.text.includes('--match-set'));
}

describeReal('real iptables: the diff restore patch turns before into after', ['iptables'], () => {
  const namespaces = new Map<Backend, NetNamespace>();
  beforeAll(() => {
    for (const backend of BACKENDS) namespaces.set(backend, NetNamespace.create('ipl-diff'));
  });
  afterAll(() => {
    for (const ns of namespaces.values()) ns.delete();
  });
  const kernel = (backend: Backend, family: IpFamily) => new Kernel(namespaces.get(backend)!, backend, family);

  for (const backend of BACKENDS)
    for (const family of ['ipv4', 'ipv6'] as const) {
      test(`${backend} ${family}: between every pair of neighbouring Docker samples`, () => {
        const pairs = ring(dockerSamples(family));
        expect(pairs.length).toBeGreaterThanOrEqual(8);
        for (const [before, after] of pairs) {
          const { direct, patched, patch } = kernel(backend, family).compare(before.text, after.text);
          if (patched !== direct) throw new Error(`${before.name} → ${after.name}: patch did not give after\n${patch}`);
        }
      });
    }

  for (const backend of BACKENDS)
    test(`${backend}: Docker upgrades between eras (corpus docker-moby)`, () => {
      const eras = dockerEras();
      if (eras.length === 0) return void console.warn('skipped: ../shared/corpus/docker-moby is not beside the project');
      expect(eras.length).toBeGreaterThanOrEqual(3);
      for (const [before, after] of ring(eras)) {
        const { direct, patched, patch } = kernel(backend, familyOf(before.name)).compare(before.text, after.text);
        if (patched !== direct) throw new Error(`${before.name} → ${after.name}: patch did not give after\n${patch}`);
      }
    });

  test('one script with -4 and -6 lines serves both restore tools', () => {
    const v4 = dockerSamples('ipv4').filter((sample) => sample.text.includes('*filter'));
    const v6 = dockerSamples('ipv6').filter((sample) => sample.text.includes('*filter'));
    // Only one sample has IPv6 rules: the earlier IPv6 state is that sample without its first FORWARD rule.
    const v6Before = v6[0].text.replace(/^-A FORWARD .*\n/m, '');
    expect(v6Before).not.toBe(v6[0].text);
    const before = parsed(v4[0].text + v6Before, 'before');
    const after = parsed(v4[1].text + v6[0].text, 'after');
    const patch = restorePatch(diffDumps(before, after));
    expect(patch).toMatch(/^-4 /m);
    expect(patch).toMatch(/^-6 /m);
    for (const family of ['ipv4', 'ipv6'] as const) {
      const k = kernel('nft', family);
      const sources = family === 'ipv4' ? [v4[0].text, v4[1].text] : [v6Before, v6[0].text];
      k.load(RESET);
      k.load(sources[1]);
      const direct = kernelState(namespaces.get('nft')!.save('nft', family));
      k.load(RESET);
      k.load(sources[0]);
      k.load(patch, ['--noflush']);
      expect(kernelState(namespaces.get('nft')!.save('nft', family))).toBe(direct);
    }
  });

  for (const backend of BACKENDS)
    for (const family of ['ipv4', 'ipv6'] as const) {
      test(`${backend} ${family}: random inserts, deletes, moves and option edits`, () => {
        fc.assert(
          fc.property(chainContents(family), fc.array(editArbitrary, { minLength: 1, maxLength: 6 }), (before, edits) => {
            const after = applyEdits(before, edits, family);
            const beforeText = filterTable(before);
            const afterText = filterTable(after);
            const changes = diffDumps(parsed(beforeText, 'before'), parsed(afterText, 'after')).changes;
            const same = JSON.stringify(before) === JSON.stringify(after);
            expect(changes.length === 0).toBe(same);
            // Every change accounts for at least one edit: a single move is one change, not a delete and an add.
            expect(changes.filter((change) => change.kind.startsWith('rule-')).length).toBeLessThanOrEqual(edits.length);
            const { direct, patched, patch } = kernel(backend, family).compare(beforeText, afterText);
            if (patched !== direct) throw new Error(`patch did not give after\n--- before\n${beforeText}--- after\n${afterText}--- patch\n${patch}`);
          }),
          { numRuns: RUNS },
        );
      });
    }

  test('a single edit is reported as exactly that edit', () => {
    const family = 'ipv4';
    const rules = Array.from({ length: 6 }, (_, k) => ({ chain: 'INPUT', spec: `-s 10.0.0.${k + 1}/32 -p tcp -m tcp --dport ${1000 + k} -j ACCEPT` }));
    const cases: Array<[Edit, string]> = [
      [{ kind: 'insert', at: 2, value: 7 }, 'rule-added'],
      [{ kind: 'delete', at: 3, value: 0 }, 'rule-removed'],
      [{ kind: 'move', at: 0, value: 4 }, 'rule-moved'],
      [{ kind: 'edit', at: 5, value: 9 }, 'rule-changed'],
    ];
    for (const [edit, kind] of cases) {
      const changes = diffDumps(parsed(filterTable(rules), 'before'), parsed(filterTable(applyEdits(rules, [edit], family)), 'after')).changes;
      expect(changes.map((change) => change.kind)).toEqual([kind]);
    }
  });
});

interface GeneratedRule {
  chain: string;
  spec: string;
}

interface Edit {
  kind: 'insert' | 'delete' | 'move' | 'edit';
  at: number;
  value: number;
}

const editArbitrary = fc.record({ kind: fc.constantFrom('insert', 'delete', 'move', 'edit') as fc.Arbitrary<Edit['kind']>, at: fc.nat(40), value: fc.nat(40) });

function ruleFor(family: IpFamily, chain: string, n: number): GeneratedRule {
  const address = family === 'ipv4' ? `10.0.${n % 3}.${n}/32` : `2001:db8::${n.toString(16)}/128`;
  const target = chain === 'INPUT' && n % 5 === 0 ? 'USER-A' : n % 2 === 0 ? 'ACCEPT' : 'DROP';
  return { chain, spec: `-s ${address} -p tcp -m tcp --dport ${20 + (n % 7)} -j ${target}` };
}

function chainContents(family: IpFamily): fc.Arbitrary<GeneratedRule[]> {
  return fc.array(fc.tuple(fc.constantFrom('INPUT', 'USER-A'), fc.nat(12)), { maxLength: 12 }).map((items) => items.map(([chain, n]) => ruleFor(family, chain, chain === 'USER-A' && n % 5 === 0 ? n + 1 : n)));
}

function applyEdits(rules: GeneratedRule[], edits: Edit[], family: IpFamily): GeneratedRule[] {
  const out = rules.map((rule) => ({ ...rule }));
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    switch (edit.kind) {
      case 'insert':
        out.splice(edit.at % (out.length + 1), 0, ruleFor(family, 'INPUT', 13 + (edit.value % 9)));
        break;
      case 'delete':
        if (out.length > 0) out.splice(at, 1);
        break;
      case 'move':
        if (out.length > 0) {
          const [rule] = out.splice(at, 1);
          out.splice(edit.value % (out.length + 1), 0, rule);
        }
        break;
      case 'edit':
        if (out.length > 0) out[at] = { ...out[at], spec: out[at].spec.replace(/--dport \d+/, `--dport ${40 + (edit.value % 5)}`) };
        break;
    }
  }
  return out;
}

function filterTable(rules: GeneratedRule[]): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':USER-A - [0:0]'];
  for (const rule of rules) lines.push(`-A ${rule.chain} ${rule.spec}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}
