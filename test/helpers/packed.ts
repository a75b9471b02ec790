import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './real-system';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program and returns what it printed; `error` (a program that would not start) joins stderr. */
export function runProgram(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}): Run {
  const result: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? `${result.error.message}\n` : '') };
}

export function npmStatus(): { ok: true } | { ok: false; reason: string } {
  return findExecutable('npm') === null ? { ok: false, reason: 'npm is not on PATH' } : { ok: true };
}

// npm reads these from the environment when a test runs under `npm test`; they would redirect the install.
const NPM_ENV_OVERRIDES = ['npm_config_prefix', 'npm_config_global', 'npm_config_local_prefix', 'npm_config_dry_run', 'npm_config_ignore_scripts'];

export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
  for (const key of NPM_ENV_OVERRIDES) delete env[key];
  return env;
}

/** The package as npm would publish it, installed globally under a private prefix: `<prefix>/bin/ipt-lint`. */
export interface PackedInstall {
  dir: string;
  tarball: string;
  prefix: string;
  bin: string;
  /** Where `require('ipt-lint')` finds the installed package (for NODE_PATH). */
  nodeModules: string;
  cleanup(): void;
}

/**
 * Packs the built tree (`npm run build` must have run: the pack skips `prepare`
 * so that it never rebuilds dist/ under other tests) and installs the tarball
 * with `npm install -g --prefix`. Dependencies come from npm's cache when it has
 * them, else from the registry.
 */
export function packAndInstall(): PackedInstall {
  const dir = mkdtempSync(join(tmpdir(), 'ipt-lint-pack-'));
  try {
    const pack = runProgram('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, env: npmEnv() });
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    const tarball = join(dir, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
    const prefix = join(dir, 'prefix');
    const install = runProgram('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', tarball], { cwd: dir, env: npmEnv() });
    if (install.status !== 0) throw new Error(`npm install -g failed: ${install.stderr}`);
    return { dir, tarball, prefix, bin: join(prefix, 'bin', 'ipt-lint'), nodeModules: join(prefix, 'lib', 'node_modules'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** `describe`, or a skip with a one-line reason when npm is missing. */
export function describeWithNpm(name: string, body: () => void): void {
  const status = npmStatus();
  if (status.ok) {
    describe(name, body);
    return;
  }
  console.warn(`skipped: ${name} needs npm (${status.reason})`);
  describe.skip(name, body);
}
