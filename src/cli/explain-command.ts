import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { builtinRules } from './builtin-rules';
import { DIAGNOSTICS } from '../diagnostics';
import { packageRoot } from '../package-root';
import { EXIT, UsageError } from './exit-codes';

export function explainCommand(setExitCode: (code: number) => void): CommandModule<object, { code: string }> {
  return {
    command: 'explain <code>',
    describe: 'Show what a finding code means and how to fix it',
    builder: (yargs) =>
      yargs
        .positional('code', { type: 'string', demandOption: true, description: 'A code (IPT2001) or rule name (missing-chain)' })
        .example('$0 explain IPT2001', 'The doc page of rule IPT2001') as never,
    handler: (args) => {
      const wanted = args.code.trim();
      const rule = builtinRules().find((candidate) => candidate.meta.code === wanted.toUpperCase() || candidate.meta.name === wanted);
      if (rule !== undefined) {
        const page = join(packageRoot(), 'docs', 'rules', `${rule.meta.code}.md`);
        process.stdout.write(existsSync(page) ? readFileSync(page, 'utf8') : `${rule.meta.code} ${rule.meta.name}: ${rule.meta.description}\n`);
        setExitCode(EXIT.ok);
        return;
      }
      const diagnostic = Object.values(DIAGNOSTICS).find((kind) => kind.code === wanted.toUpperCase() || kind.name === wanted);
      if (diagnostic !== undefined) {
        process.stdout.write(`# ${diagnostic.code} ${diagnostic.name} (${diagnostic.severity})\n\n${diagnostic.description}\n\nA problem found while reading the file; see docs/diagnostics.md.\n`);
        setExitCode(EXIT.ok);
        return;
      }
      throw new UsageError(`no rule or diagnostic is called ${wanted}; codes look like IPT2001 (rules) or IPT1015 (parse problems)`);
    },
  };
}
