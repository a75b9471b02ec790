import { writeFileSync } from 'node:fs';
import { readJson, shownName } from './read-json';
import type { CommandModule } from 'yargs';
import { DockerInspectError, policyFromDocker, type DockerPolicyImport } from '../policy/from-docker';
import { EXIT, STDIN_ARGUMENT, UsageError } from './exit-codes';

interface FromDockerArgs {
  networks: string;
  containers?: string;
  output?: string;
  format?: 'yaml' | 'json';
}

export function policyCommand(setExitCode: (code: number) => void): CommandModule<object, object> {
  return {
    command: 'policy <command>',
    describe: 'Write policy files',
    builder: (yargs) =>
      yargs
        .command(fromDockerCommand(setExitCode))
        .example('$0 policy from-docker -n networks.json -c containers.json -o docker-policy.yaml', 'A policy from what Docker reports')
        .demandCommand(1, 'Give a policy command, for example: ipt-lint policy from-docker --networks networks.json') as never,
    handler: () => {},
  };
}

function fromDockerCommand(setExitCode: (code: number) => void): CommandModule<object, FromDockerArgs> {
  return {
    command: 'from-docker',
    describe: "Write a Docker policy from what Docker reports about its networks and containers",
    builder: (yargs) =>
      yargs
        .option('networks', { alias: 'n', type: 'string', demandOption: true, description: 'Output of `docker network inspect $(docker network ls -q)`; - reads standard input' })
        .option('containers', { alias: 'c', type: 'string', description: 'Output of `docker inspect $(docker ps -q)`, for the published ports' })
        .option('output', { alias: 'o', type: 'string', description: 'Write the policy to this file instead of standard output' })
        .option('format', { alias: 'f', choices: ['yaml', 'json'] as const, description: 'Policy file format (default: json when --output ends in .json, else yaml)' })
        .example('docker network inspect $(docker network ls -q) > networks.json', '')
        .example('docker inspect $(docker ps -q) > containers.json', '')
        .example('$0 policy from-docker --networks networks.json --containers containers.json -o docker-policy.yaml', 'A policy describing this host') as never,
    handler: (args) => {
      if (args.networks === STDIN_ARGUMENT && args.containers === STDIN_ARGUMENT) throw new UsageError('--networks and --containers cannot both read standard input');
      const networks = readJson(args.networks, '--networks', 'docker network inspect');
      const containers = args.containers === undefined ? undefined : readJson(args.containers, '--containers', 'docker inspect');
      let result: DockerPolicyImport;
      try {
        result = policyFromDocker(networks, containers, { networks: shownName(args.networks), containers: args.containers === undefined ? undefined : shownName(args.containers) });
      } catch (error) {
        if (error instanceof DockerInspectError) throw new UsageError(`cannot make a policy from this input:\n  ${error.problems.join('\n  ')}`);
        throw error;
      }

      const format = args.format ?? (args.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
      const text = format === 'json' ? JSON.stringify(result.policy, null, 2) + '\n' : yamlHeader(args, result.warnings) + (require('yaml') as typeof import('yaml')).stringify(result.policy);
      for (const warning of result.warnings) process.stderr.write(`ipt-lint: warning: ${warning}\n`);
      if (args.output === undefined) {
        process.stdout.write(text);
      } else {
        try {
          writeFileSync(args.output, text);
        } catch (error) {
          throw new UsageError(`cannot write ${args.output}: ${(error as Error).message}`);
        }
        const docker = result.policy.docker!;
        process.stderr.write(`ipt-lint: wrote a policy with ${count(docker.networks.length, 'network')} and ${count(docker.published?.length ?? 0, 'published port')} to ${args.output}\n`);
      }
      setExitCode(EXIT.ok);
    },
  };
}

/** Says where the policy came from and what it leaves out, since a generated file is easily mistaken for a reviewed one. */
function yamlHeader(args: FromDockerArgs, warnings: string[]): string {
  const lines = [
    'Docker policy for ipt-lint, written by `ipt-lint policy from-docker`',
    `from \`docker network inspect\` output in ${shownName(args.networks)}` +
      (args.containers === undefined ? ' (no container output, so published ports are not listed).' : ` and \`docker inspect\` output in ${shownName(args.containers)}.`),
    'It records what Docker reported, not what it should be: review it before checking against it.',
    ...(warnings.length > 0 ? ['', 'Notes:', ...warnings.map((warning) => `- ${warning}`)] : []),
  ];
  return lines.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
