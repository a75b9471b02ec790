import { rule as IPT3001 } from '../../rules/IPT3001.docker-masquerade';
import { rule as IPT3002 } from '../../rules/IPT3002.docker-icc';
import { rule as IPT3003 } from '../../rules/IPT3003.docker-isolation';
import { rule as IPT3004 } from '../../rules/IPT3004.docker-internal';
import { rule as IPT3005 } from '../../rules/IPT3005.docker-published-port';
import { lintDump } from '../../src/lint/engine';
import type { Finding } from '../../src/lint/types';
import { parseDump } from '../../src/parser/parse-dump';
import type { Policy } from '../../src/policy/types';

/** IPT3001-IPT3005, until rules/index.ts lists them. */
export const DOCKER_POLICY_RULES = [IPT3001, IPT3002, IPT3003, IPT3004, IPT3005];

/** Every Docker policy check over a dump; the dump must parse without errors. */
export function lintDocker(text: string, policy: Policy, file = 'sample'): Finding[] {
  const parsed = parseDump(text, { file });
  expect(parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return lintDump(parsed.dump, { rules: DOCKER_POLICY_RULES, policy });
}

export interface ExpectedFinding {
  code: string;
  /** Words the message must contain: the network and what is wrong. */
  words: string[];
}

/** Exactly these findings, in any order: each expected one matched by a finding of its own, and nothing left over. */
export function expectExactly(findings: Finding[], expected: ExpectedFinding[]): void {
  const remaining = [...findings];
  for (const wanted of expected) {
    const index = remaining.findIndex((finding) => finding.code === wanted.code && wanted.words.every((word) => finding.message.includes(word)));
    if (index < 0) throw new Error(`no ${wanted.code} finding with ${JSON.stringify(wanted.words)} among:\n${remaining.map((finding) => `${finding.code} ${finding.message}`).join('\n')}`);
    remaining.splice(index, 1);
  }
  expect(remaining.map((finding) => `${finding.code} line ${finding.line}: ${finding.message}`)).toEqual([]);
}
