import type { Chain, Family, Rule, Table } from '../ast';
import { targetIsGoto, targetNameOf, targetTypeOf } from '../parser/lazy-rule';
import { parsedChainsByName } from '../parser/parse-dump';

/**
 * Where the rules of a table jump or go, found in one pass for every rule that follows jumps
 * (get it through `context.shared(table, tableJumps)`). A jump is any rule whose target names a
 * chain of the table, whatever the target's type; the jumps of chain `c` are the indexes from
 * `firstJump[c]` up to `firstJump[c + 1]`, in rule order.
 */
export interface TableJumps {
  /** Position in `table.chains` by chain name. */
  readonly chainIndex: ChainIndex;
  /** One entry per chain and one more at the end. */
  readonly firstJump: Int32Array;
  /** The chain each jump leads to. */
  readonly jumpTo: Int32Array;
  readonly jumpRule: readonly Rule[];
  /** 1 when the jump's target has type `chain` (no target extension of the same name). */
  readonly viaChainTarget: Uint8Array;
  /**
   * The family of each jump's `-4`/`-6` rule as ONLY_IPV4 or ONLY_IPV6, 0 for a rule of both: walks
   * over the jumps read it here rather than from rules spread over the heap.
   */
  readonly onlyFamily: Uint8Array;
  /**
   * The rules with a target that names no chain of the table (standard and extension targets, and
   * chains that are missing), in table order, and the position of each one's chain: rules that
   * check targets other than chains look at these rather than at every rule.
   */
  readonly otherTargetRule: readonly Rule[];
  readonly otherTargetChain: Int32Array;
  /** Per chain: 1 when a rule before its last may end the walk through it (see `chainsWithEarlyEnd`). */
  readonly mayEndEarly: Uint8Array;
}

export const ONLY_IPV4 = 1;
export const ONLY_IPV6 = 2;

/** Whether a jump's rule is restored in `family`. */
export function jumpAppliesIn(jumps: TableJumps, jump: number, family: Family): boolean {
  const only = jumps.onlyFamily[jump];
  return only === 0 || only === (family === 'ipv4' ? ONLY_IPV4 : ONLY_IPV6);
}

/** Looks up a chain's position in its table by name. */
export interface ChainIndex {
  get(name: string): number | undefined;
}

/**
 * The parse's own map of the table's chains, each chain's position telling its index, while the
 * table holds the chains the parse left, at their positions: tens of thousands of names are not
 * hashed a second time. Otherwise a Map, not an object: the names are slices of the file text,
 * which a property lookup would first intern.
 */
function chainIndexOf(table: Table): ChainIndex {
  const chains = table.chains;
  const parsed = parsedChainsByName(table);
  if (parsed === undefined || parsed.size !== chains.length || !chains.every((chain, index) => chain.position === index + 1)) return mapIndex(chains);
  return {
    get(name) {
      const chain = parsed.get(name);
      return chain !== undefined && chains[chain.position - 1] === chain ? chain.position - 1 : undefined;
    },
  };
}

function mapIndex(chains: readonly Chain[]): ChainIndex {
  const index = new Map<string, number>();
  for (let at = 0; at < chains.length; at++) index.set(chains[at].name, at);
  return index;
}

export function tableJumps(table: Table): TableJumps {
  const chains = table.chains;
  const chainIndex = chainIndexOf(table);

  let ruleCount = 0;
  for (let index = 0; index < chains.length; index++) ruleCount += chains[index].rules.length;
  const firstJump = new Int32Array(chains.length + 1);
  const jumpTo = new Int32Array(ruleCount);
  const jumpRule: Rule[] = [];
  const viaChainTarget = new Uint8Array(ruleCount);
  const onlyFamily = new Uint8Array(ruleCount);
  const otherTargetRule: Rule[] = [];
  const otherTargetChain = new Int32Array(ruleCount);
  const mayEndEarly = new Uint8Array(chains.length);
  for (let from = 0; from < chains.length; from++) {
    firstJump[from] = jumpRule.length;
    const rules = chains[from].rules;
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index];
      const name = targetNameOf(rule);
      if (name === null) continue;
      if (mayEndEarly[from] === 0 && index < rules.length - 1) {
        const type = targetTypeOf(rule);
        if (type === 'standard' || type === 'extension' || targetIsGoto(rule)) mayEndEarly[from] = 1;
      }
      const to = chainIndex.get(name);
      if (to !== undefined) {
        const jump = jumpRule.length;
        jumpTo[jump] = to;
        viaChainTarget[jump] = targetTypeOf(rule) === 'chain' ? 1 : 0;
        onlyFamily[jump] = rule.onlyFamily === null ? 0 : rule.onlyFamily === 'ipv4' ? ONLY_IPV4 : ONLY_IPV6;
        jumpRule.push(rule);
      } else {
        otherTargetChain[otherTargetRule.length] = from;
        otherTargetRule.push(rule);
      }
    }
  }
  firstJump[chains.length] = jumpRule.length;
  const jumps = jumpRule.length;
  return {
    chainIndex,
    firstJump,
    jumpTo: jumpTo.subarray(0, jumps),
    jumpRule,
    viaChainTarget: viaChainTarget.subarray(0, jumps),
    onlyFamily: onlyFamily.subarray(0, jumps),
    otherTargetRule,
    otherTargetChain: otherTargetChain.subarray(0, otherTargetRule.length),
    mayEndEarly,
  };
}
