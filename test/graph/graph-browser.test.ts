import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDump } from '../../src';
import { runProgram } from '../helpers/packed';
import { describeWithChromium, HeadlessChromium } from '../helpers/chromium';
import { SHAPES } from './shapes';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ipt-lint');

interface DrawnChain {
  family: string;
  table: string;
  chain: string;
  box: { left: number; top: number; right: number; bottom: number };
  svg: { left: number; top: number; right: number; bottom: number };
  texts: { text: string; width: number }[];
  display: string;
}

// Runs in the page: every drawn chain with its box, its svg's box and how wide its text rendered.
const DRAWN_CHAINS = `(() => [...document.querySelectorAll('g.chain')].map((g) => {
  const box = g.querySelector('rect').getBoundingClientRect();
  const svg = g.ownerSVGElement.getBoundingClientRect();
  return {
    family: g.dataset.family, table: g.dataset.table, chain: g.dataset.chain,
    box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom },
    svg: { left: svg.left, top: svg.top, right: svg.right, bottom: svg.bottom },
    texts: [...g.querySelectorAll('text')].map((t) => ({ text: t.textContent, width: t.getComputedTextLength() })),
    display: getComputedStyle(g).display + '/' + getComputedStyle(g).visibility,
  };
}))()`;

describeWithChromium('graph --format html in headless chromium', () => {
  let browser: HeadlessChromium;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipt-lint-graph-browser-'));
    writeFileSync(join(dir, 'shapes.rules'), SHAPES);
    // Both families in one file, as `iptables-save; ip6tables-save` gives.
    const dual = ['v4', 'v6'].map((ext) => readFileSync(join(ROOT, 'samples', 'docker-20.10', `dual-stack.${ext}`), 'utf8')).join('');
    writeFileSync(join(dir, 'dual-stack.save'), dual);
    browser = HeadlessChromium.launch();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** Every chain the dump holds, and every chain a rule names that it lacks, as `family table chain`. */
  function expectedChains(file: string): string[] {
    const { dump } = parseDump(readFileSync(file, 'utf8'));
    const names: string[] = [];
    for (const ruleset of dump.rulesets)
      for (const table of ruleset.tables) {
        const declared = new Set(table.chains.map((chain) => chain.name));
        const missing = new Set(table.chains.flatMap((chain) => chain.rules.map((rule) => rule.target).filter((target) => target?.type === 'chain' && !declared.has(target.name)).map((target) => target!.name)));
        for (const name of [...declared, ...missing]) names.push(`${ruleset.family} ${table.name} ${name}`);
      }
    return names.sort();
  }

  test.each([
    ['a Docker host, both families', () => join(dir, 'dual-stack.save')],
    ['kube-proxy', () => join(ROOT, 'samples', 'kube-proxy.save')],
    ['loops, a goto, a missing and an unused chain, markup in a name', () => join(dir, 'shapes.rules')],
  ])('%s: renders without errors, fetches nothing, and shows every chain whole and apart', async (_name, input) => {
    const file = input();
    const page = join(dir, `${Math.random().toString(36).slice(2)}.html`);
    expect(runProgram(BIN, ['graph', '--format', 'html', '-o', page, file]).status).toBe(0);
    const url = pathToFileURL(page).href;
    const report = await browser.open(url, DRAWN_CHAINS);
    expect(report.errors).toEqual([]);
    expect(report.requests).toEqual([]);
    const drawn = report.value as DrawnChain[];
    expect(drawn.map((chain) => `${chain.family} ${chain.table} ${chain.chain}`).sort()).toEqual(expectedChains(file));
    for (const chain of drawn) {
      const where = `${chain.family} ${chain.table} ${chain.chain}`;
      expect([where, chain.display]).toEqual([where, 'inline/visible']);
      expect([where, chain.box.right - chain.box.left > 20, chain.box.bottom - chain.box.top > 20]).toEqual([where, true, true]);
      const inside = chain.box.left >= chain.svg.left && chain.box.right <= chain.svg.right && chain.box.top >= chain.svg.top && chain.box.bottom <= chain.svg.bottom;
      expect([where, inside]).toEqual([where, true]);
      expect(chain.texts[0].text).toBe(chain.chain);
      const overflowing = chain.texts.filter((text) => text.width > chain.box.right - chain.box.left);
      expect([where, overflowing]).toEqual([where, []]);
    }
    for (const a of drawn)
      for (const b of drawn) {
        if (a === b || a.svg.top !== b.svg.top) continue;
        const overlap = a.box.left < b.box.right && b.box.left < a.box.right && a.box.top < b.box.bottom && b.box.top < a.box.bottom;
        expect([`${a.chain} / ${b.chain}`, overlap]).toEqual([`${a.chain} / ${b.chain}`, false]);
      }
  }, 60_000);

  test('the check itself sees script errors, console errors and fetches', async () => {
    const page = join(dir, 'broken.html');
    writeFileSync(page, '<!DOCTYPE html><title>x</title><img src="http://192.0.2.1/x.png"><script>console.error("boom"); null.x;</script>');
    const report = await browser.open(pathToFileURL(page).href, '1 + 1');
    expect(report.value).toBe(2);
    expect(report.errors).toEqual(expect.arrayContaining([expect.stringContaining('console.error'), expect.stringContaining('exception')]));
    expect(report.requests).toEqual(['http://192.0.2.1/x.png']);
  }, 60_000);
});
