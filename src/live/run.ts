import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ProgramResult {
  /** Null when the program was not found or was killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** The program could not be started at all (ENOENT, EACCES). */
  notStarted?: string;
}

// iptables lives in sbin, which a non-root PATH often lacks; looking there too lets the permission message be the one shown.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The full path of a program on PATH or in the sbin directories, or null. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter), ...SBIN_DIRS].filter((dir) => dir !== '');
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

export function runProgram(path: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ProgramResult {
  const result = spawnSync(path, args, { encoding: 'utf8', env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error !== undefined && result.status === null) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === 'ETIMEDOUT' ? `did not finish within ${(options.timeoutMs ?? 60_000) / 1000} s` : result.error.message;
    return { status: null, stdout: result.stdout ?? '', stderr: result.stderr ?? '', notStarted: why };
  }
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
