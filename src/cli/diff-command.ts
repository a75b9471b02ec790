import type { CommandModule } from 'yargs';
import type { Dump, Family, TableName } from '../ast';
import { formatDiagnostic } from '../diagnostics';
import { diffDumps } from '../diff/diff-dumps';
import { readDumpPair } from '../diff/parse-for-diff';
import type { DiffOptions, DumpDiff } from '../diff/types';
import { LineMemo } from '../parser/line-memo';
import { parseDump, type ParseResult } from '../parser/parse-dump';
import { readDumpFile } from '../read-input';
import { EXIT, STDIN_ARGUMENT, TroubleError, UsageError } from './exit-codes';
import { readJson, shownName } from './read-json';

interface DiffArgs {
  before: string;
  after?: string;
  live: boolean;
  format: 'text' | 'json' | 'restore';
  table?: TableName;
  chain?: string;
  'ignore-chain'?: string[];
  'ignore-comments': boolean;
  counters: boolean;
  'docker-names'?: string[];
  family?: Family;
  context: number;
  color?: boolean;
}

export function diffCommand(setExitCode: (code: number) => void): CommandModule<object, DiffArgs> {
  return {
    command: 'diff <before> [after]',
    describe: 'Report what changed between two dumps, by meaning',
    builder: (yargs) =>
      yargs
        .positional('before', { type: 'string', demandOption: true, description: 'The earlier dump; - reads standard input' })
        .positional('after', { type: 'string', description: 'The later dump; - reads standard input. Leave it out with --live' })
        .option('live', { type: 'boolean', default: false, description: 'Compare with the rules the kernel holds now (runs iptables-save / ip6tables-save for the families in <before>; needs root)' })
        .option('format', {
          alias: 'f',
          choices: ['text', 'json', 'restore'] as const,
          default: 'text' as const,
          description: 'text: a unified diff per chain; json: the changes (docs/diff-json.md); restore: an iptables-restore --noflush script from before to after',
        })
        .option('table', { choices: ['filter', 'nat', 'mangle', 'raw', 'security'] as const, description: 'Compare only this table' })
        .option('chain', { type: 'string', description: 'Compare only this chain' })
        .option('ignore-chain', { type: 'string', array: true, description: 'Leave out chains whose whole name matches this regular expression (repeatable), e.g. KUBE-SEP-.*' })
        .option('ignore-comments', { type: 'boolean', default: false, description: 'Disregard -m comment matches' })
        .option('counters', { type: 'boolean', default: false, description: 'Also report changed packet and byte counters' })
        .option('docker-names', {
          type: 'string',
          array: true,
          nargs: 2,
          description: 'BEFORE.json AFTER.json: `docker network inspect` output for each dump, so a network re-created under a new bridge name is not drift',
        })
        .option('family', { choices: ['ipv4', 'ipv6'] as const, description: 'Address family, when the headers do not say' })
        .option('context', { alias: 'U', type: 'number', default: 3, description: 'Unchanged rules shown around each change (text format)' })
        .option('color', { type: 'boolean', description: 'Colour the text output (default: when writing to a terminal and NO_COLOR is unset)' })
        .example('$0 diff before.v4 after.v4', 'What a deploy changed')
        .example("$0 diff before.v4 after.v4 --ignore-chain 'KUBE-SEP-.*' --format json", 'Changes as JSON, without kube-proxy endpoints')
        .example('$0 diff live.v4 wanted.v4 --format restore > patch && iptables-restore --noflush < patch', 'Make the live rules what a file says')
        .example('$0 diff a.v4 b.v4 --docker-names a-networks.json b-networks.json', 'Ignore Docker networks that were only re-created')
        .example('sudo $0 diff /var/backups/rules.v4 --live', 'What changed since the rules were saved') as never,
    handler: (args) => {
      const options = diffOptions(args);
      if (args.live === (args.after !== undefined)) throw new UsageError(args.live ? 'give either an after dump or --live, not both' : 'give the after dump, or --live to compare with the rules the kernel holds now');
      const beforeFile = args.before === STDIN_ARGUMENT ? '-' : args.before;
      const afterFile = args.after === STDIN_ARGUMENT ? '-' : args.after;
      if (beforeFile === '-' && afterFile === '-') throw new UsageError('only one of the two dumps can be standard input');
      let before: ParseResult;
      let after: ParseResult;
      if (afterFile === undefined) {
        const memo = new LineMemo();
        before = readDumpFile(beforeFile, { family: args.family, memo });
        after = readLive(before.dump, memo);
      } else {
        ({ before, after } = readDumpPair(beforeFile, afterFile, { family: args.family, counters: options.counters }));
      }
      for (const { diagnostics } of [before, after]) {
        for (const diagnostic of diagnostics) process.stderr.write(formatDiagnostic(diagnostic) + '\n');
      }
      const failed = [before, after].filter(({ diagnostics }) => diagnostics.some((d) => d.severity === 'error'));
      if (failed.length === 0 && after.dump.file === LIVE && before.dump.rulesets.length === 0) throw new UsageError(`${shownName(args.before)} holds no rules to compare the live ones with`);
      if (failed.length > 0) {
        const names = failed.map(({ dump }) => shownName(dump.file === '-' ? STDIN_ARGUMENT : dump.file)).join(' and ');
        process.stderr.write(`ipt-lint: not comparing: ${names} cannot be read as ${failed.length === 1 ? 'a dump' : 'dumps'} (errors above)\n`);
        setExitCode(EXIT.trouble);
        return;
      }

      const families = (result: typeof before) => new Set(result.dump.rulesets.filter((r) => r.tables.length > 0).map((r) => r.family));
      const [beforeFamilies, afterFamilies] = [families(before), families(after)];
      if (beforeFamilies.size > 0 && afterFamilies.size > 0 && ![...beforeFamilies].some((family) => afterFamilies.has(family))) {
        process.stderr.write(`ipt-lint: warning: ${shownName(args.before)} holds ${[...beforeFamilies].join(' and ')} rules and ${after.dump.file} ${[...afterFamilies].join(' and ')} rules; every rule will show as changed. Compare dumps of the same family (or give --family for files without a header)\n`);
      }
      const diff = diffDumps(before.dump, after.dump, options);
      const color = args.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
      process.stdout.write(formatted(diff, args.format, { color, context: Math.max(0, Math.floor(args.context)) }));
      setExitCode(diff.changes.length > 0 ? EXIT.findings : EXIT.ok);
    },
  };
}

const LIVE = 'live rules';

/*
 * What only some runs need is loaded when they need it: a plain diff starts noticeably faster
 * without the live capture, the Docker reader and the two formats it does not write.
 */
type LiveModule = typeof import('../live/iptables');
type DockerModule = typeof import('../policy/from-docker');

function formatted(diff: DumpDiff, format: DiffArgs['format'], text: { color: boolean; context: number }): string {
  switch (format) {
    case 'json':
      return (require('../output/diff-json') as typeof import('../output/diff-json')).formatDiffJson(diff);
    case 'restore':
      return (require('../diff/restore-patch') as typeof import('../diff/restore-patch')).restorePatch(diff);
    default:
      return (require('../output/diff-text') as typeof import('../output/diff-text')).formatDiffText(diff, text);
  }
}

/** The kernel's rules now, for the families `before` holds, read with whichever backend holds them. */
function readLive(before: Dump, memo: LineMemo): ParseResult {
  const families = [...new Set(before.rulesets.map((ruleset) => ruleset.family))];
  const { captureLive, LiveCaptureError } = require('../live/iptables') as LiveModule;
  let capture: ReturnType<typeof captureLive>;
  try {
    capture = captureLive({ families: families.length > 0 ? families : undefined });
  } catch (error) {
    if (error instanceof LiveCaptureError) throw new TroubleError(error.message);
    throw error;
  }
  for (const note of capture.notes) process.stderr.write(`ipt-lint: ${note}\n`);
  // Each program's output starts with its own `# Generated by` header, which tells the parser the family.
  return parseDump(capture.rules.map((rules) => rules.text).join(''), { file: LIVE, memo });
}

function diffOptions(args: DiffArgs): DiffOptions {
  const options: DiffOptions = { table: args.table, chain: args.chain, ignoreComments: args['ignore-comments'], counters: args.counters };
  const ignored = args['ignore-chain'] ?? [];
  if (ignored.length > 0) {
    const sources = ignored.map((source) => {
      try {
        new RegExp(source);
      } catch (error) {
        throw new UsageError(`--ignore-chain ${source}: not a regular expression (${(error as Error).message})`);
      }
      return `(?:${source})`;
    });
    options.ignoreChain = new RegExp(`^(?:${sources.join('|')})$`);
  }
  const dockerNames = args['docker-names'];
  if (dockerNames !== undefined) {
    if (dockerNames.length !== 2) throw new UsageError('--docker-names takes two files: the `docker network inspect` output for the before and the after dump');
    const { DockerInspectError, dockerBridgeNames } = require('../policy/from-docker') as DockerModule;
    const [before, after] = dockerNames.map((file) => {
      const input = readJson(file, '--docker-names', 'docker network inspect');
      try {
        return prefixed(dockerBridgeNames(input, shownName(file)));
      } catch (error) {
        if (error instanceof DockerInspectError) throw new UsageError(`--docker-names: ${error.problems.join('\n  ')}`);
        throw error;
      }
    });
    options.interfaceAliases = { before, after };
  }
  return options;
}

/** Stands a bridge in for its network under a name no interface can have (interface names have no spaces). */
function prefixed(names: Map<string, string>): Map<string, string> {
  return new Map([...names].map(([bridge, network]) => [bridge, `docker network ${network}`]));
}
