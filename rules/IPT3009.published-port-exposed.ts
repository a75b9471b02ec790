import type { LintRule } from '../src/lint/types';
import { dockerUserFix, loopbackPublish, publishedPortExposures } from '../src/trace/exposure';

/**
 * A port published on every address answers from outside whatever INPUT says: DNAT sends the
 * connection to the container through FORWARD. Reported with the two fixes people use; a port
 * a DOCKER-USER rule closes is IPT3010's.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT3009',
    name: 'published-port-exposed',
    severity: 'warning',
    description: 'A port published on all addresses is reachable from outside through FORWARD, whatever the INPUT chain says.',
    messages: {
      exposed:
        '{port} is published on all addresses: a new connection from outside {verb} the container {container} port {containerPort}{condition}, because DNAT sends it through FORWARD{input} ({accepted}); publish it on loopback (`{publish}`), or close it with `{fix}`',
    },
  },
  create(context) {
    const docker = context.policy?.docker;
    if (docker === undefined || (docker.published ?? []).length === 0) return {};
    return {
      ruleset(ruleset) {
        const input = ruleset.tables.find((table) => table.name === 'filter')?.chains.find((chain) => chain.name === 'INPUT');
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
              input: input?.policy === 'DROP' ? ' and never meets INPUT, whose policy DROP does not apply' : '',
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
