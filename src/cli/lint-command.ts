import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import type { Family, Severity, TableName } from '../ast';
import { builtinRules } from './builtin-rules';
import { findingKinds } from '../lint/builtin-rules';
import { applyBaseline, baselineProblem, createBaseline, type Baseline } from '../lint/baseline';
import { lintFile, lintParsed, type LintFileOptions, type LintFileResult } from '../lint/lint-file';
import { parseDump } from '../parser/parse-dump';
import { ruleDescriptors } from '../output/format-types';
import { progressFor } from '../output/progress';
import { packageVersion } from '../package-root';
import { discoverPolicy, loadPolicy, PolicyError, POLICY_FILE_NAMES } from '../policy/load';
import { severityOverrides } from '../policy/severity';
import type { Policy } from '../policy/types';
import { EXIT, STDIN_ARGUMENT, TroubleError, UsageError } from './exit-codes';

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const DEFAULT_BASELINE = '.ipt-lint-baseline.json';

interface LintArgs {
  files: string[];
  live: boolean;
  format: 'stylish' | 'json' | 'sarif' | 'junit' | 'github';
  'fail-on': Severity;
  quiet: boolean;
  baseline?: string;
  'write-baseline': boolean;
  family?: Family;
  table?: TableName;
  color?: boolean;
  policy?: string;
  progress: boolean;
}

export function lintCommand(setExitCode: (code: number) => void): CommandModule<object, LintArgs> {
  return {
    command: 'lint [files..]',
    describe: 'Check dumps for mistakes and report findings',
    builder: (yargs) =>
      yargs
        .positional('files', { type: 'string', array: true, default: [], description: 'Dump or restore files; - reads standard input' })
        .option('live', { type: 'boolean', default: false, description: 'Also lint the rules the kernel holds now (runs iptables-save and ip6tables-save; needs root)' })
        .option('format', {
          alias: 'f',
          choices: ['stylish', 'json', 'sarif', 'junit', 'github'] as const,
          default: 'stylish' as const,
          description: 'stylish: for people; json: {findings, summary} (docs/lint-json.md); sarif: GitHub code scanning; junit: CI test reports; github: workflow annotations',
        })
        .option('fail-on', { choices: ['error', 'warning', 'info'] as const, default: 'error' as const, description: 'Exit 1 when a finding of this severity or worse remains' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, description: 'Report errors only' })
        .option('baseline', { type: 'string', description: `Ignore findings recorded in this file (default with --write-baseline: ${DEFAULT_BASELINE})` })
        .option('write-baseline', { type: 'boolean', default: false, description: 'Record the current findings as the baseline and exit 0' })
        .option('family', { choices: ['ipv4', 'ipv6'] as const, description: 'Address family, when the header does not say' })
        .option('table', { choices: ['filter', 'nat', 'mangle', 'raw', 'security'] as const, description: 'Table of an `iptables -S` listing without `# table:` lines' })
        .option('color', { type: 'boolean', description: 'Colour the stylish output (default: when writing to a terminal and NO_COLOR is unset)' })
        .option('policy', { type: 'string', description: `Policy file (YAML or JSON, docs/policy.md); default: the first of ${POLICY_FILE_NAMES.join(', ')} in the current directory` })
        .example('$0 lint /var/backups/iptables.v4', 'Lint a saved dump')
        .example('sudo $0 lint --live', 'Lint the rules the kernel holds now, IPv4 and IPv6')
        .example('iptables-save | $0 lint - --format json', 'Lint saved rules from standard input, as JSON')
        .example('$0 lint --write-baseline rules.v4 && $0 lint --baseline .ipt-lint-baseline.json rules.v4', 'Adopt on an existing firewall: fail only on new findings') as never,
    handler: (args) => {
      if (args.files.length === 0 && !args.live) throw new UsageError('give the dump files to lint (- reads standard input), or --live to lint the rules the kernel holds now');
      let policy: Policy | null;
      try {
        policy = readPolicy(args.policy);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        // Not a usage problem, so no pointer to --help: the lines say what to fix in the file.
        process.stderr.write(`ipt-lint: ${error.message}\n`);
        setExitCode(EXIT.trouble);
        return;
      }
      const overrides = severityOverrides(policy?.severity, findingKinds());
      const files = args.files.map((file) => (file === STDIN_ARGUMENT ? '-' : file));
      const progress = progressFor(process.stderr, { enabled: args.progress });
      const options: LintFileOptions = { rules: builtinRules(), policy, overrides, family: args.family, table: args.table, progress };
      let results: LintFileResult[];
      try {
        results = [...(args.live ? lintLive(options) : []), ...files.map((file) => lintFile(file, options))];
      } finally {
        progress.finish();
      }
      const suppressed = results.reduce((sum, result) => sum + result.suppressed, 0);

      if (args['write-baseline']) {
        const target = args.baseline ?? DEFAULT_BASELINE;
        const baseline = createBaseline(results.flatMap((result) => result.findings));
        try {
          writeFileSync(target, JSON.stringify(baseline, null, 2) + '\n');
        } catch (error) {
          throw new TroubleError(`cannot write the baseline to ${target}: ${(error as Error).message}`);
        }
        process.stderr.write(`ipt-lint: wrote ${baseline.findings.length} baseline entr${baseline.findings.length === 1 ? 'y' : 'ies'} to ${target}\n`);
        setExitCode(results.every((result) => result.readable) ? EXIT.ok : EXIT.trouble);
        return;
      }

      let baselined = 0;
      let reported: LintFileResult[] = results;
      if (args.baseline !== undefined) {
        const baseline = readBaseline(args.baseline);
        reported = results.map((result) => {
          const { kept, baselined: dropped } = applyBaseline(result.findings, baseline);
          baselined += dropped;
          return { ...result, findings: kept };
        });
      }
      if (args.quiet) reported = reported.map((result) => ({ ...result, findings: result.findings.filter((f) => f.severity === 'error') }));

      const color = args.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
      process.stdout.write(format(args.format, reported, { suppressed, baselined, color }));

      const threshold = SEVERITY_RANK[args['fail-on']];
      const failing = reported.some((result) => result.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold));
      const unreadable = results.some((result) => !result.readable);
      setExitCode(unreadable ? EXIT.trouble : failing ? EXIT.findings : EXIT.ok);
    },
  };
}

/** Each family's live rules, as a file named after the program that printed them. */
function lintLive(options: LintFileOptions): LintFileResult[] {
  // Loaded only here, as each output format is below: a lint of a file starts faster without them.
  const { captureLive, LiveCaptureError } = require('../live/iptables') as typeof import('../live/iptables');
  let capture: ReturnType<typeof captureLive>;
  try {
    capture = captureLive();
  } catch (error) {
    if (error instanceof LiveCaptureError) throw new TroubleError(error.message);
    throw error;
  }
  for (const note of capture.notes) process.stderr.write(`ipt-lint: ${note}\n`);
  return capture.rules.map((rules) => lintParsed(parseDump(rules.text, { file: rules.program, family: rules.family, onProgress: options.progress?.track(`reading ${rules.program}`) }), options));
}

function format(kind: LintArgs['format'], results: LintFileResult[], options: { suppressed: number; baselined: number; color: boolean }): string {
  const context = () => ({ toolVersion: packageVersion(), rules: ruleDescriptors(builtinRules()) });
  switch (kind) {
    case 'json':
      return (require('../output/json') as typeof import('../output/json')).formatJson(results, options);
    case 'sarif':
      return (require('../output/sarif') as typeof import('../output/sarif')).formatSarif(results, context());
    case 'junit':
      return (require('../output/junit') as typeof import('../output/junit')).formatJunit(results, context());
    case 'github':
      return (require('../output/github') as typeof import('../output/github')).formatGithub(results, context());
    case 'stylish':
      return (require('../output/stylish') as typeof import('../output/stylish')).formatStylish(results, { color: options.color });
  }
}

/** The policy named by --policy, else the one found in the current directory, else none. */
function readPolicy(file: string | undefined): Policy | null {
  const found = file ?? discoverPolicy(process.cwd());
  if (found === null) return null;
  const shown = file ?? relative(process.cwd(), found);
  return loadPolicy(shown, { findingKinds: findingKinds() });
}

function readBaseline(file: string): Baseline {
  if (!existsSync(file)) throw new UsageError(`baseline file ${file} does not exist; create it with --write-baseline`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`baseline file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const problem = baselineProblem(parsed);
  if (problem !== null) throw new UsageError(`baseline file ${file} is not an ipt-lint baseline: ${problem}`);
  return parsed as Baseline;
}
