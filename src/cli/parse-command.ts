import type { CommandModule } from 'yargs';
import type { Family, TableName } from '../ast';
import { formatDiagnostic } from '../diagnostics';
import { formatParseSummary } from '../output/parse-summary';
import { progressFor } from '../output/progress';
import { printDump } from '../printer';
import type { ParseResult } from '../parser/parse-dump';
import { readDumpFile } from '../read-input';
import { EXIT, STDIN_ARGUMENT } from './exit-codes';

interface ParseArgs {
  files: string[];
  format: 'summary' | 'json' | 'save';
  family?: Family;
  table?: TableName;
  counters: boolean;
  progress: boolean;
}

export function parseCommand(setExitCode: (code: number) => void): CommandModule<object, ParseArgs> {
  return {
    command: 'parse <files..>',
    describe: 'Parse dumps and report their shape, AST or canonical text',
    builder: (yargs) =>
      yargs
        .positional('files', { type: 'string', array: true, demandOption: true, description: 'Dump files; - reads standard input' })
        .option('format', { alias: 'f', choices: ['summary', 'json', 'save'] as const, default: 'summary' as const, description: 'summary: counts per table; json: the AST; save: canonical iptables-save text' })
        .option('family', { choices: ['ipv4', 'ipv6'] as const, description: 'Address family, when the header does not say' })
        .option('table', { choices: ['filter', 'nat', 'mangle', 'raw', 'security'] as const, description: 'Table of an `iptables -S` listing without `# table:` lines' })
        .option('counters', { type: 'boolean', default: true, description: 'With --format save, keep rule counters' })
        .example('$0 parse rules.v4', 'Summarise a dump')
        .example('iptables-save | $0 parse - --format save', 'Print the live rules in canonical form')
        .example('$0 parse --format json before.txt > ast.json', 'The AST as JSON (see docs/ast.md)') as never,
    handler: (args) => {
      const progress = progressFor(process.stderr, { enabled: args.progress });
      let results: ParseResult[];
      try {
        results = args.files.map((file) => {
          const path = file === STDIN_ARGUMENT ? '-' : file;
          return readDumpFile(path, { family: args.family, table: args.table, onProgress: progress.track(`reading ${path === '-' ? 'standard input' : path}`) });
        });
      } finally {
        progress.finish();
      }
      const out: string[] = [];
      if (args.format === 'json') {
        const documents = results.map(({ dump, diagnostics }) => ({ dump, diagnostics }));
        out.push(JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2));
      } else if (args.format === 'save') {
        for (const { dump } of results) out.push(printDump(dump, { counters: args.counters }).trimEnd());
      } else {
        for (const { dump, diagnostics } of results) out.push(formatParseSummary(dump, diagnostics));
      }
      const text = out.filter((part) => part !== '').join('\n');
      if (text !== '') process.stdout.write(text + '\n');
      for (const { diagnostics } of results) {
        for (const diagnostic of diagnostics) process.stderr.write(formatDiagnostic(diagnostic) + '\n');
      }
      const failed = results.some(({ diagnostics }) => diagnostics.some((d) => d.severity === 'error'));
      setExitCode(failed ? EXIT.trouble : EXIT.ok);
    },
  };
}
