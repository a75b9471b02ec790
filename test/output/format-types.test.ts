import { DIAGNOSTICS } from '../../src/diagnostics';
import { docsUrlFor } from '../../src/lint/engine';
import type { LintRule } from '../../src/lint/types';
import { ruleDescriptors } from '../../src/output/format-types';
import { BUILTIN_RULES } from '../../rules';

test('every parse diagnostic and every built-in rule, once each, in code order', () => {
  const descriptors = ruleDescriptors(BUILTIN_RULES);
  const codes = descriptors.map((descriptor) => descriptor.code);
  const expected = [...Object.values(DIAGNOSTICS).map((kind) => kind.code), ...BUILTIN_RULES.map((rule) => rule.meta.code)];
  expect(new Set(codes)).toEqual(new Set(expected));
  expect(codes).toHaveLength(new Set(codes).size);
  expect(codes).toEqual([...codes].sort());
});

test('descriptors carry the metadata and the docs URL', () => {
  const descriptors = ruleDescriptors(BUILTIN_RULES);
  for (const rule of BUILTIN_RULES) {
    expect(descriptors.find((descriptor) => descriptor.code === rule.meta.code)).toEqual({
      code: rule.meta.code,
      name: rule.meta.name,
      severity: rule.meta.severity,
      description: rule.meta.description,
      docsUrl: docsUrlFor(rule.meta.code),
    });
  }
  expect(descriptors.find((descriptor) => descriptor.code === DIAGNOSTICS.crlfLineEndings.code)).toEqual({ ...DIAGNOSTICS.crlfLineEndings, docsUrl: docsUrlFor('IPT1004') });
});

test('without lint rules, the parse diagnostics alone', () => {
  const fake: LintRule = { meta: { code: 'IPT3999', name: 'fake', severity: 'info', description: 'd', messages: {} }, create: () => ({}) };
  expect(ruleDescriptors([])).toHaveLength(Object.keys(DIAGNOSTICS).length);
  expect(ruleDescriptors([fake]).at(-1)).toMatchObject({ code: 'IPT3999', docsUrl: docsUrlFor('IPT3999') });
});
