import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_RULES } from '../../rules';
import { DIAGNOSTICS } from '../../src/diagnostics';
import { parsePolicy, PolicyError } from '../../src/policy/load';

const ROOT = join(__dirname, '..', '..');
const generator = require(join(ROOT, 'scripts', 'gen-policy-doc.js')) as { renderPolicyDoc(schema: unknown): string; SCHEMA_FILE: string; DOC_FILE: string };
const KINDS = [...Object.values(DIAGNOSTICS), ...BUILTIN_RULES.map((rule) => rule.meta)];

/** The bodies of the fenced code blocks tagged `language` (`''` for untagged ones). */
function fencedBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  let open: { language: string; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    if (open === null) {
      if (line.startsWith('```')) open = { language: line.slice(3).trim(), lines: [] };
    } else if (line === '```') {
      if (open.language === language) blocks.push(open.lines.map((text) => `${text}\n`).join(''));
      open = null;
    } else {
      open.lines.push(line);
    }
  }
  return blocks;
}

const doc = readFileSync(generator.DOC_FILE, 'utf8');

test('docs/policy.md is what scripts/gen-policy-doc.js makes of the schema (run `npm run docs:policy`)', () => {
  const schema: unknown = JSON.parse(readFileSync(generator.SCHEMA_FILE, 'utf8'));
  expect(doc).toBe(generator.renderPolicyDoc(schema));
});

test('the reference names every key of the schema', () => {
  for (const key of ['era', 'networks', 'bridge', 'ipv4', 'ipv6', 'icc', 'masquerade', 'internal', 'hostBinding', 'published', 'container', 'protocol', 'hostAddress', 'hostPort', 'containerPort', 'isolate', 'dockerUser', 'chains', 'policy', 'family', 'rules', 'rule', 'present', 'severity']) {
    expect(doc).toContain(`| \`${key}\` |`);
  }
});

test.each([
  ['docs/policy.md', doc],
  ['README.md', readFileSync(join(ROOT, 'README.md'), 'utf8')],
])('the YAML examples in %s are valid policies', (_file, markdown) => {
  const examples = fencedBlocks(markdown, 'yaml');
  expect(examples.length).toBeGreaterThan(0);
  for (const example of examples) expect(() => parsePolicy(example, 'example.yaml', { findingKinds: KINDS })).not.toThrow();
});

test('the error output shown in docs/policy.md is what ipt-lint prints for that mistake', () => {
  const mistaken = 'docker:\n  networks:\n    - name: web\n      bridge: br-web\n    - name: db\n      brige: br-db\n      bridge: br-db\n      ipv4: ["10.0.0.300/24"]\n  published:\n    - network: web\n      container: 172.18.0.2\n      protocol: http\n      hostPort: 8080\n      containerPort: 80\n';
  let message = '';
  try {
    parsePolicy(mistaken, '.ipt-lint.yaml', { findingKinds: KINDS });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    message = error.message;
  }
  expect(fencedBlocks(doc, '')).toContain(`ipt-lint: ${message}\n`);
});
