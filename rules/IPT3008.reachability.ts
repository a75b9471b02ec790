import type { Ruleset } from '../src/ast';
import type { LintRule, RuleContext } from '../src/lint/types';
import type { ConnectionRequirement, DockerPolicy } from '../src/policy/types';
import { tracePacket, type TraceOutcome } from '../src/trace/evaluate';
import { connectionPacket, endpointsOf, policyHost, type ReachProtocol } from '../src/trace/reach';
import { replyPacket } from '../src/trace/reply';

/**
 * The policy's `reach` and `deny` statements, checked by what the rules do: each connection is
 * traced through every table (NAT included), whatever chains the Docker release puts the rules in.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3008',
    name: 'reachability',
    severity: 'error',
    description: 'A connection the policy wants to get through is dropped, or one it wants stopped gets through, when traced through every table.',
    messages: {
      blocked: '{connection} must get through (docker.reach[{index}]), but {decider} {verb} it{condition}',
      answerBlocked: '{connection} must get through (docker.reach[{index}]): its first packet does, but {decider} {verb} the answers{condition}',
      leaks: '{connection} must not get through (docker.deny[{index}]), but {decider} {verb} it{condition}',
      undecided: '{connection} ({kind}[{index}]) cannot be checked: {reason}',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined || ((docker.reach ?? []).length === 0 && (docker.deny ?? []).length === 0)) return {};
    return {
      ruleset(ruleset) {
        const endpoints = endpointsOf(docker, ruleset.family);
        const host = policyHost(docker, ruleset.family);
        const check = (kind: 'reach' | 'deny', requirement: ConnectionRequirement, index: number): void => {
          const from = endpoints.find((endpoint) => endpoint.name === requirement.from);
          const to = endpoints.find((endpoint) => endpoint.name === requirement.to);
          // A network without subnets of this family carries none of its traffic.
          if (from === undefined || to === undefined) return;
          for (const protocol of protocolsOf(requirement)) {
            const packet = { ...connectionPacket(from, to, endpoints, ruleset.family, protocol === 'sctp' ? 'tcp' : protocol, requirement.port), ...(protocol === 'sctp' ? { protocol: 'sctp' } : {}) };
            // The answers matter to a connection that must open; a first packet that gets in is already a leak.
            // Answers are addressed to what the first packet left as: it needs its POSTROUTING NAT.
            const outcomes = tracePacket(ruleset, packet, host, { verdictsOnly: kind === 'deny' }).outcomes;
            if (report(context, ruleset, docker, kind, requirement, index, protocol, outcomes, false)) return;
            if (kind !== 'reach') continue;
            for (const outcome of outcomes.slice(0, MAX_ANSWERS_TRACED)) {
              const answer = replyPacket(outcome);
              if (answer === null) continue;
              const answers = tracePacket(ruleset, answer, host, { verdictsOnly: true }).outcomes;
              if (report(context, ruleset, docker, kind, requirement, index, protocol, answers, true)) return;
            }
          }
        };
        (docker.reach ?? []).forEach((requirement, index) => check('reach', requirement, index));
        (docker.deny ?? []).forEach((requirement, index) => check('deny', requirement, index));
      },
    };
  },
};

type Protocol = ReachProtocol | 'sctp';

/** The answers of this many ways through are traced; more ways than that are rare outside kube-proxy. */
const MAX_ANSWERS_TRACED = 16;

function protocolsOf(requirement: ConnectionRequirement): Protocol[] {
  if (requirement.protocol !== undefined) return [requirement.protocol];
  return requirement.port === undefined ? ['tcp', 'udp', 'icmp'] : ['tcp', 'udp'];
}

/** Reports the first outcome that breaks the statement, the certain ones first; true when it reported. */
function report(
  context: RuleContext,
  ruleset: Ruleset,
  docker: DockerPolicy,
  kind: 'reach' | 'deny',
  requirement: ConnectionRequirement,
  index: number,
  protocol: Protocol,
  outcomes: TraceOutcome[],
  answers: boolean,
): boolean {
  const connection = describeConnection(requirement, protocol, docker, ruleset);
  const unknown = outcomes.find((outcome) => outcome.verdict === 'UNKNOWN');
  const breaks = (outcome: TraceOutcome): boolean => (kind === 'reach' ? outcome.verdict === 'DROP' || outcome.verdict === 'REJECT' : outcome.verdict === 'ACCEPT');
  const broken = outcomes.filter(breaks).sort((a, b) => a.conditions.length - b.conditions.length)[0];
  const fingerprint = `IPT3008|${ruleset.family}|${kind}|${requirement.from}|${requirement.to}|${requirement.protocol ?? ''}|${requirement.port ?? ''}${answers ? '|answers' : ''}`;
  if (broken === undefined) {
    if (unknown === undefined) return false;
    context.report({
      at: unknown.decidedBy?.rule ?? ruleset,
      ruleset,
      messageId: 'undecided',
      data: { connection, kind: `docker.${kind}`, index, reason: unknown.reason ?? 'the tracer cannot follow it' },
      fingerprint,
    });
    return true;
  }
  const decision = broken.decidedBy;
  const certain = broken.conditions.length === 0;
  const verb = kind === 'reach' ? (certain ? (broken.verdict === 'REJECT' ? 'rejects' : 'drops') : 'may drop') : certain ? 'accepts' : 'may accept';
  const decider = decision === null ? 'the rules' : decision.rule === null ? `the ${decision.table} ${decision.chain.name} policy ${decision.verdict} (line ${decision.chain.line})` : `line ${decision.rule.line} (\`${decision.rule.raw.trim()}\`)`;
  context.report({
    at: decision?.rule ?? decision?.chain ?? ruleset,
    ruleset,
    rule: decision?.rule ?? undefined,
    messageId: kind === 'reach' ? (answers ? 'answerBlocked' : 'blocked') : 'leaks',
    data: { connection, index, decider, verb, condition: certain ? '' : `, depending on ${conditionsText(broken)}` },
    related: conditionLines(broken).map((line) => ({ line, message: 'the answer depends on this rule' })),
    fingerprint,
  });
  return true;
}

function describeConnection(requirement: ConnectionRequirement, protocol: Protocol, docker: DockerPolicy, ruleset: Ruleset): string {
  const name = (endpoint: string): string => {
    if (endpoint === 'outside' || endpoint === 'host') return endpoint;
    const network = docker.networks.find((candidate) => candidate.name === endpoint);
    return network === undefined ? endpoint : `network ${network.name} (${network.bridge})`;
  };
  const what = protocol === 'icmp' ? (ruleset.family === 'ipv4' ? 'ICMP echo' : 'ICMPv6 echo') : requirement.port === undefined ? `${protocol} on any port` : `${protocol} port ${requirement.port}`;
  return `a new ${ruleset.family === 'ipv4' ? 'IPv4' : 'IPv6'} connection from ${name(requirement.from)} to ${name(requirement.to)} (${what})`;
}

function conditionsText(outcome: TraceOutcome): string {
  return outcome.conditions
    .map((condition) => (condition.kind === 'routing' ? condition.text : `line ${condition.rule.line} ${condition.holds ? 'matching' : 'not matching'} (${condition.why.join('; ')})`))
    .join(', ');
}

function conditionLines(outcome: TraceOutcome): number[] {
  return [...new Set(outcome.conditions.flatMap((condition) => (condition.kind === 'rule' ? [condition.rule.line] : [])))];
}
