import type { Dump, Family, TableName } from '../ast';

/** A chain as a node: a built-in entry point, a user chain, or a chain that rules name but the table lacks. */
export interface ChainNode {
  /** Unique in the graph: `ipv4/filter/INPUT`. */
  id: string;
  name: string;
  kind: 'builtin' | 'user' | 'missing';
  /** ACCEPT or DROP for a built-in chain with a policy. */
  policy: 'ACCEPT' | 'DROP' | null;
  rules: number;
  /** Some rule jumps or goes to it; built-in chains are entered by the kernel instead. */
  referenced: boolean;
  /** Line of its declaration (or the first line that implied it). */
  line: number;
}

/** All rules of one chain that jump (or go) to the same chain. */
export interface ChainEdge {
  from: string;
  to: string;
  kind: 'jump' | 'goto';
  /** Lines of those rules, in order. */
  lines: number[];
}

/** One table of one family. */
export interface GraphSection {
  family: Family;
  table: TableName;
  nodes: ChainNode[];
  edges: ChainEdge[];
}

export interface ChainGraph {
  file: string;
  sections: GraphSection[];
}

export interface GraphSelection {
  table?: TableName;
  family?: Family;
}

/** A table or family that the dump does not hold; the message names what it does hold. */
export class GraphSelectionError extends Error {}

/** The chains of every selected table as a graph: jumps and gotos between chains, rule counts, policies. */
export function buildChainGraph(dump: Dump, selection: GraphSelection = {}): ChainGraph {
  const rulesets = dump.rulesets.filter((ruleset) => selection.family === undefined || ruleset.family === selection.family);
  if (selection.family !== undefined && rulesets.length === 0) {
    throw new GraphSelectionError(`${dump.file} holds no ${selection.family} rules (it holds ${describe(dump.rulesets.map((ruleset) => ruleset.family)) || 'none'})`);
  }
  const sections: GraphSection[] = [];
  for (const ruleset of rulesets) {
    for (const table of ruleset.tables) {
      if (selection.table !== undefined && table.name !== selection.table) continue;
      const prefix = `${ruleset.family}/${table.name}/`;
      const nodes = new Map<string, ChainNode>();
      for (const chain of table.chains) {
        nodes.set(chain.name, {
          id: prefix + chain.name,
          name: chain.name,
          kind: chain.builtin ? 'builtin' : 'user',
          policy: chain.policy,
          rules: chain.rules.length,
          referenced: false,
          line: chain.line,
        });
      }
      const edges = new Map<string, ChainEdge>();
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          const target = rule.target;
          if (target === null || (target.type !== 'chain' && !nodes.has(target.name))) continue;
          let node = nodes.get(target.name);
          if (node === undefined) {
            node = { id: prefix + target.name, name: target.name, kind: 'missing', policy: null, rules: 0, referenced: false, line: rule.line };
            nodes.set(target.name, node);
          }
          node.referenced = true;
          const key = `${chain.name}\u0000${target.name}\u0000${target.kind}`;
          const edge = edges.get(key);
          if (edge === undefined) edges.set(key, { from: prefix + chain.name, to: node.id, kind: target.kind, lines: [rule.line] });
          else edge.lines.push(rule.line);
        }
      }
      sections.push({ family: ruleset.family, table: table.name, nodes: [...nodes.values()], edges: [...edges.values()] });
    }
  }
  if (selection.table !== undefined && sections.length === 0) {
    const held = [...new Set(rulesets.flatMap((ruleset) => ruleset.tables.map((table) => table.name)))];
    throw new GraphSelectionError(`${dump.file} has no ${selection.table} table${selection.family === undefined ? '' : ` for ${selection.family}`} (it has ${describe(held) || 'no tables'})`);
  }
  return { file: dump.file, sections };
}

function describe(names: readonly string[]): string {
  return [...new Set(names)].join(', ');
}

/** The second line of a chain's label: its policy and rule count. */
export function chainSummary(node: ChainNode): string {
  if (node.kind === 'missing') return 'missing: no such chain';
  const rules = `${node.rules} rule${node.rules === 1 ? '' : 's'}`;
  return node.policy === null ? rules : `policy ${node.policy} · ${rules}`;
}
