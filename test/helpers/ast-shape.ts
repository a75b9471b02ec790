import type { Dump } from '../../src/ast';

const POSITIONAL = new Set(['line', 'column', 'raw', 'spelling', 'commitLine', 'statements', 'comments', 'lineCount', 'lineEndings', 'hasBom', 'file', 'producer', 'familySource', 'oldNegation', 'declared']);

/** The meaning of a dump without where things were written or how they were spelled. */
export function astShape(dump: Dump): unknown {
  return JSON.parse(JSON.stringify(dump.rulesets, (key, value) => (POSITIONAL.has(key) ? undefined : value)));
}
