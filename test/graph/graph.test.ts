import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDump } from '../../src';
import { buildChainGraph, GraphSelectionError } from '../../src/graph/chain-graph';
import { formatDot } from '../../src/graph/dot';
import { formatHtml } from '../../src/graph/html';
import { layoutSection } from '../../src/graph/layout';
import { runProgram } from '../helpers/packed';
import { findExecutable, realSystemRequired } from '../helpers/real-system';
import { SHAPES } from './shapes';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ipt-lint');
const shapes = () => buildChainGraph(parseDump(SHAPES, { file: 'shapes.rules' }).dump);

describe('the chain graph', () => {
  test('chains with their kind, policy and rule count; one edge per chain pair and kind, with its lines', () => {
    const [section] = shapes().sections;
    const node = (name: string) => section.nodes.find((candidate) => candidate.name === name);
    expect(node('INPUT')).toMatchObject({ kind: 'builtin', policy: 'DROP', rules: 3 });
    expect(node('WEB')).toMatchObject({ kind: 'user', policy: null, rules: 2, referenced: true });
    expect(node('SPARE')).toMatchObject({ kind: 'user', referenced: false });
    expect(node('NOWHERE')).toMatchObject({ kind: 'missing', referenced: true, line: 17 });
    expect(section.edges.map((edge) => [edge.from.split('/')[2], edge.to.split('/')[2], edge.kind, edge.lines])).toEqual([
      ['INPUT', 'WEB', 'jump', [11, 12]],
      ['INPUT', 'LOGDROP', 'goto', [13]],
      ['FORWARD', 'A&<B>', 'jump', [14]],
      ['WEB', 'LOOP-A', 'jump', [16]],
      ['LOGDROP', 'NOWHERE', 'jump', [17]],
      ['LOOP-A', 'LOOP-B', 'jump', [19]],
      ['LOOP-B', 'LOOP-A', 'jump', [20]],
      ['LOOP-B', 'LOOP-B', 'jump', [21]],
    ]);
  });

  test('--table and --family select; asking for what the dump lacks says what it has', () => {
    const dual = parseDump(['v4', 'v6'].map((ext) => readFileSync(join(ROOT, 'samples', 'docker-20.10', `dual-stack.${ext}`), 'utf8')).join(''), { file: 'dual.save' }).dump;
    expect(buildChainGraph(dual).sections.map((section) => `${section.family} ${section.table}`)).toEqual(['ipv4 filter', 'ipv4 nat', 'ipv6 filter', 'ipv6 nat']);
    expect(buildChainGraph(dual, { table: 'nat', family: 'ipv6' }).sections.map((section) => `${section.family} ${section.table}`)).toEqual(['ipv6 nat']);
    const filterOnly = parseDump(SHAPES, { file: 'shapes.rules' }).dump;
    expect(() => buildChainGraph(filterOnly, { table: 'nat' })).toThrow(new GraphSelectionError('shapes.rules has no nat table (it has filter)'));
    expect(() => buildChainGraph(filterOnly, { family: 'ipv6' })).toThrow(new GraphSelectionError('shapes.rules holds no ipv6 rules (it holds ipv4)'));
  });

  test('the layout puts built-in chains on top, every chain below the chains that reach it, none overlapping, all inside', () => {
    const layout = layoutSection(shapes().sections[0]);
    const at = (name: string) => layout.nodes.find((placed) => placed.node.name === name)!;
    expect(['INPUT', 'FORWARD', 'OUTPUT'].map((name) => at(name).layer)).toEqual([0, 0, 0]);
    expect(at('INPUT').x).toBeLessThan(at('FORWARD').x);
    expect(at('WEB').layer).toBe(1);
    expect(at('LOOP-B').layer).toBeGreaterThan(at('LOOP-A').layer);
    for (const a of layout.nodes) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
      for (const b of layout.nodes) if (a !== b) expect(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height).toBe(false);
    }
    expect(layout.edges.every((edge) => /^M [\d.-]+ [\d.-]+( [CL] [\d., -]+)+$/.test(edge.path))).toBe(true);
  });

  test('a thousand chains lay out quickly', () => {
    const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', '-A PREROUTING -j KUBE-SERVICES'];
    for (let i = 0; i < 1000; i++) lines.push(`:SVC-${i} - [0:0]`, `:SEP-${i} - [0:0]`);
    for (let i = 0; i < 1000; i++) lines.push(`-A KUBE-SERVICES -d 10.0.${i >> 8}.${i & 255}/32 -j SVC-${i}`, `-A SVC-${i} -j SEP-${i}`, `-A SEP-${i} -j SEP-${(i * 7) % 1000}`);
    const started = Date.now();
    const html = formatHtml(buildChainGraph(parseDump([...lines, 'COMMIT', ''].join('\n')).dump));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(html.match(/class="chain /g)).toHaveLength(2002);
  });
});

describe('dot output', () => {
  const dot = () => formatDot(shapes());

  test('a node per chain, styled by kind; jumps solid, gotos dashed; balanced and quoted', () => {
    const text = dot();
    expect(text).toMatch(/^digraph "iptables chains: shapes\.rules" \{\n/);
    expect(text).toContain('subgraph "cluster_ipv4_filter" {');
    expect(text).toContain('{ rank=min; "ipv4/filter/INPUT"; "ipv4/filter/FORWARD"; "ipv4/filter/OUTPUT"; }');
    expect(text).toContain('"ipv4/filter/INPUT" [label="INPUT\\npolicy DROP · 3 rules", style="filled,bold"');
    expect(text).toContain('"ipv4/filter/NOWHERE" [label="NOWHERE\\nmissing: no such chain", style="dashed"');
    expect(text).toContain('"ipv4/filter/INPUT" -> "ipv4/filter/WEB" [color="#2563eb", label="×2", tooltip="lines 11, 12"];');
    expect(text).toContain('"ipv4/filter/INPUT" -> "ipv4/filter/LOGDROP" [style=dashed, color="#d97706", fontcolor="#d97706", label="goto", tooltip="line 13"];');
    expect(text.split('{').length).toBe(text.split('}').length);
    expect(text.match(/ -> /g)).toHaveLength(8);
  });

  const dotProgram = findExecutable('dot');
  const withDot = dotProgram !== null || realSystemRequired() ? test : test.skip;
  if (dotProgram === null) console.warn('skipped: checking dot output with Graphviz needs `dot` (apt-get install graphviz)');
  withDot('Graphviz reads it and draws every chain and edge', () => {
    const result = runProgram('dot', ['-Tsvg'], { input: dot() });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const titles = [...result.stdout.matchAll(/<title>([^<]*)<\/title>/g)].map((match) => match[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#45;/g, '-'));
    for (const node of shapes().sections[0].nodes) expect(titles).toContain(node.id);
    expect(titles).toContain('ipv4/filter/LOOP-B->ipv4/filter/LOOP-A');
  });
});

describe('html output', () => {
  test('self-contained: no script, no external reference; names escaped', () => {
    const html = formatHtml(shapes());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|@import|url\((?!#)/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain('data-chain="A&amp;&lt;B&gt;"');
    expect(html).not.toContain('A&<B>');
  });
});

describe('ipt-lint graph', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-graph-'));
    writeFileSync(join(dir, 'shapes.rules'), SHAPES);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('dot on standard output by default; html to a file with -o', () => {
    const dot = runProgram(BIN, ['graph', '-'], { input: SHAPES });
    expect(dot.status).toBe(0);
    expect(dot.stdout).toBe(formatDot(buildChainGraph(parseDump(SHAPES, { file: '-' }).dump)));
    const page = join(dir, 'out.html');
    expect(runProgram(BIN, ['graph', '--format', 'html', '-o', page, join(dir, 'shapes.rules')])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(page, 'utf8')).toContain('<svg');
  });

  test('a table the file lacks, or an unreadable file: a clear message and exit 2', () => {
    const missing = runProgram(BIN, ['graph', '--table', 'nat', join(dir, 'shapes.rules')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`ipt-lint: ${join(dir, 'shapes.rules')} has no nat table (it has filter)`);
    const unreadable = runProgram(BIN, ['graph', join(dir, 'nope.rules')]);
    expect(unreadable).toMatchObject({ status: 2, stdout: '' });
    expect(unreadable.stderr).toContain('nope.rules does not exist');
  });

  test('an output file that cannot be written: the path and the reason, exit 2', () => {
    const result = runProgram(BIN, ['graph', '-o', join(dir, 'no', 'such', 'dir.html'), join(dir, 'shapes.rules')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`ipt-lint: cannot write ${join(dir, 'no', 'such', 'dir.html')}: ENOENT: no such file or directory, open '${join(dir, 'no', 'such', 'dir.html')}'\n`);
  });

  test('parse errors are reported with file and line, the graph is still drawn, and the exit code is 2', () => {
    const broken = join(dir, 'broken.rules');
    writeFileSync(broken, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n');
    const result = runProgram(BIN, ['graph', broken]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${broken}:3:`);
    expect(result.stdout).toContain('"ipv4/filter/INPUT"');
  });
});
