import yargs from 'yargs';
import { completionCommand } from './completion-command';
import { diffCommand } from './diff-command';
import { explainCommand } from './explain-command';
import { lintCommand } from './lint-command';
import { parseCommand } from './parse-command';
import { reachCommand } from './reach-command';
import { traceCommand } from './trace-command';
import { EXIT, STDIN_ARGUMENT, TroubleError, UsageError } from './exit-codes';

/** Runs the CLI and resolves to the process exit code. */
export async function main(rawArgv: string[]): Promise<number> {
  const debug = rawArgv.includes('--debug');
  // yargs drops a bare `-` from positionals; carry it through under a name no file can have.
  const argv = rawArgv.map((arg) => (arg === '-' ? STDIN_ARGUMENT : arg));
  try {
    let exitCode: number = EXIT.ok;
    const cli = yargs(argv);
    await cli
      .scriptName('ipt-lint')
      .usage('$0 <command> [options]\n\nParse, lint, diff and trace iptables-save dumps.')
      .command(lintCommand((code) => (exitCode = code)))
      .command(parseCommand((code) => (exitCode = code)))
      .command(diffCommand((code) => (exitCode = code)))
      .command(traceCommand((code) => (exitCode = code)))
      .command(reachCommand((code) => (exitCode = code)))
      .command(explainCommand((code) => (exitCode = code)))
      .command((await import('./policy-command')).policyCommand((code) => (exitCode = code)))
      .command((await import('./snapshot-command')).snapshotCommand((code) => (exitCode = code)))
      .command((await import('./graph-command')).graphCommand((code) => (exitCode = code)))
      .command(completionCommand(() => cli.showCompletionScript(), (code) => (exitCode = code)))
      .option('debug', { type: 'boolean', description: 'Show stack traces of internal errors', global: true })
      .option('progress', { type: 'boolean', default: true, description: 'Show progress on a terminal when work takes over a second (never when piped or in CI)', global: true })
      .example('$0 lint --policy .ipt-lint.yaml rules.v4 rules.v6', 'Check saved dumps against a policy')
      .example('$0 <command> --help', 'What a command does, its options and examples')
      .demandCommand(1, 'Give a command, for example: ipt-lint parse dump.txt')
      .strict()
      .recommendCommands()
      .completion('completion-script', false)
      .help()
      .alias('h', 'help')
      .version()
      .alias('V', 'version')
      .epilogue('Exit codes: 0 clean; 1 lint findings at or above --fail-on, or drift (diff); 2 unreadable input, parse errors, or a usage problem.')
      .wrap(Math.min(100, process.stdout.columns ?? 80))
      .fail((message, error) => {
        throw error ?? new UsageError(message);
      })
      .parseAsync();
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ipt-lint: ${error.message}\nRun \`ipt-lint --help\` for usage.\n`);
      return EXIT.trouble;
    }
    if (error instanceof TroubleError) {
      process.stderr.write(`ipt-lint: ${error.message}\n`);
      return EXIT.trouble;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ipt-lint: internal error: ${message}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write('Run again with --debug to see where it happened, and please report it.\n');
    return EXIT.trouble;
  }
}
