import yargs, { type Argv, type CommandModule } from 'yargs';
import { EXIT, STDIN_ARGUMENT, TroubleError, UsageError } from './exit-codes';

type SetExitCode = (code: number) => void;
/** Each command has its own argument type; yargs only passes them through. */
type CommandLoader = (setExitCode: SetExitCode, cli: Argv) => Promise<CommandModule<object, any>>;

/** Every command, in the order `--help` lists them, each loaded with the modules it uses only when needed. */
const COMMANDS: ReadonlyArray<[name: string, load: CommandLoader]> = [
  ['lint', async (set) => (await import('./lint-command')).lintCommand(set)],
  ['parse', async (set) => (await import('./parse-command')).parseCommand(set)],
  ['diff', async (set) => (await import('./diff-command')).diffCommand(set)],
  ['trace', async (set) => (await import('./trace-command')).traceCommand(set)],
  ['reach', async (set) => (await import('./reach-command')).reachCommand(set)],
  ['explain', async (set) => (await import('./explain-command')).explainCommand(set)],
  ['policy', async (set) => (await import('./policy-command')).policyCommand(set)],
  ['snapshot', async (set) => (await import('./snapshot-command')).snapshotCommand(set)],
  ['graph', async (set) => (await import('./graph-command')).graphCommand(set)],
  ['completion', async (set, cli) => (await import('./completion-command')).completionCommand(() => cli.showCompletionScript(), set)],
];

/**
 * The commands to register: only the one named first on the command line, since loading all of
 * them costs a noticeable part of a small run; all of them for help, completion and typos.
 */
function commandsFor(rawArgv: readonly string[]): ReadonlyArray<[string, CommandLoader]> {
  const named = COMMANDS.find(([name]) => name === rawArgv[0]);
  return named !== undefined && !rawArgv.includes('--get-yargs-completions') ? [named] : COMMANDS;
}

/**
 * yargs renders the whole help text after every command, in case a later failure shows it;
 * ours never does (the fail handler throws), and on a small dump the rendering is a good part
 * of the run. Reaches into yargs' internals, so it does nothing when they are not there.
 */
function skipHelpCaching(cli: Argv): void {
  const usage = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.().getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/**
 * Ends the process with `code` once standard output and standard error have taken everything
 * written to them. Exiting, rather than waiting for Node to tear its heap down, saves a
 * noticeable part of a large run (some 40 ms after linting a 100k-rule dump); nothing of ours is
 * left running once `main` has resolved.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(rawArgv: string[]): Promise<number> {
  const debug = rawArgv.includes('--debug');
  // yargs drops a bare `-` from positionals; carry it through under a name no file can have.
  const argv = rawArgv.map((arg) => (arg === '-' ? STDIN_ARGUMENT : arg));
  try {
    let exitCode: number = EXIT.ok;
    const cli = yargs(argv);
    skipHelpCaching(cli);
    for (const [, load] of commandsFor(rawArgv)) cli.command(await load((code) => (exitCode = code), cli));
    await cli
      .scriptName('ipt-lint')
      .usage('$0 <command> [options]\n\nParse, lint, diff and trace iptables-save dumps.')
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
