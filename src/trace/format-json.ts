import type { Family, Rule } from '../ast';
import { printRule } from '../printer';
import { formatMasked, type AddressSet } from './addresses';
import type { Condition, Decision, Step, TraceOutcome, TraceResult } from './evaluate';
import type { InterfaceValue, Packet } from './packet';

/** The JSON document of `ipt-lint trace --format json`; docs/trace-json.md describes it. */
export function traceToJson(result: TraceResult, family: Family, file: string): object {
  const rule = (r: Rule): { line: number; rule: string } => ({ line: r.line, rule: printRule(r, family, { counters: false }) });
  const verdicts = [...new Set(result.outcomes.map((outcome) => outcome.verdict))];
  return {
    file,
    family,
    packet: packetJson(result.packet),
    verdicts,
    certain: result.outcomes.length === 1 && result.outcomes[0].conditions.length === 0 && result.outcomes[0].verdict !== 'UNKNOWN',
    outcomes: result.outcomes.map((outcome) => outcomeJson(outcome, rule)),
    assumptions: result.assumptions,
  };
}

export function formatTraceJson(result: TraceResult, family: Family, file: string): string {
  return JSON.stringify(traceToJson(result, family, file), null, 2) + '\n';
}

function packetJson(packet: Packet): object {
  return {
    in: packet.inInterface === null ? null : interfaceJson(packet.inInterface),
    out: packet.outInterface === undefined ? null : interfaceJson(packet.outInterface),
    source: addressJson(packet.source),
    destination: addressJson(packet.destination),
    protocol: packet.protocol ?? null,
    sourcePort: packet.sourcePort ?? null,
    destinationPort: packet.destinationPort ?? null,
    icmpType: packet.icmpType ?? null,
    state: packet.state,
  };
}

function outcomeJson(outcome: TraceOutcome, rule: (r: Rule) => { line: number; rule: string }): object {
  const final = outcome.final;
  return {
    verdict: outcome.verdict,
    delivery: outcome.delivery ?? null,
    decidedBy: outcome.decidedBy === null ? null : decisionJson(outcome.decidedBy, rule),
    reason: outcome.reason ?? null,
    conditions: outcome.conditions.map((condition) => conditionJson(condition, rule)),
    path: outcome.steps.map((step) => stepJson(step, rule)),
    final: {
      source: addressJson(final.source),
      destination: addressJson(final.destination),
      sourcePort: final.sourcePort ?? null,
      destinationPort: final.destinationPort ?? null,
      out: final.outInterface === undefined ? 'unknown' : final.outInterface === null ? null : interfaceJson(final.outInterface),
    },
  };
}

function decisionJson(decision: Decision, rule: (r: Rule) => { line: number; rule: string }): object {
  if (decision.rule === null) return { table: decision.table, chain: decision.chain.name, policy: decision.verdict, line: decision.chain.line };
  return { table: decision.table, chain: decision.chain.name, ...rule(decision.rule), target: decision.verdict };
}

function conditionJson(condition: Condition, rule: (r: Rule) => { line: number; rule: string }): object {
  if (condition.kind === 'routing') return { kind: 'routing', holds: condition.holds, text: condition.text };
  return { kind: 'rule', table: condition.table, chain: condition.chain, ...rule(condition.rule), holds: condition.holds, unknown: condition.why };
}

function stepJson(step: Step, rule: (r: Rule) => { line: number; rule: string }): object {
  switch (step.kind) {
    case 'hook':
      return { step: 'hook', hook: step.hook };
    case 'chain':
      return { step: 'chain', table: step.table, chain: step.chain.name, line: step.chain.line };
    case 'rule':
      return { step: 'rule', table: step.table, chain: step.chain.name, ...rule(step.rule), assumed: step.assumed };
    case 'policy':
      return { step: 'policy', table: step.table, chain: step.chain.name, policy: step.verdict, line: step.chain.line };
    case 'rewrite':
      return { step: 'rewrite', table: step.table, line: step.rule?.line ?? null, field: step.what, from: step.from, to: step.to };
    case 'routing':
      return { step: 'routing', toHost: step.local, out: step.outInterface === undefined ? 'unknown' : step.outInterface === null ? null : interfaceJson(step.outInterface), note: step.note };
  }
}

/** `"eth0"`, or `{"except": ["docker0"]}` for an interface known only not to be some. */
function interfaceJson(value: InterfaceValue): string | { except: readonly string[] } {
  return 'name' in value ? value.name : { except: value.except };
}

/** `"192.0.2.1"`, or `{"within": [...], "except": [...], "host": true}` when only a set is known. */
function addressJson(set: AddressSet): string | object {
  if (set.within !== null && set.within.length === 1 && set.except.length === 0 && set.local !== true) {
    const text = formatMasked(set.within[0]);
    return text;
  }
  return {
    within: set.within === null ? null : set.within.map(formatMasked),
    except: set.except.map(formatMasked),
    ...(set.local === true ? { host: true } : {}),
  };
}
