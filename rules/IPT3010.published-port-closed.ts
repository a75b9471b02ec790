import type { LintRule } from '../src/lint/types';
import { publishedPortExposures } from '../src/trace/exposure';

/** The good news IPT3009 would otherwise leave unsaid: a DOCKER-USER rule stops the published port's connections from outside. */
export const rule: LintRule = {
  meta: {
    code: 'IPT3010',
    name: 'published-port-closed',
    severity: 'info',
    description: 'A port published on all addresses is closed to new connections from outside by a DOCKER-USER rule.',
    messages: {
      closed: '{port} is published on all addresses, but line {line} in DOCKER-USER {verb} new connections from outside to the container {container} port {containerPort}',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined || (docker.published ?? []).length === 0) return {};
    return {
      ruleset(ruleset) {
        for (const exposure of publishedPortExposures(ruleset, docker)) {
          if (exposure.kind !== 'closed') continue;
          const { port, closedBy } = exposure;
          context.report({
            at: closedBy,
            ruleset,
            rule: closedBy,
            messageId: 'closed',
            data: {
              port: `${port.protocol} port ${port.hostPort}`,
              line: closedBy.line,
              verb: closedBy.target?.name === 'REJECT' ? 'rejects' : 'drops',
              container: port.container,
              containerPort: port.containerPort,
            },
            related: exposure.dnat === null ? [] : [{ line: exposure.dnat.line, message: 'the DNAT of the published port' }],
            fingerprint: `IPT3010|${ruleset.family}|${port.protocol}|${port.hostPort}|${port.container}|${port.containerPort}`,
          });
        }
      },
    };
  },
};
