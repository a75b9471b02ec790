import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_RULES } from '../rules';
import type { LintRule } from '../src/lint/types';

const ROOT = join(__dirname, '..');
const RULE_FILE = /^(IPT\d{4})\.([a-z0-9-]+)\.ts$/;
const DOC_HEADINGS = ['## Why it matters', '## Example', '## How to fix', '## When to turn it off'];

const ruleFiles = readdirSync(join(ROOT, 'rules')).filter((name) => name !== 'index.ts');

describe('every rule has a file, a registry entry, a doc page and a test file', () => {
  test('rules/ holds only rule files named CODE.name.ts', () => {
    for (const file of ruleFiles) expect(file).toMatch(RULE_FILE);
  });

  test('codes and names are unique', () => {
    const codes = BUILTIN_RULES.map((rule) => rule.meta.code);
    const names = BUILTIN_RULES.map((rule) => rule.meta.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  test('the registry lists exactly the rule files, in code order', () => {
    const fromFiles = ruleFiles.map((file) => RULE_FILE.exec(file)![1]).sort();
    expect(BUILTIN_RULES.map((rule) => rule.meta.code)).toEqual(fromFiles);
  });

  test.each(ruleFiles)('%s', (file) => {
    const [, code, name] = RULE_FILE.exec(file)!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(join(ROOT, 'rules', file)).rule as LintRule;
    expect(exported.meta.code).toBe(code);
    expect(exported.meta.name).toBe(name);
    expect(['error', 'warning', 'info']).toContain(exported.meta.severity);
    expect(exported.meta.description).toMatch(/^[A-Z].*\.$/);
    expect(Object.keys(exported.meta.messages).length).toBeGreaterThan(0);
    expect(BUILTIN_RULES).toContain(exported);

    const doc = join(ROOT, 'docs', 'rules', `${code}.md`);
    expect(existsSync(doc)).toBe(true);
    const text = readFileSync(doc, 'utf8');
    expect(text.startsWith(`# ${code} ${name}\n`)).toBe(true);
    const positions = DOC_HEADINGS.map((heading) => text.indexOf(`\n${heading}\n`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    expect(existsSync(join(ROOT, 'test', 'rules', `${code}.test.ts`))).toBe(true);
  });

  test('every doc page belongs to a rule', () => {
    const docs = readdirSync(join(ROOT, 'docs', 'rules')).map((file) => file.replace(/\.md$/, ''));
    expect(docs.sort()).toEqual(BUILTIN_RULES.map((rule) => rule.meta.code).sort());
  });
});
