import type { CommandModule } from 'yargs';
import { EXIT } from './exit-codes';

/**
 * `completion` as a command of its own, so that it has help and examples; yargs'
 * hidden completion support answers the `--get-yargs-completions` calls the
 * printed script makes.
 */
export function completionCommand(printScript: () => void, setExitCode: (code: number) => void): CommandModule<object, object> {
  return {
    command: 'completion',
    describe: 'Print a shell completion script for bash or zsh',
    builder: (yargs) =>
      yargs
        .example('$0 completion >> ~/.bashrc', 'Complete commands, options and choices in bash')
        .example('SHELL=zsh $0 completion >> ~/.zshrc', 'The same for zsh') as never,
    handler: () => {
      printScript();
      setExitCode(EXIT.ok);
    },
  };
}
