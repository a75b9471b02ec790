import { findProgram, firstLine, runProgram } from './run';

/** What `policy from-docker` reads, as the docker CLI printed it. */
export interface DockerState {
  /** `docker network inspect $(docker network ls -q)`. */
  networksJson: string;
  /** `docker inspect $(docker ps -aq)`. */
  containersJson: string;
  networks: number;
  containers: number;
  serverVersion: string;
  /** DOCKER_HOST, or the CLI's default when unset. */
  host: string;
}

export type DockerCollection = { ok: true; state: DockerState } | { ok: false; reason: string };

const TIMEOUT_MS = 30_000;

/**
 * Asks the Docker daemon (the one DOCKER_HOST names, else the CLI's default)
 * about its networks and containers. A missing CLI or a daemon that does not
 * answer is not an error: many firewalls have no Docker.
 */
export function collectDocker(env: NodeJS.ProcessEnv = process.env): DockerCollection {
  const docker = findProgram('docker', env);
  if (docker === null) return { ok: false, reason: 'the docker command is not installed' };
  const run = (args: string[]) => runProgram(docker, args, { env, timeoutMs: TIMEOUT_MS });
  const failure = (what: string, result: ReturnType<typeof run>) => `\`docker ${what}\` failed: ${result.notStarted ?? (firstLine(result.stderr) || `exit status ${result.status}`)}`;

  const version = run(['version', '--format', '{{.Server.Version}}']);
  if (version.status !== 0) return { ok: false, reason: `the Docker daemon did not answer (${result(version)})` };

  const networkIds = run(['network', 'ls', '-q']);
  if (networkIds.status !== 0) return { ok: false, reason: failure('network ls -q', networkIds) };
  const networks = ids(networkIds.stdout);
  const networksJson = networks.length === 0 ? { status: 0, stdout: '[]\n', stderr: '' } : run(['network', 'inspect', ...networks]);
  if (networksJson.status !== 0) return { ok: false, reason: failure('network inspect', networksJson) };

  const containerIds = run(['ps', '-aq']);
  if (containerIds.status !== 0) return { ok: false, reason: failure('ps -aq', containerIds) };
  const containers = ids(containerIds.stdout);
  const containersJson = containers.length === 0 ? { status: 0, stdout: '[]\n', stderr: '' } : run(['inspect', ...containers]);
  if (containersJson.status !== 0) return { ok: false, reason: failure('inspect', containersJson) };

  return {
    ok: true,
    state: {
      networksJson: networksJson.stdout,
      containersJson: containersJson.stdout,
      networks: networks.length,
      containers: containers.length,
      serverVersion: version.stdout.trim(),
      host: env.DOCKER_HOST ?? 'default',
    },
  };
}

function result(run: { notStarted?: string; stderr: string; status: number | null }): string {
  return run.notStarted ?? (firstLine(run.stderr) || `exit status ${run.status}`);
}

function ids(text: string): string[] {
  return text.split('\n').map((id) => id.trim()).filter((id) => id !== '');
}
