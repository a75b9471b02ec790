import type { CommandModule } from 'yargs';
import type { Family, Ruleset } from '../ast';
import { DIAGNOSTICS, formatDiagnostic } from '../diagnostics';
import { loadPolicy, PolicyError } from '../policy/load';
import type { Policy } from '../policy/types';
import { readDumpFile } from '../read-input';
import { tracePacket } from '../trace/evaluate';
import { formatTraceJson } from '../trace/format-json';
import { formatTraceText } from '../trace/format-text';
import { hostModel, parsePacket } from '../trace/packet-input';
import { builtinRules } from './builtin-rules';
import { EXIT, STDIN_ARGUMENT, UsageError } from './exit-codes';

interface TraceArgs {
  file: string;
  in?: string;
  out?: string;
  source: string;
  destination: string;
  protocol?: string;
  dport?: number;
  sport?: number;
  state?: string;
  'icmp-type'?: string;
  'local-address'?: string[];
  policy?: string;
  format: 'text' | 'json';
  color?: boolean;
}

export function traceCommand(setExitCode: (code: number) => void): CommandModule<object, TraceArgs> {
  return {
    command: 'trace <file>',
    describe: 'Follow one packet through the dump, like iptables -j TRACE but offline',
    builder: (yargs) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, description: 'Dump file (iptables-save output); - reads standard input' })
        .option('in', { type: 'string', description: 'Interface the packet arrives on; leave out for a packet the host itself sends' })
        .option('out', { type: 'string', description: 'Interface it leaves by (default: deduced from the policy\'s networks, else unknown)' })
        .option('source', { alias: 's', type: 'string', demandOption: true, description: 'Source address' })
        .option('destination', { alias: 'd', type: 'string', demandOption: true, description: 'Destination address' })
        .option('protocol', { alias: 'p', type: 'string', description: 'tcp, udp, icmp, sctp … (default: any)' })
        .option('dport', { type: 'number', description: 'Destination port (default: any)' })
        .option('sport', { type: 'number', description: 'Source port (default: any)' })
        .option('state', { type: 'string', description: 'Conntrack state: NEW (default), ESTABLISHED, RELATED, INVALID, UNTRACKED' })
        .option('icmp-type', { type: 'string', description: 'ICMP type, by name or number (echo-request, 8, 3/4)' })
        .option('local-address', { type: 'string', array: true, description: 'The host\'s own addresses (loopback is always one)' })
        .option('policy', { type: 'string', description: 'Policy file: its Docker networks tell which bridge a destination is behind' })
        .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, description: 'text: for people; json: docs/trace-json.md' })
        .option('color', { type: 'boolean', description: 'Colour the text output (default: when writing to a terminal and NO_COLOR is unset)' })
        .example('$0 trace rules.v4 --in eth0 -s 203.0.113.7 -d 192.0.2.10 -p tcp --dport 8080 --local-address 192.0.2.10 --policy .ipt-lint.yaml', 'Does a connection from the internet to published port 8080 get through, and where to?')
        .example('$0 trace rules.v4 --in docker0 -s 172.17.0.2 -d 172.18.0.3 -p tcp --dport 5432 --out br-1a2b3c4d5e6f', 'Can one container reach another on a different network?') as never,
    handler: (args) => {
      const file = args.file === STDIN_ARGUMENT ? '-' : args.file;
      const packet = parsePacket({
        in: args.in,
        out: args.out,
        source: args.source,
        destination: args.destination,
        protocol: args.protocol,
        sourcePort: args.sport,
        destinationPort: args.dport,
        state: args.state,
        icmpType: args['icmp-type'],
      });
      if (!packet.ok) throw new UsageError(packet.problem);
      const policy = readPolicyOrReport(args.policy, setExitCode);
      if (policy === undefined) return;
      const loaded = loadRuleset(file, packet.packet.family);
      if (loaded === null) {
        setExitCode(EXIT.trouble);
        return;
      }
      const host = hostModel(packet.packet.family, args['local-address'] ?? [], policy?.docker);
      if (typeof host === 'string') throw new UsageError(host);
      const result = tracePacket(loaded, packet.packet, host);
      const shown = file === '-' ? 'stdin' : file;
      const color = args.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
      process.stdout.write(args.format === 'json' ? formatTraceJson(result, loaded.family, shown) : formatTraceText(result, loaded.family, { file: shown, color }));
      setExitCode(EXIT.ok);
    },
  };
}

/** The policy, null without --policy, undefined after reporting a broken one. */
export function readPolicyOrReport(file: string | undefined, setExitCode: (code: number) => void): Policy | null | undefined {
  if (file === undefined) return null;
  try {
    return loadPolicy(file, { findingKinds: [...Object.values(DIAGNOSTICS), ...builtinRules().map((rule) => rule.meta)] });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    process.stderr.write(`ipt-lint: ${error.message}\n`);
    setExitCode(EXIT.trouble);
    return undefined;
  }
}

/**
 * The dump's ruleset of the family, or null after printing why there is none: an unreadable file,
 * parse errors (each with file:line), or no ruleset of that family.
 */
export function loadRuleset(file: string, family: Family): Ruleset | null {
  const { dump, diagnostics } = readDumpFile(file, { family: undefined });
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.length > 0) {
    for (const diagnostic of errors) process.stderr.write(formatDiagnostic(diagnostic) + '\n');
    process.stderr.write(`ipt-lint: ${file === '-' ? 'standard input' : file} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}; fix ${errors.length === 1 ? 'it' : 'them'} before tracing\n`);
    return null;
  }
  const ruleset = dump.rulesets.find((candidate) => candidate.family === family);
  if (ruleset === undefined) {
    process.stderr.write(`ipt-lint: ${file === '-' ? 'standard input' : file} has no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} rules to trace an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} packet through\n`);
    return null;
  }
  return ruleset;
}
