import type { ChangeKind, DumpDiff } from '../diff/types';

/** The changes as data (docs/diff-json.md): stable keys, one entry per change. */
export function formatDiffJson(diff: DumpDiff): string {
  const byKind: Partial<Record<ChangeKind, number>> = {};
  for (const change of diff.changes) byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
  const document = {
    before: diff.beforeFile,
    after: diff.afterFile,
    changes: diff.changes,
    summary: { drift: diff.changes.length > 0, changes: diff.changes.length, chains: diff.chains.length, byKind },
  };
  return JSON.stringify(document, null, 2) + '\n';
}
