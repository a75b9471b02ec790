import type { Finding } from './types';
import { byCodeUnits } from '../text-order';

/**
 * The findings a team accepted when adopting ipt-lint. Entries match by
 * fingerprint (code, table, chain, the rule's canonical text), not by line, so
 * editing other parts of the file does not bring them back.
 */
export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

export interface BaselineEntry {
  file: string;
  code: string;
  fingerprint: string;
  count: number;
}

export function createBaseline(findings: readonly Finding[]): Baseline {
  const counts = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const key = `${finding.file}\u0000${finding.fingerprint}`;
    const entry = counts.get(key);
    if (entry === undefined) counts.set(key, { file: finding.file, code: finding.code, fingerprint: finding.fingerprint, count: 1 });
    else entry.count++;
  }
  const entries = [...counts.values()].sort((a, b) => byCodeUnits(a.file, b.file) || byCodeUnits(a.fingerprint, b.fingerprint));
  return { version: 1, findings: entries };
}

/** Why a parsed baseline file is unusable, or null. */
export function baselineProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'it is not a JSON object';
  const candidate = value as Partial<Baseline>;
  if (candidate.version !== 1) return '"version" must be 1';
  if (!Array.isArray(candidate.findings)) return '"findings" must be an array';
  for (const [index, entry] of candidate.findings.entries()) {
    if (typeof entry?.file !== 'string' || typeof entry?.fingerprint !== 'string' || typeof entry?.code !== 'string' || !Number.isInteger(entry?.count)) {
      return `findings[${index}] needs "file", "code", "fingerprint" and an integer "count"`;
    }
  }
  return null;
}

/** The findings the baseline does not cover; as many of each fingerprint as it counted are dropped. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { kept: Finding[]; baselined: number } {
  const remaining = new Map<string, number>();
  for (const entry of baseline.findings) remaining.set(`${entry.file}\u0000${entry.fingerprint}`, entry.count);
  const kept: Finding[] = [];
  let baselined = 0;
  for (const finding of findings) {
    const key = `${finding.file}\u0000${finding.fingerprint}`;
    const left = remaining.get(key) ?? 0;
    if (left > 0) {
      remaining.set(key, left - 1);
      baselined++;
    } else {
      kept.push(finding);
    }
  }
  return { kept, baselined };
}
