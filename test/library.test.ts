import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graph, GraphSelectionError, lint, loadPolicy, parse, parsePolicy, PolicyError, print, rules, validatePolicy, type Finding } from '../src';
import { REPO_ROOT, runProgram } from './helpers/packed';
import { readmeLibraryExample } from './helpers/readme';

const BROKEN = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\n-A INPUT -p tcp -m tcp --dport 99999 -j ACCEPT\n-A INPUT -s 10.0.0.1/32 -j DROP\n-A INPUT -s 10.0.0.1/32 -j DROP\nCOMMIT\n';
const SAMPLE = join(REPO_ROOT, 'samples', 'docker-20.10', 'no-icc.v4');
const SAMPLE_POLICY = join(REPO_ROOT, 'samples', 'docker-20.10', 'no-icc.policy.yaml');
const codes = (findings: Finding[]) => findings.map((finding) => finding.code);

describe('library API', () => {
  test('parse and print: the canonical text back', () => {
    const { dump, diagnostics } = parse('*filter\n-A INPUT -s 10.0.0.1 -j DROP\nCOMMIT\n');
    expect(diagnostics).toEqual([]);
    expect(print(dump)).toContain('-A INPUT -s 10.0.0.1/32 -j DROP\n');
  });

  test('lint text: parse problems and rule findings, with the file name given', () => {
    const { findings } = lint(BROKEN, { file: 'rules.v4' });
    expect(codes(findings)).toEqual(['IPT2001', 'IPT1015', 'IPT2004']);
    expect(findings[0]).toMatchObject({ file: 'rules.v4', line: 3, severity: 'error' });
  });

  test('lint a parse result keeps its diagnostics; a bare dump has none', () => {
    const parsed = parse(BROKEN);
    expect(codes(lint(parsed).findings)).toContain('IPT1015');
    expect(codes(lint(parsed.dump).findings)).not.toContain('IPT1015');
  });

  test('rules by code or name, and rules of your own', () => {
    expect(codes(lint(BROKEN, { rules: ['duplicate-rule'] }).findings)).toEqual(['IPT1015', 'IPT2004']);
    const custom = {
      meta: { code: 'X9001', name: 'no-drop', severity: 'warning' as const, description: 'no DROP', messages: { drop: 'DROP in {chain}' } },
      create: (context: Parameters<ReturnType<typeof rules>[number]['create']>[0]) => ({
        rule(rule: import('../src').Rule, chain: import('../src').Chain, table: import('../src').Table, ruleset: import('../src').Ruleset) {
          if (rule.target?.name === 'DROP') context.report({ at: rule, rule, chain, table, ruleset, messageId: 'drop', data: { chain: chain.name } });
        },
      }),
    };
    const { findings } = lint(parse(BROKEN).dump, { rules: [custom] });
    expect(findings.map((finding) => [finding.code, finding.line, finding.message])).toEqual([
      ['X9001', 5, 'DROP in INPUT'],
      ['X9001', 6, 'DROP in INPUT'],
    ]);
    expect(() => lint(BROKEN, { rules: ['IPT9999'] })).toThrow(/no built-in rule is called IPT9999/);
  });

  test('a policy object: its checks run and its severity applies', () => {
    const { findings } = lint(BROKEN, { policy: { chains: [{ table: 'filter', chain: 'INPUT', policy: 'DROP' }], severity: { 'duplicate-rule': 'off' } } });
    expect(codes(findings)).toEqual(['IPT3006', 'IPT2001', 'IPT1015']);
  });

  test('a bad policy object throws PolicyError naming the path', () => {
    const bad = { chains: [{ table: 'filter', chain: 'INPUT', policy: 'REJECT' }] } as never;
    expect(() => lint(BROKEN, { policy: bad })).toThrow(PolicyError);
    expect(() => lint(BROKEN, { policy: bad })).toThrow(/chains\[0\]\.policy/);
    expect(validatePolicy(bad)).toEqual({ valid: false, problems: [{ path: 'chains[0].policy', message: expect.stringContaining('ACCEPT') }] });
    expect(validatePolicy({})).toEqual({ valid: true, problems: [] });
  });

  test('loadPolicy and parsePolicy read files and text, with file:line:col problems', () => {
    expect(loadPolicy(SAMPLE_POLICY).docker?.networks.length).toBeGreaterThan(0);
    expect(() => parsePolicy('severity:\n  IPT9999: error\n', 'p.yaml')).toThrow(/^p\.yaml:2:3: severity\.IPT9999/);
  });

  test('rules() lists the built-in rules', () => {
    expect(rules().map((rule) => rule.meta.code)).toContain('IPT2001');
  });
});

describe("the README's example script", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-readme-'));
    // `require('ipt-lint')` resolves to this tree's built package, as it would after `npm install`.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'ipt-lint'));
    writeFileSync(join(dir, 'check-firewall.js'), readmeLibraryExample());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('runs as written on a sample with its policy', () => {
    const result = runProgram('node', ['check-firewall.js', SAMPLE, SAMPLE_POLICY], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ipv4 filter FORWARD: 10 rules\n');
    expect(result.stdout).toContain('strict: line 3: built-in chain INPUT');
    const printed = new Set(result.stdout.split('\n'));
    expect(readFileSync(SAMPLE, 'utf8').split('\n').filter((line) => line.startsWith('-A') && !printed.has(line))).toEqual([]);
  });

  test('exits 1 and prints findings with file and line when the rules are broken', () => {
    writeFileSync(join(dir, 'broken.v4'), BROKEN);
    const result = runProgram('node', ['check-firewall.js', 'broken.v4'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('broken.v4:3:10 error IPT2001');
  });
});

describe('library graph', () => {
  test('dot by default, html on request; a missing table throws GraphSelectionError', () => {
    const { dump } = parse(BROKEN, { file: 'rules.v4' });
    expect(graph(dump)).toMatch(/^digraph "iptables chains: rules\.v4"/);
    expect(graph(dump, { format: 'html', table: 'filter' })).toMatch(/^<!DOCTYPE html>/);
    expect(() => graph(dump, { table: 'nat' })).toThrow(GraphSelectionError);
  });
});
