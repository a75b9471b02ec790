import type { Chain, Family, Parameter, Rule, Ruleset, Table } from '../src/ast';
import { chainsWithEarlyEnd } from '../src/lint/early-endings';
import type { LintRule } from '../src/lint/types';
import { hasOnlyCommentMatches } from '../src/parser/lazy-rule';
import { canonicalAddress, canonicalProtocol } from '../src/parser/values';

/**
 * Targets that end the packet's walk through the chain, and how the message says so. `-j CHAIN`
 * is not one (the chain may RETURN), nor are LOG, MARK, CT and the like, which let the packet go on.
 */
const VERDICTS: ReadonlyMap<string, string> = new Map([
  ['ACCEPT', 'accepts'],
  ['DROP', 'drops'],
  ['REJECT', 'rejects'],
  ['RETURN', 'returns'],
  ['QUEUE', 'queues'],
  ['NFQUEUE', 'queues'],
  ['DNAT', 'DNATs'],
  ['SNAT', 'SNATs'],
  ['MASQUERADE', 'masquerades'],
  ['REDIRECT', 'redirects'],
]);

interface CatchAll {
  line: number;
  /** Position among the chain's rules, to tell which of two catch-alls came later. */
  order: number;
  /** How the rules after it are reported. */
  messageId: 'afterVerdict' | 'afterGoto';
  data: Record<string, string | number>;
}

/** The first catch-all rule each family meets in the current chain (`-4`/`-6` rules exist in one family only). */
interface FirstCatchAll {
  ipv4: CatchAll | null;
  ipv6: CatchAll | null;
}

/** A rule after one that takes every packet and ends the chain: it never sees a packet. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2005',
    name: 'unreachable-rule',
    severity: 'warning',
    description: 'A rule comes after a rule that takes every packet and ends the chain, so it never matches.',
    messages: {
      afterVerdict: 'never reached: line {line} {verdict} every packet first; move this rule above it or delete it',
      afterGoto: 'never reached: line {line} sends every packet to {target} with `-g` first, and a goto never comes back to this chain; move this rule above it or delete it',
    },
  },
  create(context) {
    const checkChain = (chain: Chain, table: Table, ruleset: Ruleset): void => {
      const rules = chain.rules;
      // Made at the chain's first catch-all: until then nothing is hidden.
      let first: FirstCatchAll | null = null;
      for (let index = 0; index < rules.length; index++) {
        const rule = rules[index];
        const hider = first === null ? null : hiddenBy(rule, first);
        if (hider !== null) {
          context.report({
            at: rule,
            ruleset,
            table,
            chain,
            messageId: hider.messageId,
            data: hider.data,
            related: [{ line: hider.line, message: 'takes every packet and ends the chain' }],
          });
          continue;
        }
        // A chain's last rule hides nothing, and telling whether it is a catch-all builds its matches.
        if (index === rules.length - 1) break;
        const catchAll = asCatchAll(rule, index + 1, rule.onlyFamily ?? ruleset.family);
        if (catchAll === null) continue;
        first ??= { ipv4: null, ipv6: null };
        if (rule.onlyFamily !== 'ipv6') first.ipv4 ??= catchAll;
        if (rule.onlyFamily !== 'ipv4') first.ipv6 ??= catchAll;
      }
    };
    return {
      table(table, ruleset) {
        for (const chain of context.shared(table, chainsWithEarlyEnd)) checkChain(chain, table, ruleset);
      },
    };
  },
};

function hiddenBy(rule: Rule, first: FirstCatchAll): CatchAll | null {
  if (rule.onlyFamily !== null) return first[rule.onlyFamily];
  const { ipv4, ipv6 } = first;
  if (ipv4 === null || ipv6 === null) return null;
  // Hidden in both families only from the later of the two catch-alls on.
  return ipv4.order >= ipv6.order ? ipv4 : ipv6;
}

/** The target first: it is known from the check, while parameters and matches are built on first read. */
function asCatchAll(rule: Rule, order: number, family: Family): CatchAll | null {
  const target = rule.target;
  if (target === null || rule.unsupportedRevision) return null;
  const verdict = target.kind === 'goto' ? undefined : target.type === 'standard' || target.type === 'extension' ? VERDICTS.get(target.name) : undefined;
  if (target.kind !== 'goto' && verdict === undefined) return null;
  // Matches before parameters: the line tells them without building the rule.
  if (!hasOnlyCommentMatches(rule)) return null;
  for (const parameter of rule.parameters) if (!matchesEveryPacket(parameter, family)) return null;
  return verdict === undefined
    ? { line: rule.line, order, messageId: 'afterGoto', data: { line: rule.line, target: target.name } }
    : { line: rule.line, order, messageId: 'afterVerdict', data: { line: rule.line, verdict } };
}

/** `-s 0.0.0.0/0`, `-i +`, `-p all`: written out, but no restriction. Negated, they match nothing. */
function matchesEveryPacket(parameter: Parameter, family: Family): boolean {
  if (parameter.negated || parameter.value === null) return false;
  switch (parameter.name) {
    case 'source':
    case 'destination':
      // A list is one rule per address: the `/0` one takes every packet.
      return canonicalAddress(parameter.value, family)
        .split(',')
        .some((address) => address.endsWith('/0'));
    case 'in-interface':
    case 'out-interface':
      return parameter.value === '+';
    case 'protocol':
      return canonicalProtocol(parameter.value, family) === 'all';
    case 'fragment':
      return false;
  }
}
