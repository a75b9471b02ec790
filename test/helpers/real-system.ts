/**
 * Helpers for tests that need the real thing: real iptables (nf_tables and
 * legacy backends, IPv4 and IPv6) and a real Docker daemon, each inside a
 * private network namespace that the test creates and always deletes.
 *
 * Follows ../shared/docs/real-iptables.md. Nothing here touches the host's own
 * network namespace: every iptables command runs under `ip netns exec <ns>`,
 * dockerd runs under `nsenter --net=/var/run/netns/<ns>`.
 *
 * On a machine without root, `ip`, iptables or dockerd, `describeReal` skips
 * with a one-line reason; with `IPT_LINT_REQUIRE_REAL=1` (CI) it fails instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type Need = 'iptables' | 'docker';
export type Backend = 'nft' | 'legacy';
export type IpFamily = 'ipv4' | 'ipv6';

export const BACKENDS: readonly Backend[] = ['nft', 'legacy'];
export const FAMILIES: readonly IpFamily[] = ['ipv4', 'ipv6'];

export interface ExecResult {
  /** Exit status; null when the process was killed by a signal or could not start. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Large enough for a kube-proxy-sized dump. */
const MAX_BUFFER = 512 * 1024 * 1024;
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

// Detection

/** Full path of an executable on PATH (plus the sbin directories a non-root PATH lacks), or null. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SBIN_DIRS].filter((dir) => dir !== '');
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The program names for one backend and family: `ip6tables-legacy-restore` … */
export function iptablesTool(backend: Backend, family: IpFamily, kind: 'restore' | 'save'): string {
  return `${family === 'ipv6' ? 'ip6tables' : 'iptables'}-${backend}-${kind}`;
}

export interface Availability {
  ok: boolean;
  /** One line: what is missing, or what is there. */
  reason: string;
}

const availabilityCache = new Map<string, Availability>();

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Root, `ip`, and a real check that a throwaway namespace can be created and deleted. */
function detectNamespaces(): string | null {
  if (!isRoot()) return 'not running as root';
  if (findExecutable('ip') === null) return 'ip (iproute2) not found';
  const name = `ipl-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) return `cannot create a network namespace: ${firstLine(add.stderr ?? String(add.error))}`;
  const del = spawnSync('ip', ['netns', 'del', name], { encoding: 'utf8' });
  if (del.status !== 0) return `cannot delete a network namespace: ${firstLine(del.stderr ?? String(del.error))}`;
  return null;
}

/** Every restore/save program, and a real restore of an empty filter table with each, in a throwaway namespace. */
function detectIptables(): string | null {
  const missing: string[] = [];
  for (const backend of BACKENDS)
    for (const family of FAMILIES)
      for (const kind of ['restore', 'save'] as const) {
        const tool = iptablesTool(backend, family, kind);
        if (findExecutable(tool) === null) missing.push(tool);
      }
  if (missing.length > 0) return `${missing.join(', ')} not found`;
  for (const backend of BACKENDS) {
    try {
      withNamespace((ns) => {
        for (const family of FAMILIES) {
          const result = ns.restore(backend, family, '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
          if (result.status !== 0) throw new Error(`${iptablesTool(backend, family, 'restore')} failed in a namespace: ${firstLine(result.stderr)}`);
        }
      }, 'ipl-probe');
    } catch (error) {
      return (error as Error).message;
    }
  }
  return null;
}

function detectDocker(): string | null {
  const missing = ['dockerd', 'docker', 'busybox', 'nsenter', 'tar', 'iptables-save', 'ip6tables-save'].filter((tool) => findExecutable(tool) === null);
  if (missing.length > 0) return `${missing.join(', ')} not found`;
  return null;
}

/** Whether everything `needs` asks for is here; the reason is one line, fit for a skip message. */
export function realSystemStatus(needs: readonly Need[]): Availability {
  const key = [...new Set(needs)].sort().join('+');
  const cached = availabilityCache.get(key);
  if (cached !== undefined) return cached;
  const docker = needs.includes('docker');
  const what = docker ? 'real-docker tests need root, iptables, dockerd and busybox' : 'real-iptables tests need root and iptables';
  const problem = detectNamespaces() ?? (needs.includes('iptables') || docker ? detectIptables() : null) ?? (docker ? detectDocker() : null);
  const result: Availability = problem === null ? { ok: true, reason: `${what}: all present` } : { ok: false, reason: `${what} (${problem})` };
  availabilityCache.set(key, result);
  return result;
}

const warned = new Set<string>();

/** CI sets `IPT_LINT_REQUIRE_REAL=1`: a missing need is then a failing test, never a skip. */
export function realSystemRequired(): boolean {
  return process.env.IPT_LINT_REQUIRE_REAL === '1';
}

/**
 * `describe` for tests that need the real system. When a need is missing it
 * skips with one `console.warn` line, or, under `IPT_LINT_REQUIRE_REAL=1`,
 * registers one failing test that carries the reason.
 */
export function describeReal(name: string, needs: readonly Need[], body: () => void): void {
  const status = realSystemStatus(needs);
  if (status.ok) {
    describe(name, body);
    return;
  }
  if (realSystemRequired()) {
    describe(name, () => {
      test('has the real system it needs (IPT_LINT_REQUIRE_REAL=1)', () => {
        throw new Error(`IPT_LINT_REQUIRE_REAL=1 but ${status.reason}`);
      });
    });
    return;
  }
  if (!warned.has(status.reason)) {
    warned.add(status.reason);
    console.warn(`skipped: ${status.reason}`);
  }
  describe.skip(name, body);
}

// Network namespaces

const liveNamespaces = new Set<NetNamespace>();
const liveDaemons = new Set<DockerInNamespace>();
let exitHookInstalled = false;

/** Last resort when a test process exits without its finally/afterAll having run: kill our daemons, delete our namespaces. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const daemon of liveDaemons) daemon.killNow();
    for (const ns of liveNamespaces) ns.delete();
  });
}

function run(cmd: string, args: readonly string[], input?: string | Buffer, env?: NodeJS.ProcessEnv): ExecResult {
  const result = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: MAX_BUFFER, env });
  return {
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '') + (result.error ? `${result.error.message}\n` : ''),
  };
}

function describeFailure(what: string, result: ExecResult): string {
  return `${what} failed (status ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`;
}

/** A private network namespace with loopback up; delete it with `delete()` (idempotent). */
export class NetNamespace {
  private deleted = false;

  private constructor(readonly name: string) {}

  /** Creates `<prefix>-<pid>-<random>` and brings its loopback up. */
  static create(prefix = 'ipl-test'): NetNamespace {
    const name = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
    const add = run('ip', ['netns', 'add', name]);
    if (add.status !== 0) throw new Error(describeFailure(`ip netns add ${name}`, add));
    const ns = new NetNamespace(name);
    installExitHook();
    liveNamespaces.add(ns);
    try {
      ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    } catch (error) {
      ns.delete();
      throw error;
    }
    return ns;
  }

  /** The namespace file, for `nsenter --net=`. */
  get path(): string {
    return `/var/run/netns/${this.name}`;
  }

  /** Runs `cmd args…` inside the namespace (`ip netns exec`), with `stdin` as its standard input. */
  exec(cmd: string, args: readonly string[] = [], stdin?: string | Buffer): ExecResult {
    if (this.deleted) throw new Error(`namespace ${this.name} is already deleted`);
    return run('ip', ['netns', 'exec', this.name, cmd, ...args], stdin);
  }

  /** Like `exec`, but throws unless the command exits 0; returns its standard output. */
  execOk(cmd: string, args: readonly string[] = [], stdin?: string | Buffer): string {
    const result = this.exec(cmd, args, stdin);
    if (result.status !== 0) throw new Error(describeFailure(`${cmd} ${args.join(' ')} in ${this.name}`, result));
    return result.stdout;
  }

  /** `iptables-<backend>-restore [flags] < text` for the family. Exit status 0 means the kernel took it. */
  restore(backend: Backend, family: IpFamily, text: string, flags: readonly string[] = []): ExecResult {
    return this.exec(iptablesTool(backend, family, 'restore'), flags, text);
  }

  /** `iptables-<backend>-save [flags]` for the family; throws if it fails. */
  save(backend: Backend, family: IpFamily, flags: readonly string[] = []): string {
    return this.execOk(iptablesTool(backend, family, 'save'), flags);
  }

  /** Restores `text` (throwing with iptables' message if it is refused) and returns what save prints. */
  roundTrip(backend: Backend, family: IpFamily, text: string, options: { counters?: boolean } = {}): string {
    const flags = options.counters === true ? ['--counters'] : [];
    const result = this.restore(backend, family, text, flags);
    if (result.status !== 0) throw new Error(describeFailure(iptablesTool(backend, family, 'restore'), result));
    return this.save(backend, family, flags);
  }

  delete(): void {
    if (this.deleted) return;
    this.deleted = true;
    liveNamespaces.delete(this);
    run('ip', ['netns', 'del', this.name]);
  }
}

/**
 * Runs `fn` with a fresh namespace and deletes the namespace afterwards, also
 * when `fn` throws or its promise rejects.
 */
export function withNamespace<T>(fn: (ns: NetNamespace) => Promise<T>, prefix?: string): Promise<T>;
export function withNamespace<T>(fn: (ns: NetNamespace) => T, prefix?: string): T;
export function withNamespace<T>(fn: (ns: NetNamespace) => T | Promise<T>, prefix = 'ipl-test'): T | Promise<T> {
  const ns = NetNamespace.create(prefix);
  let result: T | Promise<T>;
  try {
    result = fn(ns);
  } catch (error) {
    ns.delete();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => ns.delete());
  ns.delete();
  return result;
}

/** The saved text without its `#` lines (header, footer, warnings): what `printDump` prints. */
export function withoutHashLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

// A real dockerd in a namespace

export interface DockerDaemonOptions {
  /** `--experimental --ip6tables`, for dual-stack networks. */
  ipv6?: boolean;
  /** More dockerd flags, e.g. `--userland-proxy=false`. */
  extraArgs?: readonly string[];
  /** How long to wait for `docker info` to answer. Default 40 s. */
  startTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Host paths that dockerd 20.10 creates outside its --data-root/--exec-root
 * (there is no flag to move them). Those that did not exist before our daemon
 * started are removed after it stops, when empty (rmdir never removes a
 * directory still in use; key.json is a throwaway identity).
 */
function hostLeftoverCandidates(): string[] {
  const cgroupDirs: string[] = [];
  try {
    for (const entry of readdirSync('/sys/fs/cgroup', { withFileTypes: true })) {
      if (entry.isDirectory()) cgroupDirs.push(`/sys/fs/cgroup/${entry.name}/docker`);
    }
  } catch {
    // no cgroup v1 hierarchy
  }
  cgroupDirs.push('/sys/fs/cgroup/docker');
  return ['/etc/docker/key.json', '/etc/docker', '/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd', ...cgroupDirs];
}

/** Whether any dockerd process is alive (read from /proc; nothing is signalled). */
function otherDockerdRunning(): boolean {
  try {
    return readdirSync('/proc').some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'dockerd';
      } catch {
        return false;
      }
    });
  } catch {
    return true;
  }
}

/**
 * dockerd running in its own network namespace, with its own data root, exec
 * root, pid file and unix socket in a private temporary directory.
 *
 *     const docker = await DockerInNamespace.start({ ipv6: true });
 *     try { docker.buildMiniImage(); docker.dockerOk(['run', '-d', 'mini:1', '/bin/sleep', '100000']); docker.save('ipv4'); }
 *     finally { await docker.stop(); }
 */
export class DockerInNamespace {
  private stopped = false;
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly ns: NetNamespace,
    /** The private temporary directory (data root, exec root, pid file, socket, log). */
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly preexisting: ReadonlySet<string>,
  ) {
    this.exitPromise = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    }).then(() => {
      this.exited = true;
    });
  }

  get host(): string {
    return `unix://${this.dir}/docker.sock`;
  }

  get logFile(): string {
    return join(this.dir, 'dockerd.log');
  }

  /** Starts dockerd and waits until `docker info` answers; on failure cleans up and throws with the log's tail. */
  static async start(options: DockerDaemonOptions = {}): Promise<DockerInNamespace> {
    // Two daemons at once share containerd's and the plugins' host paths; test files take turns.
    await acquireDockerLock();
    try {
      return await DockerInNamespace.startLocked(options);
    } catch (error) {
      releaseDockerLock();
      throw error;
    }
  }

  private static async startLocked(options: DockerDaemonOptions): Promise<DockerInNamespace> {
    const preexisting = new Set(hostLeftoverCandidates().filter((path) => existsSync(path)));
    const dir = mkdtempSync(join(tmpdir(), 'ipl-docker-'));
    let ns: NetNamespace;
    try {
      for (const sub of ['root', 'exec', 'cli']) mkdirSync(join(dir, sub));
      ns = NetNamespace.create('ipl-docker');
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const args = [
      `--net=${ns.path}`,
      'dockerd',
      '--data-root', join(dir, 'root'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '-H', `unix://${dir}/docker.sock`,
      ...(options.ipv6 === true ? ['--experimental', '--ip6tables'] : []),
      ...(options.extraArgs ?? []),
    ];
    let child: ChildProcess;
    try {
      child = spawn('nsenter', args, { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    const daemon = new DockerInNamespace(ns, dir, child, preexisting);
    installExitHook();
    liveDaemons.add(daemon);
    const deadline = Date.now() + (options.startTimeoutMs ?? 40_000);
    for (;;) {
      if (daemon.exited) break;
      if (daemon.docker(['info']).status === 0) return daemon;
      if (Date.now() > deadline) break;
      await sleep(500);
    }
    const tail = daemon.logTail();
    const why = daemon.exited ? 'dockerd exited' : `docker info did not answer within ${(options.startTimeoutMs ?? 40_000) / 1000} s`;
    await daemon.stop();
    throw new Error(`${why}; last log lines:\n${tail}`);
  }

  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private cliEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: join(this.dir, 'cli') };
    delete env.DOCKER_HOST;
    delete env.DOCKER_CONTEXT;
    return env;
  }

  /** `docker -H <our socket> args…` */
  docker(args: readonly string[], stdin?: string | Buffer): ExecResult {
    return run('docker', ['-H', this.host, ...args], stdin, this.cliEnv());
  }

  /** Like `docker`, but throws unless it exits 0; returns standard output. */
  dockerOk(args: readonly string[], stdin?: string | Buffer): string {
    const result = this.docker(args, stdin);
    if (result.status !== 0) throw new Error(describeFailure(`docker ${args.join(' ')}`, result));
    return result.stdout;
  }

  /** Imports `tag` (default `mini:1`): a root file system holding only Debian's static busybox, `sh` and `sleep`. */
  buildMiniImage(tag = 'mini:1'): void {
    const busybox = findExecutable('busybox');
    if (busybox === null) throw new Error('busybox not found');
    const rootfs = join(this.dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'sleep']) {
      if (!existsSync(join(rootfs, 'bin', applet))) symlinkSync('busybox', join(rootfs, 'bin', applet));
    }
    const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: MAX_BUFFER });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr?.toString() ?? tar.error}`);
    this.dockerOk(['import', '-', tag], tar.stdout);
  }

  /** What `iptables-save` / `ip6tables-save` (the system's default backend, the one dockerd uses) print in the namespace. */
  save(family: IpFamily): string {
    return this.ns.execOk(family === 'ipv6' ? 'ip6tables-save' : 'iptables-save');
  }

  /** `docker network inspect` of every network, as JSON text. */
  inspectNetworks(): string {
    const ids = this.dockerOk(['network', 'ls', '-q']).split('\n').filter((id) => id !== '');
    return ids.length === 0 ? '[]\n' : this.dockerOk(['network', 'inspect', ...ids]);
  }

  /** `docker inspect` of every container, as JSON text. */
  inspectContainers(): string {
    const ids = this.dockerOk(['ps', '-aq']).split('\n').filter((id) => id !== '');
    return ids.length === 0 ? '[]\n' : this.dockerOk(['inspect', ...ids]);
  }

  private daemonPid(): number | null {
    try {
      const pid = Number.parseInt(readFileSync(join(this.dir, 'docker.pid'), 'utf8').trim(), 10);
      // nsenter execs dockerd, so the pid file names our child; anything else is not ours to signal.
      if (Number.isInteger(pid) && pid === this.child.pid) return pid;
    } catch {
      // no pid file yet
    }
    return this.child.pid ?? null;
  }

  /** Synchronous last resort (process exit): SIGKILL our dockerd and delete the namespace. */
  killNow(): void {
    if (!this.exited && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.ns.delete();
  }

  /**
   * Teardown, safe to call more than once: remove the containers, SIGTERM dockerd
   * by its pid and wait for it to exit (SIGKILL after 30 s), unmount anything
   * left under our directory, delete the namespace and the directory, and
   * remove host leftovers that did not exist before we started.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (!this.exited) {
        const ids = this.docker(['ps', '-aq']).stdout.split('\n').filter((id) => id !== '');
        if (ids.length > 0) this.docker(['rm', '-f', ...ids]);
        const pid = this.daemonPid();
        if (pid !== null) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // already gone
          }
          const deadline = Date.now() + 30_000;
          while (!this.exited && Date.now() < deadline) await sleep(100);
          if (!this.exited) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
            await this.exitPromise;
          }
        }
      }
    } finally {
      liveDaemons.delete(this);
      this.unmountUnder();
      this.ns.delete();
      rmSync(this.dir, { recursive: true, force: true });
      this.removeHostLeftovers();
      releaseDockerLock();
    }
  }

  private unmountUnder(): void {
    let mounts: string[] = [];
    try {
      mounts = readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[4] ?? '')
        .filter((point) => point.startsWith(this.dir + '/'));
    } catch {
      return;
    }
    for (const point of mounts.reverse()) run('umount', ['-l', point]);
  }

  private removeHostLeftovers(): void {
    // Another daemon (ours or anyone's) may still use these paths.
    if (liveDaemons.size > 0 || otherDockerdRunning()) return;
    for (const path of hostLeftoverCandidates()) {
      if (this.preexisting.has(path) || !existsSync(path)) continue;
      try {
        if (path.endsWith('.json')) unlinkSync(path);
        else rmdirSync(path);
      } catch {
        // not empty or in use: leave it
      }
    }
  }
}

/** Starts a daemon, runs `fn`, and always stops the daemon (containers, process, namespace, directory). */
/**
 * Starts a dockerd for a test file's `beforeAll`. When it cannot start, the reason (also printed
 * once as a skip) comes back instead, so the file's tests can pass over it; under
 * IPT_LINT_REQUIRE_REAL=1 the failure is thrown instead.
 */
export async function startDockerOrSkip(options: DockerDaemonOptions = {}): Promise<DockerInNamespace | string> {
  try {
    return await DockerInNamespace.start(options);
  } catch (error) {
    if (realSystemRequired()) throw error;
    const reason = `dockerd did not start: ${(error as Error).message.split('\n')[0]}`;
    console.warn(`skipped: ${reason}`);
    return reason;
  }
}

export async function withDocker<T>(options: DockerDaemonOptions, fn: (docker: DockerInNamespace) => Promise<T> | T): Promise<T> {
  const docker = await DockerInNamespace.start(options);
  try {
    return await fn(docker);
  } finally {
    await docker.stop();
  }
}

const DOCKER_LOCK = join(tmpdir(), 'ipl-docker.lock');
let dockerLockHeld = false;

/** A directory as a lock between test processes; a lock whose owner died is taken over. */
async function acquireDockerLock(timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(DOCKER_LOCK);
      writeFileSync(join(DOCKER_LOCK, 'pid'), String(process.pid));
      dockerLockHeld = true;
      return;
    } catch {
      if (!lockOwnerAlive()) {
        rmSync(DOCKER_LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another test process has held ${DOCKER_LOCK} for ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  }
}

function lockOwnerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(DOCKER_LOCK, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return true;
    // No pid file yet: the owner may be between mkdir and write, unless that was long ago.
    if (code === 'ENOENT') {
      try {
        return Date.now() - statSync(DOCKER_LOCK).mtimeMs < 10_000;
      } catch {
        return false;
      }
    }
    return false;
  }
}

function releaseDockerLock(): void {
  if (!dockerLockHeld) return;
  dockerLockHeld = false;
  rmSync(DOCKER_LOCK, { recursive: true, force: true });
}
