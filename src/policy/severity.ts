import type { SeverityOverride } from '../lint/engine';
import { closestMatch, type PolicyProblem } from './problems';

/** A kind of finding a policy's `severity` section may name, by code or by name. */
export interface FindingKind {
  code: string;
  name: string;
}

const CODE_SHAPE = /^IPT\d+$/i;

/**
 * Problems with the keys of a `severity` section: codes and names no finding
 * has, and one kind given twice (by code and by name) with different levels.
 * The values themselves are the schema's to check.
 */
export function severityProblems(severity: unknown, kinds: readonly FindingKind[]): PolicyProblem[] {
  if (severity === null || typeof severity !== 'object' || Array.isArray(severity)) return [];
  const problems: PolicyProblem[] = [];
  const byKey = kindsByKey(kinds);
  const seen = new Map<string, { key: string; level: unknown }>();
  for (const [key, level] of Object.entries(severity)) {
    const kind = byKey.get(key);
    if (kind === undefined) {
      problems.push({ path: ['severity', key], atKey: true, message: unknownKeyMessage(key, kinds) });
      continue;
    }
    const earlier = seen.get(kind.code);
    if (earlier !== undefined && earlier.level !== level) {
      problems.push({ path: ['severity', key], message: `${kind.code} (${kind.name}) is already set to ${String(earlier.level)} by severity.${earlier.key}` });
    }
    if (earlier === undefined) seen.set(kind.code, { key, level });
  }
  return problems;
}

/** The section as the engine's overrides: keyed by code, whichever way the policy named each kind. */
export function severityOverrides(severity: Record<string, SeverityOverride> | undefined, kinds: readonly FindingKind[]): Record<string, SeverityOverride> {
  const byKey = kindsByKey(kinds);
  const overrides: Record<string, SeverityOverride> = {};
  for (const [key, level] of Object.entries(severity ?? {})) {
    const code = byKey.get(key)?.code ?? key;
    if (!(code in overrides)) overrides[code] = level;
  }
  return overrides;
}

function kindsByKey(kinds: readonly FindingKind[]): Map<string, FindingKind> {
  const byKey = new Map<string, FindingKind>();
  for (const kind of kinds) {
    byKey.set(kind.code, kind);
    byKey.set(kind.name, kind);
  }
  return byKey;
}

function unknownKeyMessage(key: string, kinds: readonly FindingKind[]): string {
  const known = `known codes: ${codeRanges(kinds.map((kind) => kind.code))} (\`ipt-lint explain CODE\` describes each)`;
  if (CODE_SHAPE.test(key)) {
    const sameCode = kinds.find((kind) => kind.code.toLowerCase() === key.toLowerCase());
    return sameCode !== undefined ? `unknown code (did you mean "${sameCode.code}"?)` : `unknown code; ${known}`;
  }
  const match = closestMatch(key, kinds.map((kind) => kind.name));
  return match !== null ? `unknown rule name (did you mean "${match}"?)` : `unknown code or rule name; ${known}`;
}

/** `IPT1000-IPT1005, IPT1010-IPT1037, IPT2001-IPT2010`: every code, in runs, so the list stays one line. */
export function codeRanges(codes: readonly string[]): string {
  const sorted = [...new Set(codes)].sort((a, b) => number(a) - number(b));
  const runs: string[][] = [];
  for (const code of sorted) {
    const run = runs[runs.length - 1];
    if (run !== undefined && number(code) === number(run[run.length - 1]) + 1) run.push(code);
    else runs.push([code]);
  }
  return runs.map((run) => (run.length === 1 ? run[0] : `${run[0]}-${run[run.length - 1]}`)).join(', ');
}

function number(code: string): number {
  return Number(code.replace(/\D/g, ''));
}
