import type { LintRule } from '../src/lint/types';
import { dockerUserFix, loopbackPublish, publishedPortExposures } from '../src/trace/exposure';

/**
 * A port published on every address answers from outside though INPUT would stop the connection:
 * DNAT sends it to the container through FORWARD. Reported with the two fixes people use; a port
 * a DOCKER-USER rule closes is IPT3010's.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3009',
    name: 'published-port-exposed',
    severity: 'warning',
    description: 'A port published on all addresses is reachable from outside through FORWARD, though INPUT would stop the connection.',
    messages: {
      exposed:
        '{port} is published on all addresses: a new connection from outside {verb} the container {container} port {containerPort}{condition}, though {input} would stop it in INPUT: DNAT sends it through FORWARD instead ({accepted}); publish it on loopback (`{publish}`), or close it with `{fix}`',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined || (docker.published ?? []).length === 0) return {};
    return {
      ruleset(ruleset) {
        for (const exposure of publishedPortExposures(ruleset, docker)) {
          if (exposure.kind !== 'exposed') continue;
          const { port } = exposure;
          const certain = exposure.conditions.length === 0;
          context.report({
            at: exposure.dnat ?? ruleset,
            ruleset,
            rule: exposure.dnat ?? undefined,
            messageId: 'exposed',
            data: {
              port: `${port.protocol} port ${port.hostPort}`,
              verb: certain ? 'reaches' : 'may reach',
              container: port.container,
              containerPort: port.containerPort,
              condition: certain ? '' : `, depending on ${exposure.conditions.join(', ')}`,
              input: exposure.inputStoppedBy,
              accepted: exposure.acceptedBy === null ? 'the FORWARD policy accepts it' : `line ${exposure.acceptedBy.line} accepts it`,
              publish: loopbackPublish(port),
              fix: dockerUserFix(port, exposure.bridge),
            },
            related: exposure.acceptedBy === null ? [] : [{ line: exposure.acceptedBy.line, message: 'lets the connection from outside through FORWARD' }],
            fingerprint: `IPT3009|${ruleset.family}|${port.protocol}|${port.hostPort}|${port.container}|${port.containerPort}`,
          });
        }
      },
    };
  },
};
