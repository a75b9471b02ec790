import type { Chain, TableName, Target } from '../src/ast';
import type { LintRule } from '../src/lint/types';

type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

const HOOK_ORDER: readonly Hook[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
const HOOK_BIT: Readonly<Record<string, number>> = { PREROUTING: 1, INPUT: 2, FORWARD: 4, OUTPUT: 8, POSTROUTING: 16 };

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

const PMTU_CLAMPING: Placement = { hooks: ['FORWARD', 'OUTPUT', 'POSTROUTING'], builtinChainsOnly: true };

const MAX_PATH_HOPS = 8;

function placementOf(target: Target): Placement | undefined {
  if (target.name === 'TCPMSS') return target.options.some((option) => option.name === 'clamp-mss-to-pmtu') ? PMTU_CLAMPING : undefined;
  return PLACEMENTS.get(target.name);
}

function maskOf(hooks: readonly string[]): number {
  let mask = 0;
  for (const hook of hooks) mask |= HOOK_BIT[hook];
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

interface PendingCheck {
  target: Target;
  placement: Placement;
  chain: Chain;
  chainIndex: number;
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
    let chainIndex = new Map<string, number>();
    let chainNames: string[] = [];
    let hookOfChain: number[] = [];
    let jumpsFrom: number[][] = [];
    let jumpLines: number[][] = [];
    let currentChain = -1;
    let pending: PendingCheck[] = [];

    return {
      table(table) {
        const count = table.chains.length;
        chainIndex = new Map();
        chainNames = new Array<string>(count);
        hookOfChain = new Array<number>(count);
        jumpsFrom = new Array<number[]>(count);
        jumpLines = new Array<number[]>(count);
        table.chains.forEach((chain, index) => {
          chainIndex.set(chain.name, index);
          chainNames[index] = chain.name;
          hookOfChain[index] = chain.builtin ? (HOOK_BIT[chain.name] ?? 0) : 0;
        });
        currentChain = -1;
        pending = [];
      },
      chain(chain) {
        currentChain = chainIndex.get(chain.name) ?? -1;
      },
      rule(rule, chain, table, ruleset) {
        if (rule.onlyFamily !== null && rule.onlyFamily !== ruleset.family) return;
        const target = rule.target;
        if (target === null) return;
        const jumpedTo = chainIndex.get(target.name);
        if (jumpedTo !== undefined) {
          if (currentChain >= 0 && hookOfChain[jumpedTo] === 0) {
            (jumpsFrom[currentChain] ??= []).push(jumpedTo);
            (jumpLines[currentChain] ??= []).push(rule.line);
          }
          return;
        }
        if (target.kind !== 'jump') return;
        const placement = placementOf(target);
        if (placement === undefined) return;
        const shown = describeTarget(target, placement);
        if (placement.tables !== undefined && !placement.tables.includes(table.name)) {
          context.report({ at: target, ruleset, table, chain, messageId: 'wrongTable', data: { target: shown, allowed: describeAllowed(placement, false), table: table.name } });
          return;
        }
        if (placement.hooks === undefined) return;
        if (chain.builtin) {
          if ((maskOf(placement.hooks) & (HOOK_BIT[chain.name] ?? 0)) === 0) {
            context.report({ at: target, ruleset, table, chain, messageId: 'wrongChain', data: { target: shown, allowed: describeAllowed(placement, true), chain: chain.name } });
          }
          return;
        }
        if (!placement.builtinChainsOnly && currentChain >= 0) pending.push({ target, placement, chain, chainIndex: currentChain });
      },
      tableEnd(table, ruleset) {
        if (pending.length === 0) return;
        const count = chainNames.length;
        const reachedFrom = new Uint8Array(count);
        // Per hook, the chain and jump line each chain was first reached through, to show one path.
        const parents = new Map<number, { chain: Int32Array; line: Int32Array }>();
        for (let start = 0; start < count; start++) {
          const bit = hookOfChain[start];
          if (bit === 0) continue;
          const parentChain = new Int32Array(count).fill(-1);
          const parentLine = new Int32Array(count);
          parents.set(bit, { chain: parentChain, line: parentLine });
          const stack = [start];
          while (stack.length > 0) {
            const from = stack.pop()!;
            const targets = jumpsFrom[from];
            if (targets === undefined) continue;
            const lines = jumpLines[from];
            for (let index = 0; index < targets.length; index++) {
              const to = targets[index];
              if ((reachedFrom[to] & bit) !== 0) continue;
              reachedFrom[to] |= bit;
              parentChain[to] = from;
              parentLine[to] = lines[index];
              stack.push(to);
            }
          }
        }

        const pathTo = (chain: number, bit: number): { line: number; message: string }[] => {
          const parent = parents.get(bit)!;
          const hops: { line: number; message: string }[] = [];
          for (let at = chain; hookOfChain[at] !== bit && parent.chain[at] >= 0 && hops.length < MAX_PATH_HOPS; at = parent.chain[at]) {
            hops.push({ line: parent.line[at], message: `${chainNames[parent.chain[at]]} jumps to ${chainNames[at]}` });
          }
          return hops.reverse();
        };

        for (const check of pending) {
          const refused = reachedFrom[check.chainIndex] & ~maskOf(check.placement.hooks!);
          if (refused === 0) continue;
          const from = hooksIn(refused);
          context.report({
            at: check.target,
            ruleset,
            table,
            chain: check.chain,
            messageId: 'wrongPath',
            data: { target: describeTarget(check.target, check.placement), allowed: describeAllowed(check.placement, true), chain: check.chain.name, from: joined(from, 'and') },
            related: pathTo(check.chainIndex, HOOK_BIT[from[0]]),
          });
        }
        pending = [];
      },
    };
  },
};
