import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import type { Family, TableName } from '../ast';
import { formatDiagnostic } from '../diagnostics';
import { buildChainGraph, GraphSelectionError, type ChainGraph } from '../graph/chain-graph';
import { formatDot } from '../graph/dot';
import { formatHtml } from '../graph/html';
import { progressFor } from '../output/progress';
import { readDumpFile } from '../read-input';
import { EXIT, STDIN_ARGUMENT, TroubleError, UsageError } from './exit-codes';

interface GraphArgs {
  file: string;
  table?: TableName;
  family?: Family;
  format: 'dot' | 'html';
  output?: string;
  progress: boolean;
}

export function graphCommand(setExitCode: (code: number) => void): CommandModule<object, GraphArgs> {
  return {
    command: 'graph <file>',
    describe: 'Draw the chains as a graph: jumps and gotos, rule counts, built-in entry points',
    builder: (yargs) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, description: 'A dump or restore file; - reads standard input' })
        .option('table', { alias: 't', choices: ['filter', 'nat', 'mangle', 'raw', 'security'] as const, description: 'Only this table (default: every table)' })
        .option('family', { choices: ['ipv4', 'ipv6'] as const, description: 'Only this family, when the dump holds both' })
        .option('format', { alias: 'f', choices: ['dot', 'html'] as const, default: 'dot' as const, description: 'dot: Graphviz source; html: a self-contained page with the graph drawn in SVG' })
        .option('output', { alias: 'o', type: 'string', description: 'Write to this file instead of standard output' })
        .example('$0 graph --table filter rules.v4 | dot -Tsvg > filter.svg', 'Draw the filter table with Graphviz')
        .example('$0 graph --format html -o chains.html rules.v4', 'A page to open in a browser, nothing else needed') as never,
    handler: (args) => {
      const path = args.file === STDIN_ARGUMENT ? '-' : args.file;
      const progress = progressFor(process.stderr, { enabled: args.progress });
      let parsed: ReturnType<typeof readDumpFile>;
      try {
        parsed = readDumpFile(path, { family: args.family, onProgress: progress.track(`reading ${path === '-' ? 'standard input' : path}`) });
      } finally {
        progress.finish();
      }
      for (const diagnostic of parsed.diagnostics) process.stderr.write(formatDiagnostic(diagnostic) + '\n');
      if (parsed.diagnostics.some((d) => d.code === 'IPT1001' || d.code === 'IPT1002')) {
        setExitCode(EXIT.trouble);
        return;
      }
      let graph: ChainGraph;
      try {
        graph = buildChainGraph(parsed.dump, { table: args.table, family: args.family });
      } catch (error) {
        if (error instanceof GraphSelectionError) throw new UsageError(error.message);
        throw error;
      }
      const text = args.format === 'html' ? formatHtml(graph) : formatDot(graph);
      if (args.output === undefined) process.stdout.write(text);
      else {
        try {
          writeFileSync(args.output, text);
        } catch (error) {
          throw new TroubleError(`cannot write ${args.output}: ${(error as Error).message}`);
        }
      }
      // The graph is drawn from what could be read; errors in the file still fail the command, as `parse` does.
      setExitCode(parsed.diagnostics.some((d) => d.severity === 'error') ? EXIT.trouble : EXIT.ok);
    },
  };
}
