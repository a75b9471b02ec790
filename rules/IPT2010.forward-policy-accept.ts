import type { Chain, Family, Located, Table } from '../src/ast';
import type { LintRule } from '../src/lint/types';

const DOCKER_FILTER_CHAINS = new Set(['DOCKER', 'DOCKER-USER', 'DOCKER-FORWARD']);

/** Docker turns on IP forwarding and, since 1.13, sets FORWARD to DROP so that only its own rules route. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2010',
    name: 'forward-policy-accept',
    severity: 'warning',
    description: 'FORWARD has the policy ACCEPT on a Docker host.',
    messages: {
      acceptPolicy:
        'FORWARD policy is ACCEPT on a Docker host: the host routes any packet between its interfaces, not only container traffic, and up to Docker 27 anyone with a route through it reaches unpublished container ports too. Docker sets DROP when it turns on forwarding; set `:FORWARD DROP [0:0]` and accept what must be routed explicitly',
    },
  },
  create(context) {
    return {
      ruleset(ruleset) {
        const filter = ruleset.tables.find((table) => table.name === 'filter');
        if (filter === undefined) return;
        let forward: Chain | undefined;
        let dockerHost = false;
        for (const chain of filter.chains) {
          if (chain.builtin && chain.name === 'FORWARD') forward = chain;
          else if (DOCKER_FILTER_CHAINS.has(chain.name)) dockerHost = true;
        }
        if (forward === undefined || forward.policy !== 'ACCEPT') return;
        dockerHost ||= ruleset.tables.some((table) => table.name === 'nat' && table.chains.some((chain) => chain.name === 'DOCKER'));
        if (!dockerHost || endsInCatchAllDrop(forward, ruleset.family)) return;
        const at = policySetAt(filter, forward);
        if (at === null) return;
        context.report({ at, ruleset, table: filter, chain: forward, messageId: 'acceptPolicy' });
      },
    };
  },
};

/** A last rule that drops everything leaves the policy nothing to decide. */
function endsInCatchAllDrop(forward: Chain, family: Family): boolean {
  for (let index = forward.rules.length - 1; index >= 0; index--) {
    const rule = forward.rules[index];
    if (rule.onlyFamily !== null && rule.onlyFamily !== family) continue;
    const target = rule.target;
    return (
      target !== null &&
      target.kind === 'jump' &&
      (target.name === 'DROP' || target.name === 'REJECT') &&
      rule.parameters.length === 0 &&
      rule.matches.every((match) => match.module === 'comment')
    );
  }
  return false;
}

/**
 * The line that gave FORWARD its policy: the last `-P FORWARD` of a restore file, else the chain line.
 * A FORWARD that the file only implies keeps the kernel's policy, which the dump does not show.
 */
function policySetAt(filter: Table, forward: Chain): Located | null {
  for (let index = filter.statements.length - 1; index >= 0; index--) {
    const statement = filter.statements[index];
    if (statement.kind === 'policy' && statement.chain === 'FORWARD') return statement;
  }
  return forward.declared ? forward : null;
}
