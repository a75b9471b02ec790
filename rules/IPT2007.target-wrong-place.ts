import type { Chain, Family, Rule, TableName, Target } from '../src/ast';
import { targetIsGoto, targetNameOf } from '../src/parser/lazy-rule';
import { jumpAppliesIn, tableJumps, type TableJumps } from '../src/lint/table-jumps';
import type { LintRule } from '../src/lint/types';

type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

const HOOK_ORDER: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
const HOOK_BIT: Readonly<Record<string, number>> = { PREROUTING: 1, INPUT: 2, FORWARD: 4, OUTPUT: 8, POSTROUTING: 16 };
const ALL_HOOKS = 31;

interface Placement {
  /** The kernel refuses the target in any other table, reachable or not. */
  tables?: readonly TableName[];
  /** The built-in chains the target may be reached from (the target's hook mask). */
  hooks?: readonly Hook[];
  /**
   * The hooks are checked by the target's own check function rather than by its hook mask:
   * iptables-nft then checks only rules in built-in chains, so a user chain is not judged.
   */
  builtinChainsOnly?: boolean;
}

/**
 * The `.table` and `.hooks` of the kernel's target definitions (net/netfilter/xt_*.c and friends),
 * each placement checked against iptables-restore, legacy and nf_tables, on Linux 6.18.
 * Left out on purpose: MARK and CONNMARK (any table since 2.6.x), CLASSIFY's table (mangle only in
 * old kernels), TRACE (iptables-nft turns it into `meta nftrace`, allowed in any table).
 */
const PLACEMENTS: ReadonlyMap<string, Placement> = new Map<string, Placement>([
  ['DNAT', { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] }],
  ['REDIRECT', { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] }],
  ['SNAT', { tables: ['nat'], hooks: ['INPUT', 'POSTROUTING'] }],
  ['MASQUERADE', { tables: ['nat'], hooks: ['POSTROUTING'] }],
  ['NETMAP', { tables: ['nat'] }],
  ['REJECT', { tables: ['filter'], hooks: ['INPUT', 'FORWARD', 'OUTPUT'] }],
  ['TPROXY', { tables: ['mangle'], hooks: ['PREROUTING'] }],
  ['SNPT', { tables: ['mangle'], hooks: ['INPUT', 'POSTROUTING'] }],
  ['DNPT', { tables: ['mangle'], hooks: ['PREROUTING', 'OUTPUT'] }],
  ['CT', { tables: ['raw'] }],
  ['NOTRACK', { tables: ['raw'] }],
  ['DSCP', { tables: ['mangle'] }],
  ['TOS', { tables: ['mangle'] }],
  ['TTL', { tables: ['mangle'] }],
  ['HL', { tables: ['mangle'] }],
  ['ECN', { tables: ['mangle'] }],
  ['TCPOPTSTRIP', { tables: ['mangle'] }],
  ['CHECKSUM', { tables: ['mangle'] }],
  ['SECMARK', { tables: ['mangle', 'security'] }],
  ['CONNSECMARK', { tables: ['mangle', 'security'] }],
  ['CLASSIFY', { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'] }],
  ['SYNPROXY', { hooks: ['INPUT', 'FORWARD'] }],
]);

/** Longer names (all of kube-proxy's chains) need no lookup, which would hash each one. */
const LONGEST_PLACED_NAME = Math.max('TCPMSS'.length, ...[...PLACEMENTS.keys()].map((name) => name.length));

const PMTU_CLAMPING: Placement = { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'], builtinChainsOnly: true };

const MAX_PATH_HOPS = 8;

/** The placement of the rule's target, named `name`. */
function placementOf(rule: Rule, name: string): Placement | undefined {
  if (name === 'TCPMSS') return rule.target!.options.some((option) => option.name === 'clamp-mss-to-pmtu') ? PMTU_CLAMPING : undefined;
  return PLACEMENTS.get(name);
}

const maskOfHooks = new Map<readonly string[], number>();

/** Per list of hooks, once: a dump can have tens of thousands of DNAT rules to check. */
function maskOf(hooks: readonly string[]): number {
  let mask = maskOfHooks.get(hooks);
  if (mask === undefined) {
    mask = 0;
    for (const hook of hooks) mask |= HOOK_BIT[hook];
    maskOfHooks.set(hooks, mask);
  }
  return mask;
}

function hooksIn(mask: number): Hook[] {
  return HOOK_ORDER.filter((hook) => (mask & HOOK_BIT[hook]) !== 0);
}

function joined(words: readonly string[], conjunction: 'and' | 'or'): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

function describeAllowed(placement: Placement, withUserChains: boolean): string {
  const tables = placement.tables ?? [];
  const hooks = placement.hooks ?? [];
  if (hooks.length === 0) return `table ${joined(tables, 'or')}`;
  const where = tables.length === 0 ? `the ${joined(hooks, 'and')} chains` : `${joined(tables, 'or')} ${joined(hooks, 'and')}`;
  return withUserChains ? `${where} (and user chains reached only from them)` : where;
}

function describeTarget(target: Target, placement: Placement): string {
  return placement === PMTU_CLAMPING ? `-j ${target.name} --clamp-mss-to-pmtu` : `-j ${target.name}`;
}

/** A target in a table or chain where the kernel refuses it: iptables-restore then fails the table. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2007',
    name: 'target-wrong-place',
    severity: 'error',
    description: 'A target used in a table, or reached from a built-in chain, where the kernel refuses it.',
    messages: {
      wrongTable: '`{target}` works only in {allowed}, not in table {table}; the kernel refuses the rule, so iptables-restore fails and loads nothing of this table',
      wrongChain: '`{target}` works only in {allowed}, not in {chain}; the kernel refuses the rule, so iptables-restore fails and loads nothing of this table',
      wrongPath: '`{target}` works only in {allowed}, but chain {chain} is reached from {from}; the kernel refuses the rule, so iptables-restore fails and loads nothing of this table',
    },
  },
  create(context) {
    return {
      tableEnd(table, ruleset) {
        const chains = table.chains;
        const family = ruleset.family;
        const jumps = context.shared(table, tableJumps);
        const { otherTargetRule, otherTargetChain } = jumps;
        let reachability: Reachability | null = null;
        for (let other = 0; other < otherTargetRule.length; other++) {
          const rule = otherTargetRule[other];
          const name = targetNameOf(rule)!;
          // Most targets have no placement at all: that is told from the name before anything else.
          if (targetIsGoto(rule) || name.length > LONGEST_PLACED_NAME || (name !== 'TCPMSS' && !PLACEMENTS.has(name))) continue;
          if (rule.onlyFamily !== null && rule.onlyFamily !== family) continue;
          const index = otherTargetChain[other];
          const chain = chains[index];
          const placement = placementOf(rule, name);
          if (placement === undefined) continue;
          // Made only now: most placed targets (kube-proxy's DNATs) are where they belong, and need no object.
          const target = (): Target => rule.target!;
          if (placement.tables !== undefined && !placement.tables.includes(table.name)) {
            context.report({ at: target(), ruleset, table, chain, messageId: 'wrongTable', data: { target: describeTarget(target(), placement), allowed: describeAllowed(placement, false), table: table.name } });
            continue;
          }
          if (placement.hooks === undefined) continue;
          const allowedHooks = maskOf(placement.hooks);
          if (chain.builtin) {
            if ((allowedHooks & (HOOK_BIT[chain.name] ?? 0)) === 0) {
              context.report({ at: target(), ruleset, table, chain, messageId: 'wrongChain', data: { target: describeTarget(target(), placement), allowed: describeAllowed(placement, true), chain: chain.name } });
            }
            continue;
          }
          if (placement.builtinChainsOnly) continue;
          reachability ??= new Reachability(chains, jumps, family);
          const refused = reachability.hooksReaching(index, ALL_HOOKS & ~allowedHooks);
          if (refused === 0) continue;
          const from = hooksIn(refused);
          context.report({
            at: target(),
            ruleset,
            table,
            chain,
            messageId: 'wrongPath',
            data: { target: describeTarget(target(), placement), allowed: describeAllowed(placement, true), chain: chain.name, from: joined(from, 'and') },
            related: reachability.pathTo(index, HOOK_BIT[from[0]]),
          });
        }
      },
    };
  },
};

/**
 * Which built-in chains reach each user chain of a table, through the jumps of rules restored in
 * the table's family. A hook's chain is walked from only once a check asks about that hook: a
 * target is checked against the hooks it may not be reached from, and the hooks it may (the ones
 * that reach everything in kube-proxy's nat table) need no walk.
 */
class Reachability {
  private readonly hookOfChain: Int32Array;
  private readonly startOfHook = new Map<number, number>();
  /** Per chain, the bits of the walked hooks that reach it. */
  private readonly reachedFrom: Uint8Array;
  private walkedHooks = 0;

  constructor(
    private readonly chains: readonly Chain[],
    private readonly jumps: TableJumps,
    private readonly family: Family,
  ) {
    this.hookOfChain = new Int32Array(chains.length);
    for (const hook of HOOK_ORDER) {
      const index = jumps.chainIndex.get(hook);
      if (index === undefined || !chains[index].builtin) continue;
      this.hookOfChain[index] = HOOK_BIT[hook];
      this.startOfHook.set(HOOK_BIT[hook], index);
    }
    this.reachedFrom = new Uint8Array(chains.length);
  }

  /** Which of `hooks` reach `chain`. */
  hooksReaching(chain: number, hooks: number): number {
    const unwalked = hooks & ~this.walkedHooks;
    if (unwalked !== 0) {
      for (const [bit, start] of this.startOfHook) if ((unwalked & bit) !== 0) this.walk(start, null);
      this.walkedHooks |= unwalked;
    }
    return this.reachedFrom[chain] & hooks;
  }

  /** One path from the hook's chain to `chain`: the walk again from that hook, this time keeping where each chain was first reached from. */
  pathTo(chain: number, bit: number): { line: number; message: string }[] {
    const start = this.startOfHook.get(bit)!;
    const parents = { chain: new Int32Array(this.chains.length).fill(-1), line: new Int32Array(this.chains.length) };
    this.walk(start, parents);
    const hops: { line: number; message: string }[] = [];
    for (let at = chain; this.hookOfChain[at] !== bit && parents.chain[at] >= 0 && hops.length < MAX_PATH_HOPS; at = parents.chain[at]) {
      hops.push({ line: parents.line[at], message: `${this.chains[parents.chain[at]].name} jumps to ${this.chains[at].name}` });
    }
    return hops.reverse();
  }

  /** Depth first from a built-in chain, marking its hook bit on every user chain it reaches (and, given `parents`, how). */
  private walk(start: number, parents: { chain: Int32Array; line: Int32Array } | null): void {
    const { firstJump, jumpTo, jumpRule } = this.jumps;
    const bit = this.hookOfChain[start];
    // The first walk marks `reachedFrom`; the walk again for a path needs its own marks, the same order giving the same parents.
    const seen = parents === null ? this.reachedFrom : new Uint8Array(this.chains.length);
    const stack = [start];
    while (stack.length > 0) {
      const from = stack.pop()!;
      for (let jump = firstJump[from]; jump < firstJump[from + 1]; jump++) {
        const to = jumpTo[jump];
        if (this.hookOfChain[to] !== 0 || (seen[to] & bit) !== 0) continue;
        if (!jumpAppliesIn(this.jumps, jump, this.family)) continue;
        seen[to] |= bit;
        if (parents !== null) {
          parents.chain[to] = from;
          parents.line[to] = jumpRule[jump].line;
        }
        stack.push(to);
      }
    }
  }
}
