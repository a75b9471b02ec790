import type { Chain, Family, Rule } from '../src/ast';
import { jumpAppliesIn, tableJumps, type TableJumps } from '../src/lint/table-jumps';
import type { LintRule } from '../src/lint/types';

/** Past this many chains a loop is named by its ends, so one long loop cannot make a huge message. */
const MAX_NAMED_CHAINS = 8;

/**
 * Jumps and gotos that lead back to a chain already being walked: the kernel refuses the table.
 * A depth-first walk over the table's chains finds every loop through at least one of its back
 * edges, each edge once, so the whole check is linear in chains plus jumps.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT2003',
    name: 'chain-loop',
    severity: 'error',
    description: 'Jumps and gotos between the chains of a table form a loop.',
    messages: {
      loop: '`{flag} {target}` closes the loop {cycle}; iptables refuses loops between chains ("Loop found in table"), so restoring table {table} fails',
    },
  },
  create(context) {
    return {
      tableEnd(table, ruleset) {
        const chains = table.chains;
        const jumps = context.shared(table, tableJumps);
        // Several rules of one chain jumping back to the same chain close the same loop: one finding, the others related.
        const closing = new Map<string, { jump: number; from: number; cycle: string; also: number[] }>();
        const seenRules = new Set<Rule>();
        const onBackEdge = (path: readonly number[], start: number, jump: number): void => {
          const rule = jumps.jumpRule[jump];
          if (seenRules.has(rule)) return;
          seenRules.add(rule);
          const from = path[path.length - 1];
          const key = `${from}>${jumps.jumpTo[jump]}`;
          const first = closing.get(key);
          if (first === undefined) closing.set(key, { jump, from, cycle: describeCycle(path, start, chains), also: [] });
          else first.also.push(jump);
        };
        // `-4`/`-6` rules exist in one family only: a loop must close within a single family's rules.
        const families: (Family | null)[] = hasFamilyOnlyJumps(jumps) ? ['ipv4', 'ipv6'] : [null];
        for (const family of families) findBackEdges(jumps, family, onBackEdge);

        for (const { jump, from, cycle, also } of closing.values()) {
          const rule = jumps.jumpRule[jump];
          const target = rule.target!;
          context.report({
            at: target,
            ruleset,
            table,
            chain: chains[from],
            messageId: 'loop',
            data: { flag: target.kind === 'goto' ? '-g' : '-j', target: target.name, cycle, table: table.name },
            ...(also.length === 0 ? {} : { related: also.map((other) => ({ line: jumps.jumpRule[other].line, message: `also goes back to ${jumps.jumpRule[other].target!.name}, closing the same loop` })) }),
          });
        }
      },
    };
  },
};

function hasFamilyOnlyJumps(jumps: TableJumps): boolean {
  for (let jump = 0; jump < jumps.jumpRule.length; jump++) if (jumps.viaChainTarget[jump] === 1 && jumps.onlyFamily[jump] !== 0) return true;
  return false;
}

/** Iterative depth-first walk (chain graphs can be tens of thousands deep) calling back on every jump into the current path. */
function findBackEdges(jumps: TableJumps, family: Family | null, onBackEdge: (path: readonly number[], start: number, jump: number) => void): void {
  const { firstJump, jumpTo, viaChainTarget } = jumps;
  const chainCount = firstJump.length - 1;
  const done = new Uint8Array(chainCount);
  const positionInPath = new Int32Array(chainCount).fill(-1);
  const path: number[] = [];
  const nextJump: number[] = [];
  for (let root = 0; root < chainCount; root++) {
    if (done[root] === 1) continue;
    path.push(root);
    nextJump.push(firstJump[root]);
    positionInPath[root] = 0;
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth];
      if (nextJump[depth] === firstJump[node + 1]) {
        done[node] = 1;
        positionInPath[node] = -1;
        path.pop();
        nextJump.pop();
        continue;
      }
      const jump = nextJump[depth]++;
      if (viaChainTarget[jump] === 0) continue;
      if (family !== null && !jumpAppliesIn(jumps, jump, family)) continue;
      const to = jumpTo[jump];
      if (positionInPath[to] >= 0) onBackEdge(path, positionInPath[to], jump);
      else if (done[to] === 0) {
        positionInPath[to] = path.length;
        path.push(to);
        nextJump.push(firstJump[to]);
      }
    }
  }
}
/** `A → B → A`, shortened in the middle when the loop is long. */
function describeCycle(path: readonly number[], start: number, chains: readonly Chain[]): string {
  const length = path.length - start;
  const name = (offset: number): string => chains[path[start + offset]].name;
  const names: string[] = [];
  if (length <= MAX_NAMED_CHAINS) {
    for (let offset = 0; offset < length; offset++) names.push(name(offset));
  } else {
    const half = MAX_NAMED_CHAINS / 2;
    for (let offset = 0; offset < half; offset++) names.push(name(offset));
    names.push(`… ${length - MAX_NAMED_CHAINS} more …`);
    for (let offset = length - half; offset < length; offset++) names.push(name(offset));
  }
  names.push(name(0));
  return names.join(' → ');
}
