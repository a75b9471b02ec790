import type { Severity } from '../ast';
import { DIAGNOSTICS } from '../diagnostics';
import { docsUrlFor } from '../lint/engine';
import type { Finding, LintRule } from '../lint/types';
import { byCodeUnits } from '../text-order';

export interface FileResult {
  file: string;
  findings: Finding[];
}

export interface RuleDescriptor {
  code: string;
  name: string;
  severity: Severity;
  description: string;
  docsUrl: string;
}

export interface FormatContext {
  toolVersion: string;
  rules: RuleDescriptor[];
}

/** Every code a run can report: the given lint rules and all parse diagnostics, in code order. */
export function ruleDescriptors(rules: readonly LintRule[]): RuleDescriptor[] {
  const byCode = new Map<string, RuleDescriptor>();
  for (const diagnostic of Object.values(DIAGNOSTICS)) {
    byCode.set(diagnostic.code, { ...diagnostic, docsUrl: docsUrlFor(diagnostic.code) });
  }
  for (const { meta } of rules) {
    byCode.set(meta.code, { code: meta.code, name: meta.name, severity: meta.severity, description: meta.description, docsUrl: docsUrlFor(meta.code) });
  }
  return [...byCode.values()].sort((a, b) => byCodeUnits(a.code, b.code));
}
