import type { CommandModule } from 'yargs';
import { LiveCaptureError } from '../live/iptables';
import { SnapshotError, takeSnapshot, type SnapshotResult } from '../live/snapshot';
import { EXIT, TroubleError } from './exit-codes';

interface SnapshotArgs {
  dir: string;
  docker: boolean;
  'docker-host'?: string;
}

export function snapshotCommand(setExitCode: (code: number) => void): CommandModule<object, SnapshotArgs> {
  return {
    command: 'snapshot <dir>',
    describe: "Save the live IPv4 and IPv6 rules, and Docker's networks and containers, into a directory",
    builder: (yargs) =>
      yargs
        .positional('dir', { type: 'string', demandOption: true, description: 'Directory to write rules.v4, rules.v6, networks.json, containers.json and manifest.json into (created if missing)' })
        .option('docker', { type: 'boolean', default: true, description: 'Ask the Docker daemon for its networks and containers (--no-docker: do not)' })
        .option('docker-host', { type: 'string', description: 'Docker daemon socket, as DOCKER_HOST (unix:///run/docker.sock, tcp://host:2375)' })
        .example('sudo $0 snapshot /tmp/fw', 'Save this host\'s rules and Docker state')
        .example('$0 policy from-docker -n /tmp/fw/networks.json -c /tmp/fw/containers.json -o fw.yaml && $0 lint --policy fw.yaml /tmp/fw/rules.v4 /tmp/fw/rules.v6', 'Then check the rules against what Docker says') as never,
    handler: (args) => {
      const env = args['docker-host'] === undefined ? process.env : { ...process.env, DOCKER_HOST: args['docker-host'] };
      let result: SnapshotResult;
      try {
        result = takeSnapshot(args.dir, { docker: args.docker, env });
      } catch (error) {
        if (error instanceof LiveCaptureError || error instanceof SnapshotError) throw new TroubleError(error.message);
        throw error;
      }
      for (const note of result.manifest.notes) process.stderr.write(`ipt-lint: ${note}\n`);
      const { manifest } = result;
      if (manifest.docker === null) process.stderr.write(`ipt-lint: no Docker state saved: ${manifest.dockerSkipped}\n`);
      else process.stderr.write(`ipt-lint: Docker ${manifest.docker.serverVersion}: ${manifest.docker.networkCount} networks, ${manifest.docker.containerCount} containers\n`);
      process.stderr.write(`ipt-lint: wrote ${result.written.join(', ')}\n`);
      setExitCode(EXIT.ok);
    },
  };
}
