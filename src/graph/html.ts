import { chainSummary, type ChainGraph, type GraphSection } from './chain-graph';
import { layoutSection } from './layout';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #0f172a; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.legend { color: #475569; margin: 0 0 8px; }
.legend span { display: inline-block; margin-right: 18px; }
.swatch { display: inline-block; width: 14px; height: 10px; border: 1.5px solid; margin-right: 5px; vertical-align: -1px; }
.scroll { overflow: auto; border: 1px solid #e2e8f0; border-radius: 6px; }
svg { display: block; }
svg text { font-family: system-ui, sans-serif; }
.chain rect { stroke-width: 1.5; }
.chain.builtin rect { fill: #dbeafe; stroke: #1d4ed8; stroke-width: 2.5; }
.chain.user rect { fill: #f8fafc; stroke: #475569; }
.chain.unused rect { stroke: #94a3b8; stroke-dasharray: 2 2; }
.chain.unused text { fill: #64748b; }
.chain.missing rect { fill: #fef2f2; stroke: #dc2626; stroke-dasharray: 5 3; }
.chain.missing text { fill: #b91c1c; }
.chain .name { font-size: 13px; font-weight: 600; }
.chain .summary { font-size: 11px; fill: #475569; }
.edge path { fill: none; stroke-width: 1.4; }
.edge.jump path { stroke: #2563eb; }
.edge.goto path { stroke: #d97706; stroke-dasharray: 6 4; }
.edge text { font-size: 10px; }
.edge.jump text { fill: #1d4ed8; }
.edge.goto text { fill: #b45309; }
`;

/** A self-contained page: inline CSS and one inline SVG per table, no script and nothing fetched. */
export function formatHtml(graph: ChainGraph): string {
  const title = `iptables chains: ${graph.file}`;
  const chainCount = graph.sections.reduce((sum, section) => sum + section.nodes.length, 0);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escape(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escape(title)}</h1>`,
    `<p class="legend">${graph.sections.length} table${graph.sections.length === 1 ? '' : 's'}, ${chainCount} chains. ` +
      '<span><i class="swatch" style="background:#dbeafe;border-color:#1d4ed8"></i>built-in chain (entry point)</span>' +
      '<span><i class="swatch" style="background:#f8fafc;border-color:#475569"></i>user chain</span>' +
      '<span><i class="swatch" style="background:#fef2f2;border-color:#dc2626;border-style:dashed"></i>missing chain</span>' +
      '<span style="color:#1d4ed8">── jump (-j)</span><span style="color:#b45309">╌╌ goto (-g)</span></p>',
    ...graph.sections.map(formatSection),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function formatSection(section: GraphSection): string {
  const layout = layoutSection(section);
  const marker = (kind: string, colour: string) =>
    `<marker id="arrow-${kind}-${section.family}-${section.table}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${colour}"/></marker>`;
  const edges = layout.edges.map(({ edge, path, labelX, labelY }) => {
    const count = edge.lines.length > 1 ? `×${edge.lines.length}` : '';
    const label = edge.kind === 'goto' ? `goto${count === '' ? '' : ` ${count}`}` : count;
    const lines = `line${edge.lines.length > 1 ? 's' : ''} ${edge.lines.join(', ')}`;
    return (
      `<g class="edge ${edge.kind}" data-from="${escape(edge.from)}" data-to="${escape(edge.to)}"><title>${escape(`${nameOf(edge.from)} ${edge.kind === 'goto' ? '-g' : '-j'} ${nameOf(edge.to)} (${lines})`)}</title>` +
      `<path d="${path}" marker-end="url(#arrow-${edge.kind}-${section.family}-${section.table})"/>` +
      (label === '' ? '' : `<text x="${round(labelX + 4)}" y="${round(labelY)}">${escape(label)}</text>`) +
      '</g>'
    );
  });
  const nodes = layout.nodes.map(({ node, x, y, width, height }) => {
    const classes = ['chain', node.kind, ...(node.kind === 'user' && !node.referenced ? ['unused'] : [])].join(' ');
    const tip = node.kind === 'missing' ? `${node.name}: named on line ${node.line}, but the table has no such chain` : `${node.name}, line ${node.line}${node.kind === 'user' && !node.referenced ? ': no rule jumps or goes here' : ''}`;
    return (
      `<g class="${classes}" data-chain="${escape(node.name)}" data-table="${section.table}" data-family="${section.family}"><title>${escape(tip)}</title>` +
      `<rect x="${round(x)}" y="${round(y)}" width="${width}" height="${height}" rx="${node.kind === 'builtin' ? 3 : 8}"/>` +
      `<text class="name" x="${round(x + width / 2)}" y="${round(y + 17)}" text-anchor="middle">${escape(node.name)}</text>` +
      `<text class="summary" x="${round(x + width / 2)}" y="${round(y + 33)}" text-anchor="middle">${escape(chainSummary(node))}</text>` +
      '</g>'
    );
  });
  return [
    `<section data-family="${section.family}" data-table="${section.table}">`,
    `<h2>${section.family} ${section.table}: ${section.nodes.length} chains, ${section.edges.reduce((sum, edge) => sum + edge.lines.length, 0)} jumps and gotos</h2>`,
    '<div class="scroll">',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escape(`${section.family} ${section.table} chains`)}">`,
    `<defs>${marker('jump', '#2563eb')}${marker('goto', '#d97706')}</defs>`,
    ...edges,
    ...nodes,
    '</svg>',
    '</div>',
    '</section>',
  ].join('\n');
}

function nameOf(id: string): string {
  return id.slice(id.indexOf('/', id.indexOf('/') + 1) + 1);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
