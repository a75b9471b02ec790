import type { CommandModule } from 'yargs';
import { formatDiagnostic } from '../diagnostics';
import { progressFor } from '../output/progress';
import { readDumpFile } from '../read-input';
import { formatReachHtml } from '../trace/format-reach-html';
import { formatReachJson, formatReachText, type ReachReport } from '../trace/format-reach';
import { reachability } from '../trace/reach';
import { EXIT, STDIN_ARGUMENT, UsageError } from './exit-codes';
import { readPolicyOrReport } from './trace-command';

interface ReachArgs {
  file: string;
  policy: string;
  format: 'text' | 'json' | 'html';
  'local-address'?: string[];
  color?: boolean;
  progress: boolean;
}

export function reachCommand(setExitCode: (code: number) => void): CommandModule<object, ReachArgs> {
  return {
    command: 'reach <file>',
    describe: "Which of the policy's Docker networks, the outside and the host can open connections to which",
    builder: (yargs) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, description: 'Dump file (iptables-save output); - reads standard input' })
        .option('policy', { type: 'string', demandOption: true, description: 'Policy file with a docker section (docs/policy.md)' })
        .option('format', { alias: 'f', choices: ['text', 'json', 'html'] as const, default: 'text' as const, description: 'text: a table; json: for programs; html: a page with a coloured grid' })
        .option('local-address', { type: 'string', array: true, description: "The host's own addresses (loopback is always one)" })
        .option('color', { type: 'boolean', description: 'Colour the text output (default: when writing to a terminal and NO_COLOR is unset)' })
        .example('$0 reach rules.v4 --policy .ipt-lint.yaml', 'The reachability table')
        .example('$0 reach rules.v4 --policy .ipt-lint.yaml --format html > reach.html', 'The same as a page to open in a browser') as never,
    handler: (args) => {
      const policy = readPolicyOrReport(args.policy, setExitCode);
      if (policy === undefined) return;
      const docker = policy?.docker;
      if (docker === undefined) throw new UsageError(`policy ${args.policy} has no docker section: reach needs its networks`);
      const file = args.file === STDIN_ARGUMENT ? '-' : args.file;
      const progress = progressFor(process.stderr, { enabled: args.progress });
      let report: ReachReport;
      const { dump, diagnostics } = readDumpFile(file, { onProgress: progress.track(`reading ${file === '-' ? 'standard input' : file}`) });
      const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
      if (errors.length > 0) {
        progress.finish();
        for (const diagnostic of errors) process.stderr.write(formatDiagnostic(diagnostic) + '\n');
        setExitCode(EXIT.trouble);
        return;
      }
      const shown = file === '-' ? 'stdin' : file;
      try {
        report = { file: shown, matrices: dump.rulesets.map((ruleset) => reachability(ruleset, docker, { localAddresses: args['local-address'], onProgress: progress.track(`tracing ${ruleset.family} connections`) })) };
      } finally {
        progress.finish();
      }
      if (report.matrices.length === 0) {
        process.stderr.write(`ipt-lint: ${shown} holds no rules\n`);
        setExitCode(EXIT.trouble);
        return;
      }
      const color = args.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
      process.stdout.write(args.format === 'json' ? formatReachJson(report) : args.format === 'html' ? formatReachHtml(report) : formatReachText(report, { color }));
      setExitCode(EXIT.ok);
    },
  };
}
