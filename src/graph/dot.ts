import { chainSummary, type ChainGraph, type ChainNode } from './chain-graph';

const STYLE: Record<ChainNode['kind'], string> = {
  builtin: 'style="filled,bold", fillcolor="#dbeafe", color="#1d4ed8"',
  user: 'style="filled,rounded", fillcolor="#f8fafc", color="#475569"',
  missing: 'style="dashed", color="#dc2626", fontcolor="#dc2626"',
};

/** Graphviz `dot` text: one cluster per table, built-in chains filled blue, jumps solid, gotos dashed. */
export function formatDot(graph: ChainGraph): string {
  const out: string[] = [
    `digraph ${quote(`iptables chains: ${graph.file}`)} {`,
    '  rankdir=TB;',
    '  node [shape=box, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const section of graph.sections) {
    out.push(`  subgraph ${quote(`cluster_${section.family}_${section.table}`)} {`, `    label=${quote(`${section.family} ${section.table}`)};`, '    color="#94a3b8";');
    const entries = section.nodes.filter((node) => node.kind === 'builtin').map((node) => quote(node.id));
    if (entries.length > 0) out.push(`    { rank=min; ${entries.join('; ')}; }`);
    for (const node of section.nodes) {
      const faded = node.kind === 'user' && !node.referenced ? ', fontcolor="#94a3b8"' : '';
      out.push(`    ${quote(node.id)} [label=${quote(`${node.name}\n${chainSummary(node)}`)}, ${STYLE[node.kind]}${faded}, tooltip=${quote(`line ${node.line}`)}];`);
    }
    for (const edge of section.edges) {
      const count = edge.lines.length > 1 ? ` ×${edge.lines.length}` : '';
      const attributes =
        edge.kind === 'goto' ? `style=dashed, color="#d97706", fontcolor="#d97706", label=${quote(`goto${count}`)}` : `color="#2563eb"${count === '' ? '' : `, label=${quote(count.trim())}`}`;
      out.push(`    ${quote(edge.from)} -> ${quote(edge.to)} [${attributes}, tooltip=${quote(`line${edge.lines.length > 1 ? 's' : ''} ${edge.lines.join(', ')}`)}];`);
    }
    out.push('  }');
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** A dot quoted string: backslashes and quotes escaped, newlines as dot's centred `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
