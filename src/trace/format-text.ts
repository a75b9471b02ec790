import type { Family, Rule } from '../ast';
import { printRule } from '../printer';
import type { Packet } from './packet';
import { endpoint, endpointText, interfaceText, type Condition, type Decision, type Step, type TraceOutcome, type TraceResult } from './evaluate';

const COLORS = { ACCEPT: '\u001b[32m', DROP: '\u001b[31m', REJECT: '\u001b[31m', UNKNOWN: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

export interface TextOptions {
  file: string;
  color: boolean;
}

/**
 * The trace the way `iptables -j TRACE` would log it, grouped by hook: every chain the packet
 * enters and every rule that matches, with file:line and the rule in iptables-save form; then the
 * verdict and what decided it. Several outcomes are listed one after the other, each with the
 * assumptions that lead to it.
 */
export function formatTraceText(result: TraceResult, family: Family, options: TextOptions): string {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[style]}${text}${COLORS.reset}` : text);
  const out: string[] = [`${paint('bold', options.file)}: ${packetLine(result.packet)}`, ''];
  const outcomes = result.outcomes;
  const where = (line: number): string => `${options.file}:${line}`;
  const lineOnly = (line: number): string => String(line);
  const ruleText = (rule: Rule): string => printRule(rule, family, { counters: false });

  if (outcomes.length > 1) {
    const verdicts = [...new Set(outcomes.map((outcome) => outcome.verdict))];
    out.push(
      verdicts.length === 1
        ? `${outcomes.length} ways through, all ending in ${verdicts[0]}; which one the packet takes depends on matches the tracer cannot decide:`
        : `${outcomes.length} possible outcomes (${verdicts.join(' or ')}); which one depends on matches the tracer cannot decide:`,
      '',
    );
  }
  outcomes.forEach((outcome, index) => {
    const heading = outcomes.length > 1 ? `${index + 1}. ` : '';
    if (outcomes.length > 1) {
      out.push(`${heading}${paint(outcome.verdict, outcome.verdict)}${outcome.conditions.length > 0 ? ', if' : ''}`);
      for (const condition of outcome.conditions) {
        out.push(`     ${conditionText(condition, where)}`);
        if (condition.kind === 'rule') out.push(`       ${paint('dim', ruleText(condition.rule))}`);
      }
      out.push('');
    }
    const indent = outcomes.length > 1 ? '   ' : '';
    for (const line of pathLines(outcome.steps, lineOnly, ruleText, (text) => paint('dim', text))) out.push(indent + line);
    out.push('');
    out.push(indent + verdictLine(outcome, paint, where, ruleText));
    out.push('');
  });
  out.push(paint('dim', `Assumed: ${result.assumptions.join('; ')}.`));
  return out.join('\n') + '\n';
}

export function packetLine(packet: Packet): string {
  const protocol = packet.protocol ?? 'any protocol';
  const source = endpoint(packet.source, packet.sourcePort, packet.family);
  const destination = endpoint(packet.destination, packet.destinationPort, packet.family);
  const icmp = packet.icmpType === undefined ? '' : ` type ${packet.icmpType.type}${packet.icmpType.code === undefined ? '' : `/${packet.icmpType.code}`}`;
  const arrival = packet.inInterface === null ? 'sent by the host' : `in ${interfaceText(packet.inInterface)}`;
  const out = packet.outInterface === undefined ? '' : `, out ${interfaceText(packet.outInterface)}`;
  return `${protocol}${icmp} ${source} → ${destination}, ${arrival}${out}, ${packet.state}`;
}

function pathLines(steps: readonly Step[], where: (line: number) => string, ruleText: (rule: Rule) => string, dim: (text: string) => string): string[] {
  const lines: string[] = [];
  const ruleWidth = Math.max(0, ...steps.map((step) => (step.kind === 'rule' ? where(step.rule.line).length : 0)));
  for (const step of steps) {
    switch (step.kind) {
      case 'hook':
        lines.push(step.hook);
        break;
      case 'chain':
        lines.push(step.resumed === true ? `  ${dim(`back in ${step.table} ${step.chain.name}`)}` : `  ${step.table} ${step.chain.name}`);
        break;
      case 'rule':
        lines.push(`    ${dim(where(step.rule.line).padStart(ruleWidth))}  ${ruleText(step.rule)}${step.assumed ? dim('   (assumed to match)') : ''}`);
        break;
      case 'policy':
        lines.push(`    ${dim(`end of ${step.chain.name}: policy ${step.verdict}`)}`);
        break;
      case 'rewrite':
        lines.push(`    ${' '.repeat(ruleWidth)}  ${step.what} ${step.from} → ${step.to}${step.rule === null ? dim(' (conntrack undoes the NAT of the connection)') : ''}`);
        break;
      case 'routing':
        lines.push(`routing: ${step.note}`);
        break;
    }
  }
  return lines;
}

function verdictLine(outcome: TraceOutcome, paint: (style: keyof typeof COLORS, text: string) => string, where: (line: number) => string, ruleText: (rule: Rule) => string): string {
  const final = outcome.final;
  let what: string;
  switch (outcome.verdict) {
    case 'ACCEPT':
      what =
        outcome.delivery === 'host' ? `delivered to the host as ${endpointText(final, 'destination')}`
        : outcome.delivery === 'forwarded' ? `forwarded out of ${interfaceText(final.outInterface)} as ${endpointText(final, 'source')} → ${endpointText(final, 'destination')}`
        : `sent out of ${interfaceText(final.outInterface)} as ${endpointText(final, 'source')} → ${endpointText(final, 'destination')}`;
      break;
    case 'DROP':
      what = 'dropped';
      break;
    case 'REJECT':
      what = 'rejected';
      break;
    case 'UNKNOWN':
      what = `the tracer cannot tell: ${outcome.reason ?? 'unknown'}`;
      break;
  }
  const decided = outcome.decidedBy === null ? '' : `\n  decided by ${decisionText(outcome.decidedBy, where, ruleText)}`;
  return `${paint(outcome.verdict, outcome.verdict)}: ${what}${decided}`;
}

export function decisionText(decision: Decision, where: (line: number) => string, ruleText: (rule: Rule) => string): string {
  if (decision.rule === null) return `the ${decision.table} ${decision.chain.name} policy ${decision.verdict} (${where(decision.chain.line)})`;
  return `${where(decision.rule.line)}  ${ruleText(decision.rule)}`;
}

export function conditionText(condition: Condition, where: (line: number) => string): string {
  if (condition.kind === 'routing') return `${condition.holds ? '' : 'not: '}${condition.text}`;
  return `${where(condition.rule.line)} ${condition.holds ? 'matches' : 'does not match'}, which depends on ${condition.why.join('; ')}`;
}
