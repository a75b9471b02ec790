import { parseDump } from '../../src/parser/parse-dump';
import type { DockerPolicy } from '../../src/policy/types';
import { tracePacket, type TraceOutcome, type TraceResult } from '../../src/trace/evaluate';
import { hostModel, parsePacket, type PacketInput } from '../../src/trace/packet-input';

export interface TraceCase extends Partial<PacketInput> {
  local?: string[];
  docker?: DockerPolicy;
}

/** Traces a packet (defaults: tcp from 198.51.100.7 on eth0 to 192.0.2.10) through the dump's first ruleset. */
export function trace(text: string, input: TraceCase = {}): TraceResult {
  const parsed = parseDump(text, { file: 'case.rules' });
  const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) throw new Error(`test dump does not parse: ${errors[0].message} (line ${errors[0].line})`);
  const packetInput: PacketInput = { source: '198.51.100.7', destination: '192.0.2.10', protocol: 'tcp', in: 'eth0', ...input };
  if ('in' in input && input.in === undefined) delete packetInput.in;
  const packet = parsePacket(packetInput);
  if (!packet.ok) throw new Error(packet.problem);
  const ruleset = parsed.dump.rulesets.find((candidate) => candidate.family === packet.packet.family) ?? parsed.dump.rulesets[0];
  const host = hostModel(packet.packet.family, input.local ?? [], input.docker);
  if (typeof host === 'string') throw new Error(host);
  return tracePacket(ruleset, packet.packet, host);
}

/** "ACCEPT@12" / "DROP@policy" / "UNKNOWN@5" per outcome, with " if 7 holds" / " if 7 fails" conditions. */
export function summary(result: TraceResult): string[] {
  return result.outcomes.map(describeOutcome);
}

export function describeOutcome(outcome: TraceOutcome): string {
  const by = outcome.decidedBy === null ? 'none' : outcome.decidedBy.rule === null ? `${outcome.decidedBy.chain.name} policy` : String(outcome.decidedBy.rule.line);
  const conditions = outcome.conditions.map((condition) => (condition.kind === 'rule' ? `${condition.rule.line} ${condition.holds ? 'holds' : 'fails'}` : `routing ${condition.holds ? 'local' : 'not local'}`));
  return `${outcome.verdict}@${by}${conditions.length > 0 ? ` if ${conditions.join(', ')}` : ''}`;
}

/** The single certain verdict, or a failure listing what the tracer found. */
export function verdictOf(result: TraceResult): string {
  const all = summary(result);
  if (all.length !== 1) throw new Error(`expected one certain outcome, got: ${all.join('; ')}`);
  return all[0];
}

export const dump = (...lines: string[]): string => lines.join('\n') + '\n';
