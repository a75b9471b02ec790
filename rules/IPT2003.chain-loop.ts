import type { Chain, Family, Rule, Target } from '../src/ast';
import type { LintRule } from '../src/lint/types';

interface Edge {
  from: Chain;
  to: number;
  rule: Rule;
  target: Target;
}

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
    let chains: Chain[] = [];
    let indexByName = new Map<string, number>();
    let edges: Edge[][] = [];
    let outOfCurrentChain: Edge[] = [];
    let hasFamilyOnlyJumps = false;
    return {
      table(table) {
        chains = table.chains;
        indexByName = new Map(chains.map((chain, index) => [chain.name, index]));
        edges = chains.map(() => []);
        hasFamilyOnlyJumps = false;
      },
      chain(chain) {
        outOfCurrentChain = edges[indexByName.get(chain.name)!];
      },
      rule(rule, chain) {
        const target = rule.target;
        if (target === null || target.type !== 'chain') return;
        const to = indexByName.get(target.name);
        if (to === undefined) return;
        outOfCurrentChain.push({ from: chain, to, rule, target });
        if (rule.onlyFamily !== null) hasFamilyOnlyJumps = true;
      },
      tableEnd(table, ruleset) {
        // Several rules of one chain jumping back to the same chain close the same loop: one finding, the others related.
        const closing = new Map<string, { edge: Edge; cycle: string; also: Edge[] }>();
        const seenRules = new Set<Rule>();
        const onBackEdge = (path: readonly number[], start: number, edge: Edge): void => {
          if (seenRules.has(edge.rule)) return;
          seenRules.add(edge.rule);
          const key = `${path[path.length - 1]}>${edge.to}`;
          const first = closing.get(key);
          if (first === undefined) closing.set(key, { edge, cycle: describeCycle(path, start, chains), also: [] });
          else first.also.push(edge);
        };
        // `-4`/`-6` rules exist in one family only: a loop must close within a single family's rules.
        const families: (Family | null)[] = hasFamilyOnlyJumps ? ['ipv4', 'ipv6'] : [null];
        for (const family of families) findBackEdges(edges, family, onBackEdge);

        for (const { edge, cycle, also } of closing.values()) {
          context.report({
            at: edge.target,
            ruleset,
            table,
            chain: edge.from,
            messageId: 'loop',
            data: { flag: edge.target.kind === 'goto' ? '-g' : '-j', target: edge.target.name, cycle, table: table.name },
            ...(also.length === 0 ? {} : { related: also.map((other) => ({ line: other.rule.line, message: `also goes back to ${other.target.name}, closing the same loop` })) }),
          });
        }
      },
    };
  },
};

/** Iterative depth-first walk (chain graphs can be tens of thousands deep) calling back on every edge into the current path. */
function findBackEdges(edges: readonly Edge[][], family: Family | null, onBackEdge: (path: readonly number[], start: number, edge: Edge) => void): void {
  const done = new Uint8Array(edges.length);
  const positionInPath = new Int32Array(edges.length).fill(-1);
  const path: number[] = [];
  const nextEdge: number[] = [];
  for (let root = 0; root < edges.length; root++) {
    if (done[root] === 1) continue;
    path.push(root);
    nextEdge.push(0);
    positionInPath[root] = 0;
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth];
      const out = edges[node];
      if (nextEdge[depth] === out.length) {
        done[node] = 1;
        positionInPath[node] = -1;
        path.pop();
        nextEdge.pop();
        continue;
      }
      const edge = out[nextEdge[depth]++];
      if (family !== null && edge.rule.onlyFamily !== null && edge.rule.onlyFamily !== family) continue;
      if (positionInPath[edge.to] >= 0) onBackEdge(path, positionInPath[edge.to], edge);
      else if (done[edge.to] === 0) {
        positionInPath[edge.to] = path.length;
        path.push(edge.to);
        nextEdge.push(0);
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
