import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Family } from '../ast';
import { packageVersion } from '../package-root';
import { collectDocker } from './docker';
import { captureLive, type Backend } from './iptables';

export const SNAPSHOT_FILES = { ipv4: 'rules.v4', ipv6: 'rules.v6', networks: 'networks.json', containers: 'containers.json', manifest: 'manifest.json' } as const;

/** `manifest.json`: what the snapshot holds and how it was taken. */
export interface SnapshotManifest {
  tool: string;
  createdAt: string;
  hostname: string;
  rules: { file: string; family: Family; backend: Backend; program: string; rules: number }[];
  docker: { networks: string; containers: string; serverVersion: string; host: string; networkCount: number; containerCount: number } | null;
  /** Why there is no Docker state, when there is none. */
  dockerSkipped?: string;
  notes: string[];
}

export interface SnapshotOptions {
  /** Ask Docker too (default true). */
  docker?: boolean;
  /** The environment for the programs run: PATH, DOCKER_HOST. */
  env?: NodeJS.ProcessEnv;
}

export interface SnapshotResult {
  manifest: SnapshotManifest;
  /** Paths written, manifest last. */
  written: string[];
}

export class SnapshotError extends Error {}

/** Saves both families' live rules and, when a Docker daemon answers, its networks and containers into `dir`. */
export function takeSnapshot(dir: string, options: SnapshotOptions = {}): SnapshotResult {
  const env = options.env ?? process.env;
  const capture = captureLive({ env });
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    try {
      writeFileSync(path, text);
    } catch (error) {
      throw new SnapshotError(`cannot write ${path}: ${(error as Error).message}`);
    }
    return path;
  };
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new SnapshotError(`cannot create ${dir}: ${(error as Error).message}`);
  }

  const written: string[] = [];
  const manifest: SnapshotManifest = {
    tool: `ipt-lint ${packageVersion()}`,
    createdAt: new Date().toISOString(),
    hostname: hostname(),
    rules: [],
    docker: null,
    notes: capture.notes,
  };
  for (const rules of capture.rules) {
    const file = rules.family === 'ipv6' ? SNAPSHOT_FILES.ipv6 : SNAPSHOT_FILES.ipv4;
    written.push(write(file, rules.text));
    manifest.rules.push({ file, family: rules.family, backend: rules.backend, program: rules.program, rules: rules.ruleCount });
  }

  const docker = options.docker === false ? ({ ok: false, reason: 'not asked (--no-docker)' } as const) : collectDocker(env);
  if (docker.ok) {
    written.push(write(SNAPSHOT_FILES.networks, docker.state.networksJson), write(SNAPSHOT_FILES.containers, docker.state.containersJson));
    manifest.docker = {
      networks: SNAPSHOT_FILES.networks,
      containers: SNAPSHOT_FILES.containers,
      serverVersion: docker.state.serverVersion,
      host: docker.state.host,
      networkCount: docker.state.networks,
      containerCount: docker.state.containers,
    };
  } else {
    manifest.dockerSkipped = docker.reason;
  }
  written.push(write(SNAPSHOT_FILES.manifest, JSON.stringify(manifest, null, 2) + '\n'));
  return { manifest, written };
}

/**
 * `mkdir -p`, one level at a time: Node's own recursive mkdirSync never
 * returns for a path under /proc (it retries ENOENT forever).
 */
function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return;
      throw new Error('it exists and is not a directory');
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeDirectory(parent);
    mkdirSync(dir);
  }
}
