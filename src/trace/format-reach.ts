import { HOST, OUTSIDE, REACH_PROTOCOLS, type ReachAnswer, type ReachCell, type ReachMatrix, type ReachProtocol, type ReachResult } from './reach';

export interface ReachReport {
  file: string;
  matrices: ReachMatrix[];
}

const FAMILY_LABEL = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;
const COLORS: Record<ReachResult | 'dim' | 'bold' | 'reset', string> = {
  allowed: '\u001b[32m', denied: '\u001b[31m', depends: '\u001b[33m', unknown: '\u001b[35m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m',
};

/** "allowed", or "tcp,udp: allowed; icmp: denied" when the protocols differ. */
export function cellResults(cell: ReachCell): { protocols: ReachProtocol[]; result: ReachResult }[] {
  const groups: { protocols: ReachProtocol[]; result: ReachResult }[] = [];
  for (const protocol of REACH_PROTOCOLS) {
    const result = cell.protocols[protocol].result;
    const group = groups.find((candidate) => candidate.result === result);
    if (group === undefined) groups.push({ protocols: [protocol], result });
    else group.protocols.push(protocol);
  }
  return groups;
}

function decidingLines(answers: ReachAnswer[]): number[] {
  return [...new Set(answers.flatMap((answer) => answer.deciders.map((decider) => decider.line)))].sort((a, b) => a - b);
}

/** The matrix as a table for a terminal, a footnote per cell that depends on something, then the published ports. */
export function formatReachText(report: ReachReport, options: { color: boolean }): string {
  const paint = (style: keyof typeof COLORS, text: string): string => (options.color ? `${COLORS[style]}${text}${COLORS.reset}` : text);
  const out: string[] = [];
  for (const matrix of report.matrices) {
    out.push(paint('bold', `${report.file}: ${FAMILY_LABEL[matrix.family]}, new connections (tcp, udp, icmp echo request) between the policy's networks, outside and the host`), '');
    const names = matrix.endpoints.map((endpoint) => endpoint.name);
    const notes: string[] = [];
    const label = (from: string, to: string): { text: string; style: ReachResult | 'dim' } => {
      const cell = matrix.cells.find((candidate) => candidate.from === from && candidate.to === to);
      if (cell === undefined) return { text: '—', style: 'dim' };
      const groups = cellResults(cell);
      const answers = REACH_PROTOCOLS.map((protocol) => cell.protocols[protocol]);
      const pending = answers.filter((answer) => answer.result === 'depends' || answer.result === 'unknown');
      let marker = '';
      if (pending.length > 0) {
        notes.push(`${from} → ${to}: ${[...new Set(pending.flatMap((answer) => answer.conditions))].join('; ')}`);
        marker = ` [${notes.length}]`;
      }
      const lines = decidingLines(answers);
      const text = groups.length === 1 ? groups[0].result : groups.map((group) => `${group.protocols.join(',')} ${group.result}`).join(', ');
      return { text: `${text}${marker}${lines.length > 0 ? ` (${lines.join(',')})` : ''}`, style: groups.length === 1 ? groups[0].result : 'depends' };
    };
    const rows = names.map((from) => names.map((to) => label(from, to)));
    const header = 'from \\ to';
    const firstWidth = Math.max(header.length, ...names.map((name) => name.length));
    const widths = names.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column].text.length)));
    out.push([header.padEnd(firstWidth), ...names.map((name, column) => name.padEnd(widths[column]))].join('  ').trimEnd());
    rows.forEach((row, index) => {
      out.push([names[index].padEnd(firstWidth), ...row.map((cell, column) => paint(cell.style, cell.text) + ' '.repeat(widths[column] - cell.text.length))].join('  ').trimEnd());
    });
    out.push('', paint('dim', `(n): the lines that decide; ${OUTSIDE}: any interface but the bridges; ${HOST}: the host's own addresses, on ports it does not publish (published ports are below).`));
    if (notes.length > 0) {
      out.push('', 'Depends on:');
      notes.forEach((note, index) => out.push(`  [${index + 1}] ${note}`));
    }
    if (matrix.published.length > 0) {
      out.push('', 'Published ports:');
      for (const port of uniquePorts(matrix)) {
        const bound = port.hostAddress ?? (matrix.family === 'ipv4' ? '0.0.0.0' : '::');
        out.push(`  ${port.protocol} ${bound}:${port.hostPort} → ${port.network} ${port.container}:${port.containerPort}`);
        const rowsOf = matrix.published.filter((row) => row.port === port);
        const width = Math.max(...rowsOf.map((row) => `from ${row.from}`.length));
        for (const row of rowsOf) {
          const lines = row.answer.deciders.map((decider) => decider.line);
          const where = row.reaches.length > 0 ? `, reaches ${row.reaches.join(' or ')}` : '';
          out.push(`    ${`from ${row.from}`.padEnd(width)}  ${paint(row.answer.result, row.answer.result)}${where}${lines.length > 0 ? ` (${lines.join(',')})` : ''}`);
        }
      }
    }
    out.push('');
  }
  return out.join('\n');
}

function uniquePorts(matrix: ReachMatrix): ReachMatrix['published'][number]['port'][] {
  return [...new Set(matrix.published.map((row) => row.port))];
}

/** `ipt-lint reach --format json`: one entry per address family. */
export function formatReachJson(report: ReachReport): string {
  const answer = (value: ReachAnswer): object => ({
    result: value.result,
    decidedBy: value.deciders.map((decider) => ({ line: decider.line, rule: decider.rule === null ? null : decider.text, policy: decider.rule === null ? decider.text : null, verdict: decider.verdict, answers: decider.answer })),
    dependsOn: value.conditions,
  });
  const document = {
    file: report.file,
    families: report.matrices.map((matrix) => ({
      family: matrix.family,
      endpoints: matrix.endpoints.map((endpoint) => ({ name: endpoint.name, kind: endpoint.kind, bridge: endpoint.bridge ?? null })),
      matrix: matrix.cells.map((cell) => ({
        from: cell.from,
        to: cell.to,
        protocols: Object.fromEntries(REACH_PROTOCOLS.map((protocol) => [protocol, answer(cell.protocols[protocol])])),
      })),
      published: matrix.published.map((row) => ({ ...row.port, from: row.from, ...answer(row.answer), reaches: row.reaches })),
    })),
  };
  return JSON.stringify(document, null, 2) + '\n';
}
