import type { Chain, Rule, Table, Target } from '../src/ast';
import type { LintRule } from '../src/lint/types';

const DOCKER_USER = 'DOCKER-USER';

/** Targets that end a packet's walk through the table. */
const VERDICT_TARGETS = new Set(['ACCEPT', 'DROP', 'QUEUE', 'REJECT', 'NFQUEUE', 'SYNPROXY']);

/**
 * On a Docker host, rules in DOCKER-USER only filter container traffic if FORWARD jumps there before
 * anything else can accept or drop the packet.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT2009',
    name: 'docker-user-not-first',
    severity: 'error',
    description: 'FORWARD can accept or drop packets before it jumps to DOCKER-USER, or never jumps there.',
    messages: {
      notFirst:
        'FORWARD jumps to DOCKER-USER only after line {line}, which can accept or drop forwarded packets first: the rules in DOCKER-USER never see those packets, so they cannot block access to published container ports or restrict container traffic. Make `-A FORWARD -j DOCKER-USER` the first rule of FORWARD',
      noJump:
        'chain DOCKER-USER exists but FORWARD never jumps to it: its rules never run, so they do not block access to published container ports or restrict container traffic. Add `-I FORWARD 1 -j DOCKER-USER`',
    },
  },
  create(context) {
    return {
      tableEnd(table, ruleset) {
        if (table.name !== 'filter') return;
        let userChain: Chain | null = null;
        let forwardChain: Chain | null = null;
        for (const chain of table.chains) {
          if (chain.name === DOCKER_USER) userChain = chain;
          else if (chain.name === 'FORWARD' && chain.builtin) forwardChain = chain;
        }
        // A restore fragment that does not declare FORWARD says nothing about its order in the kernel.
        if (userChain === null || forwardChain === null || !forwardChain.declared) return;
        const family = ruleset.family;
        const applies = (rule: Rule): boolean => rule.onlyFamily === null || rule.onlyFamily === family;
        let chains: Map<string, Chain> | null = null;
        const chainByName = (name: string): Chain | undefined => (chains ??= new Map(table.chains.map((chain) => [chain.name, chain]))).get(name);
        const canDecide = verdictFinder(chainByName, applies);

        let decidingRule: Rule | null = null;
        for (const rule of forwardChain.rules) {
          if (!applies(rule)) continue;
          const target = rule.target;
          if (target?.name === DOCKER_USER) {
            if (decidingRule === null) return;
            context.report({
              at: target,
              ruleset,
              table,
              chain: forwardChain,
              messageId: 'notFirst',
              data: { line: decidingRule.line },
              related: [{ line: decidingRule.line, message: 'can accept or drop forwarded packets before DOCKER-USER' }],
            });
            return;
          }
          if (decidingRule === null && canDecide(rule)) decidingRule = rule;
        }
        if (jumpedToFromElsewhere(table, applies)) return;
        context.report({ at: userChain, ruleset, table, chain: userChain, messageId: 'noJump' });
      },
    };
  },
};

/**
 * Whether a FORWARD rule can settle a packet's fate: a verdict, leaving FORWARD (its policy applies),
 * or a jump into user chains that hold a verdict somewhere below. Chains found without one are
 * remembered, so each chain is read at most once per table.
 */
function verdictFinder(chainByName: (name: string) => Chain | undefined, applies: (rule: Rule) => boolean): (rule: Rule) => boolean {
  const withoutVerdict = new Set<string>();
  const userChainOf = (target: Target): Chain | undefined => {
    if (target.type !== 'chain' && target.kind !== 'goto') return undefined;
    const chain = chainByName(target.name);
    return chain === undefined || chain.builtin ? undefined : chain;
  };
  const reachesVerdict = (start: Chain): boolean => {
    const seen = new Set<string>([start.name]);
    const pending = [start];
    while (pending.length > 0) {
      for (const rule of pending.pop()!.rules) {
        const target = rule.target;
        if (target === null || !applies(rule)) continue;
        if (VERDICT_TARGETS.has(target.name)) return true;
        const next = userChainOf(target);
        if (next === undefined || seen.has(next.name) || withoutVerdict.has(next.name)) continue;
        seen.add(next.name);
        pending.push(next);
      }
    }
    for (const name of seen) withoutVerdict.add(name);
    return false;
  };
  return (rule) => {
    const target = rule.target;
    if (target === null) return false;
    // A chain entered with -g from FORWARD ends in FORWARD's policy when it runs out.
    if (VERDICT_TARGETS.has(target.name) || target.name === 'RETURN' || target.kind === 'goto') return true;
    const chain = userChainOf(target);
    return chain !== undefined && !withoutVerdict.has(chain.name) && reachesVerdict(chain);
  };
}

/** Someone wired DOCKER-USER in through another chain: too unusual to judge, so leave it alone. */
function jumpedToFromElsewhere(table: Table, applies: (rule: Rule) => boolean): boolean {
  for (const chain of table.chains) {
    if (chain.name === DOCKER_USER || chain.name === 'FORWARD') continue;
    for (const rule of chain.rules) if (applies(rule) && rule.target?.name === DOCKER_USER) return true;
  }
  return false;
}
