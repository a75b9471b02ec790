import type { Dump, Parameter } from '../../src/ast';
import { canonicalAddress, canonicalPortRange, canonicalProtocol } from '../../src/parser/values';

const POSITIONAL = new Set(['line', 'column', 'raw', 'spelling', 'commitLine', 'statements', 'comments', 'lineCount', 'lineEndings', 'hasBom', 'file', 'producer', 'familySource', 'oldNegation', 'declared']);

/** The meaning of a dump without where things were written or how they were spelled. */
export function astShape(dump: Dump): unknown {
  return JSON.parse(JSON.stringify(dump.rulesets, (key, value) => (POSITIONAL.has(key) ? undefined : value)));
}

/**
 * As astShape, with parameter values in canonical form and implicit matches
 * not told apart from explicit ones: what a hand-written file and its
 * canonical print have in common.
 */
export function canonicalShape(dump: Dump): unknown {
  return dump.rulesets.map((ruleset) => {
    const shape = JSON.parse(
      JSON.stringify(ruleset, (key, value) => {
        if (POSITIONAL.has(key) || key === 'implicit' || key === 'command' || key === 'ruleNumber') return undefined;
        return value;
      }),
    );
    for (const table of shape.tables) {
      for (const chain of table.chains) {
        chain.counters ??= { packets: '0', bytes: '0' };
        for (const rule of chain.rules) {
          rule.parameters = rule.parameters
            .map((p: Parameter) => ({ ...p, value: canonicalParameter(p, ruleset.family) }))
            .filter((p: Parameter) => !(p.value === '+' && !p.negated));
          for (const match of rule.matches) {
            for (const option of match.options) {
              if (match.known && (option.name === 'sport' || option.name === 'dport')) option.values = option.values.map(canonicalPortRange);
            }
          }
        }
      }
    }
    return shape;
  });
}

function canonicalParameter(parameter: Parameter, family: 'ipv4' | 'ipv6'): string | null {
  if (parameter.value === null) return null;
  if (parameter.name === 'source' || parameter.name === 'destination') return canonicalAddress(parameter.value, family);
  if (parameter.name === 'protocol') return canonicalProtocol(parameter.value, family);
  return parameter.value;
}
