import { chainSummary, type ChainEdge, type ChainNode, type GraphSection } from './chain-graph';

export interface PlacedNode {
  node: ChainNode;
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
}

export interface PlacedEdge {
  edge: ChainEdge;
  /** SVG path data. */
  path: string;
  labelX: number;
  labelY: number;
}

export interface SectionLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 42;
const LAYER_GAP = 64;
const NODE_GAP = 28;
const MARGIN = 24;
/** Room beside the drawing for edges that loop back up. */
const SIDE_ROOM = 48;
/** Generous widths of a character of the bold 13 px name and the 11 px summary, so that no text overflows its box. */
const NAME_CHAR_WIDTH = 9;
const SUMMARY_CHAR_WIDTH = 6.6;
const DUMMY_WIDTH = 6;
const ORDER_SWEEPS = 6;

/**
 * A layered drawing (Sugiyama-style, kept small): built-in chains on top, each
 * chain one layer below the deepest chain that reaches it (edges closing a
 * loop are set aside), then a few barycentre sweeps to shorten edges.
 */
export function layoutSection(section: GraphSection): SectionLayout {
  const ids = section.nodes.map((node) => node.id);
  const byId = new Map(section.nodes.map((node) => [node.id, node]));
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of section.edges) successors.get(edge.from)?.push(edge.to);

  const backEdges = findBackEdges(section, successors);
  const layer = new Map<string, number>();
  for (const id of topologicalOrder(section, successors, backEdges)) {
    if (!layer.has(id)) layer.set(id, 0);
    for (const next of successors.get(id) ?? []) {
      if (backEdges.has(`${id}\u0000${next}`) || next === id) continue;
      layer.set(next, Math.max(layer.get(next) ?? 0, layer.get(id)! + 1));
    }
  }
  // A chain nothing reaches sits on top only when it is built in; the others wait one layer down, apart.
  for (const node of section.nodes) if (node.kind !== 'builtin' && !node.referenced && layer.get(node.id) === 0) layer.set(node.id, 1);

  // An edge that skips layers passes through a small invisible stand-in on each layer between, so it is routed between chains, not through them.
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  for (let index = 0; index < layers.length; index++) layers[index] ??= [];
  const links: [string, string][] = [];
  const waypoints = new Map<ChainEdge, string[]>();
  section.edges.forEach((edge, number) => {
    const top = layer.get(edge.from)!;
    const bottom = layer.get(edge.to)!;
    if (bottom <= top) return;
    const chain = [edge.from];
    for (let between = top + 1; between < bottom; between++) {
      const dummy = `\u0000${number}\u0000${between}`;
      layers[between].push(dummy);
      chain.push(dummy);
    }
    chain.push(edge.to);
    for (let at = 1; at < chain.length; at++) links.push([chain[at - 1], chain[at]]);
    waypoints.set(edge, chain.slice(1, -1));
  });
  orderLayers(layers, links);

  const width = (id: string) => {
    const node = byId.get(id);
    if (node === undefined) return DUMMY_WIDTH;
    return Math.ceil(Math.max(node.name.length * NAME_CHAR_WIDTH, chainSummary(node).length * SUMMARY_CHAR_WIDTH) + 24);
  };
  const rowWidths = layers.map((row) => row.reduce((sum, id) => sum + width(id), 0) + NODE_GAP * Math.max(0, row.length - 1));
  const widest = Math.max(0, ...rowWidths);
  const placed = new Map<string, PlacedNode>();
  const dummies = new Map<string, { x: number; top: number; bottom: number }>();
  layers.forEach((row, index) => {
    let x = MARGIN + SIDE_ROOM + (widest - rowWidths[index]) / 2;
    const y = MARGIN + index * (NODE_HEIGHT + LAYER_GAP);
    for (const id of row) {
      const w = width(id);
      const node = byId.get(id);
      if (node === undefined) dummies.set(id, { x: x + w / 2, top: y, bottom: y + NODE_HEIGHT });
      else placed.set(id, { node, x, y, width: w, height: NODE_HEIGHT, layer: index });
      x += w + NODE_GAP;
    }
  });

  const all = [...placed.values()];
  const centre = MARGIN + SIDE_ROOM + widest / 2;
  const edges = section.edges.map((edge) => {
    const through = (waypoints.get(edge) ?? []).map((id) => dummies.get(id)!);
    return routeEdge(edge, placed.get(edge.from)!, placed.get(edge.to)!, through, all, centre);
  });
  return {
    nodes: all,
    edges,
    width: Math.ceil(widest + 2 * (MARGIN + SIDE_ROOM)),
    height: Math.ceil(2 * MARGIN + layers.length * NODE_HEIGHT + Math.max(0, layers.length - 1) * LAYER_GAP),
  };
}

/** Edges that close a loop in a depth-first walk from the built-in chains (then from any chain left). */
function findBackEdges(section: GraphSection, successors: Map<string, string[]>): Set<string> {
  const back = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const roots = [...section.nodes.filter((node) => node.kind === 'builtin'), ...section.nodes.filter((node) => node.kind !== 'builtin')];
  for (const root of roots) {
    if (state.has(root.id)) continue;
    // Iterative, since a kube-proxy dump chains thousands of chains.
    const stack: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = successors.get(top.id) ?? [];
      if (top.next >= children.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const child = children[top.next++];
      const seen = state.get(child);
      if (seen === 'open') back.add(`${top.id}\u0000${child}`);
      else if (seen === undefined) {
        state.set(child, 'open');
        stack.push({ id: child, next: 0 });
      }
    }
  }
  return back;
}

/** Kahn's order over the edges that are not back edges; built-in chains first. */
function topologicalOrder(section: GraphSection, successors: Map<string, string[]>, backEdges: Set<string>): string[] {
  const indegree = new Map(section.nodes.map((node) => [node.id, 0]));
  for (const [from, tos] of successors) for (const to of tos) if (!backEdges.has(`${from}\u0000${to}`) && from !== to) indegree.set(to, indegree.get(to)! + 1);
  const queue = section.nodes.filter((node) => indegree.get(node.id) === 0).sort((a, b) => Number(b.kind === 'builtin') - Number(a.kind === 'builtin')).map((node) => node.id);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    order.push(id);
    for (const to of successors.get(id) ?? []) {
      if (backEdges.has(`${id}\u0000${to}`) || id === to) continue;
      const left = indegree.get(to)! - 1;
      indegree.set(to, left);
      if (left === 0) queue.push(to);
    }
  }
  return order;
}

/** Barycentre sweeps down and up: each chain moves towards the mean position of its neighbours in the layer before. */
function orderLayers(layers: string[][], links: readonly [string, string][]): void {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const [from, to] of links) {
    (down.get(from) ?? down.set(from, []).get(from)!).push(to);
    (up.get(to) ?? up.set(to, []).get(to)!).push(from);
  }
  const position = new Map<string, number>();
  const record = () => layers.forEach((row) => row.forEach((id, index) => position.set(id, index)));
  record();
  for (let sweep = 0; sweep < ORDER_SWEEPS; sweep++) {
    const downward = sweep % 2 === 0;
    // Layer 0 keeps the kernel's order of the built-in chains (PREROUTING, INPUT, FORWARD …).
    const indexes = layers.map((_, index) => index).slice(1);
    if (!downward) indexes.reverse();
    for (const index of downward ? indexes : indexes.slice(1)) {
      const neighbours = downward ? up : down;
      const row = layers[index];
      const centre = new Map(
        row.map((id, at) => {
          const placed = (neighbours.get(id) ?? []).map((other) => position.get(other)).filter((value): value is number => value !== undefined);
          return [id, placed.length === 0 ? at : placed.reduce((sum, value) => sum + value, 0) / placed.length];
        }),
      );
      row.sort((a, b) => centre.get(a)! - centre.get(b)!);
      record();
    }
  }
}

/**
 * Downward edges leave a chain's bottom for the next one's top. Edges back up
 * (loops) go round the outside, on the side of the drawing the two chains are
 * on, clear of every chain in the layers between.
 */
function routeEdge(edge: ChainEdge, from: PlacedNode, to: PlacedNode, through: readonly { x: number; top: number; bottom: number }[], all: readonly PlacedNode[], centre: number): PlacedEdge {
  if (from === to) {
    const x = from.x + from.width;
    const y = from.y + from.height / 2;
    return { edge, path: `M ${x} ${y - 8} C ${x + 36} ${y - 28}, ${x + 36} ${y + 28}, ${x} ${y + 8}`, labelX: x + 30, labelY: y };
  }
  if (to.layer > from.layer) {
    let x = from.x + from.width / 2;
    let y = from.y + from.height;
    let path = `M ${x} ${y}`;
    const curveTo = (x2: number, y2: number) => {
      const bend = (y2 - y) / 2;
      path += ` C ${x} ${y + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`;
      x = x2;
      y = y2;
    };
    const labelX = (x + (through[0]?.x ?? to.x + to.width / 2)) / 2;
    const labelY = (y + (through[0]?.top ?? to.y)) / 2;
    for (const point of through) {
      curveTo(point.x, point.top);
      path += ` L ${point.x} ${point.bottom}`;
      y = point.bottom;
    }
    curveTo(to.x + to.width / 2, to.y);
    return { edge, path, labelX, labelY };
  }
  const between = all.filter((node) => node.layer >= to.layer && node.layer <= from.layer);
  const left = from.x + from.width / 2 + (to.x + to.width / 2) < 2 * centre;
  const y1 = from.y + from.height / 2;
  const y2 = to.y + to.height / 2;
  if (left) {
    const x1 = from.x;
    const x2 = to.x;
    const out = Math.min(...between.map((node) => node.x)) - SIDE_ROOM * 0.7;
    return { edge, path: `M ${x1} ${y1} C ${out} ${y1}, ${out} ${y2}, ${x2} ${y2}`, labelX: out - 4, labelY: (y1 + y2) / 2 };
  }
  const x1 = from.x + from.width;
  const x2 = to.x + to.width;
  const out = Math.max(...between.map((node) => node.x + node.width)) + SIDE_ROOM * 0.7;
  return { edge, path: `M ${x1} ${y1} C ${out} ${y1}, ${out} ${y2}, ${x2} ${y2}`, labelX: out - 10, labelY: (y1 + y2) / 2 };
}
