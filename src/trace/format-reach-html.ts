import { cellResults, type ReachReport } from './format-reach';
import { REACH_PROTOCOLS, type ReachAnswer, type ReachMatrix } from './reach';

const FAMILY_LABEL = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d5; padding: 0.45em 0.7em; text-align: center; }
th { background: #f3f3f6; font-weight: 600; }
th.row { text-align: right; }
td.allowed { background: #c9f2d0; } td.denied { background: #f8c9c9; }
td.depends { background: #fde9b0; } td.unknown { background: #e4d3f5; } td.none { background: #f7f7f7; color: #999; }
td small { display: block; color: #555; }
td[title] { cursor: help; }
.legend span { display: inline-block; padding: 0.2em 0.6em; margin-right: 0.5em; border: 1px solid #d0d0d5; }
code { font: 12px ui-monospace, monospace; }
`;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function tooltip(answers: { protocol: string; answer: ReachAnswer }[]): string {
  const lines: string[] = [];
  for (const { protocol, answer } of answers) {
    lines.push(`${protocol}: ${answer.result}`);
    for (const decider of answer.deciders) lines.push(`  line ${decider.line}: ${decider.text} (${decider.verdict}${decider.answer ? ' of the answers' : ''})`);
    for (const condition of answer.conditions) lines.push(`  depends on ${condition}`);
  }
  return lines.join('\n');
}

function matrixTable(matrix: ReachMatrix): string {
  const names = matrix.endpoints.map((endpoint) => endpoint.name);
  const rows = names.map((from) => {
    const cells = names.map((to) => {
      const cell = matrix.cells.find((candidate) => candidate.from === from && candidate.to === to);
      if (cell === undefined) return '<td class="none">—</td>';
      const groups = cellResults(cell);
      const style = groups.length === 1 ? groups[0].result : groups.some((group) => group.result === 'unknown') ? 'unknown' : 'depends';
      const text = groups.length === 1 ? groups[0].result : groups.map((group) => `${group.protocols.join(',')}: ${group.result}`).join('<br>');
      const lines = [...new Set(REACH_PROTOCOLS.flatMap((protocol) => cell.protocols[protocol].deciders.map((decider) => decider.line)))].sort((a, b) => a - b);
      const title = tooltip(REACH_PROTOCOLS.map((protocol) => ({ protocol, answer: cell.protocols[protocol] })));
      return `<td class="${style}" title="${escape(title)}">${text}<small>line ${lines.join(', ')}</small></td>`;
    });
    return `<tr><th class="row" scope="row">${escape(from)}</th>${cells.join('')}</tr>`;
  });
  return `<table>\n<tr><th>from \\ to</th>${names.map((name) => `<th scope="col">${escape(name)}</th>`).join('')}</tr>\n${rows.join('\n')}\n</table>`;
}

function publishedTable(matrix: ReachMatrix): string {
  if (matrix.published.length === 0) return '';
  const rows = matrix.published.map((row) => {
    const port = row.port;
    const lines = row.answer.deciders.map((decider) => decider.line);
    return (
      `<tr><td><code>${escape(`${port.protocol} ${port.hostAddress ?? 'all addresses'}:${port.hostPort} → ${port.network} ${port.container}:${port.containerPort}`)}</code></td>` +
      `<td>${escape(row.from)}</td><td class="${row.answer.result}" title="${escape(tooltip([{ protocol: port.protocol, answer: row.answer }]))}">${row.answer.result}<small>line ${lines.join(', ')}</small></td>` +
      `<td>${escape(row.reaches.join(' or ') || '—')}</td></tr>`
    );
  });
  return `<h2>Published ports (${FAMILY_LABEL[matrix.family]})</h2>\n<table>\n<tr><th>port</th><th>from</th><th>result</th><th>reaches</th></tr>\n${rows.join('\n')}\n</table>`;
}

/** A self-contained page: inline CSS, no scripts or external resources; hover a cell for the rules that decide it. */
export function formatReachHtml(report: ReachReport): string {
  const sections = report.matrices.map(
    (matrix) => `<h2>${FAMILY_LABEL[matrix.family]}: new connections between networks</h2>\n${matrixTable(matrix)}\n${publishedTable(matrix)}`,
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Reachability: ${escape(report.file)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Reachability in ${escape(report.file)}</h1>
<p>Each cell says whether a new connection from the row's endpoint to the column's opens, traced through every table of the dump (tcp, udp and ICMP echo request); hover a cell for the deciding rules. <em>outside</em> is any interface but the Docker bridges; <em>host</em> is the host's own addresses, on ports it does not publish (published ports have a table of their own).</p>
<p class="legend"><span class="allowed" style="background:#c9f2d0">allowed</span><span style="background:#f8c9c9">denied</span><span style="background:#fde9b0">depends</span><span style="background:#e4d3f5">unknown</span></p>
${sections.join('\n')}
</body>
</html>
`;
}
