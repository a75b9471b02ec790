import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIAGNOSTICS } from '../src/diagnostics';

test('docs/diagnostics.md lists every parse diagnostic with its name and severity', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'diagnostics.md'), 'utf8');
  const kinds = Object.values(DIAGNOSTICS);
  for (const kind of kinds) expect(doc).toContain(`| ${kind.code} | ${kind.name} | ${kind.severity} |`);
  const documented = doc.match(/^\| IPT\d+ /gm) ?? [];
  expect(documented).toHaveLength(kinds.length);
  expect(new Set(kinds.map((k) => k.code)).size).toBe(kinds.length);
});
