import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { findExecutable, realSystemRequired } from './real-system';

/** Debian's chromium, or whatever CHROMIUM names. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM !== undefined) return process.env.CHROMIUM;
  return findExecutable('chromium') ?? findExecutable('chromium-browser');
}

/** `describe` for browser tests: skips with one line when chromium is missing, fails instead under IPT_LINT_REQUIRE_REAL=1. */
export function describeWithChromium(name: string, body: () => void): void {
  if (findChromium() !== null) {
    describe(name, body);
    return;
  }
  if (realSystemRequired()) {
    describe(name, () => {
      test('has chromium (IPT_LINT_REQUIRE_REAL=1)', () => {
        throw new Error('IPT_LINT_REQUIRE_REAL=1 but chromium is not installed (apt-get install chromium)');
      });
    });
    return;
  }
  console.warn(`skipped: ${name} needs chromium (apt-get install chromium)`);
  describe.skip(name, body);
}

export interface PageReport {
  /** Uncaught exceptions, console.error/warn calls and error log entries (failed loads, CSP, parse errors). */
  errors: string[];
  /** Every URL the page asked for besides itself. */
  requests: string[];
  /** What `expression` evaluated to in the loaded page. */
  value: unknown;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Headless chromium driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-separated JSON), which
 * needs no WebSocket client and opens no port.
 */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners: ((message: CdpMessage) => void)[] = [];
  private buffer = '';
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
        const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.once('exit', () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static launch(): HeadlessChromium {
    const binary = findChromium();
    if (binary === null) throw new Error('chromium is not installed');
    const profile = mkdtempSync(join(tmpdir(), 'ipt-lint-chromium-'));
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    return new HeadlessChromium(child, profile);
  }

  private dispatch(message: CdpMessage): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }

  private send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error('chromium exited'));
    const id = this.nextId++;
    const promise = new Promise<Record<string, unknown>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (this.child.stdio[3] as Writable).write(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }) + '\0');
    return promise;
  }

  /** Opens `url` in a new tab, waits for its load event, then evaluates `expression` there. */
  async open(url: string, expression: string, timeoutMs = 30_000): Promise<PageReport> {
    const errors: string[] = [];
    const requests: string[] = [];
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    let loaded!: () => void;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    const listener = (message: CdpMessage) => {
      if (message.sessionId !== sessionId) return;
      const params = message.params ?? {};
      switch (message.method) {
        case 'Page.loadEventFired':
          loaded();
          break;
        case 'Runtime.exceptionThrown':
          errors.push(`exception: ${JSON.stringify((params.exceptionDetails as { text?: string; exception?: { description?: string } })?.exception?.description ?? params.exceptionDetails)}`);
          break;
        case 'Runtime.consoleAPICalled':
          if (params.type === 'error' || params.type === 'warning' || params.type === 'assert') errors.push(`console.${String(params.type)}: ${JSON.stringify(params.args)}`);
          break;
        case 'Log.entryAdded': {
          const entry = params.entry as { level: string; text: string; url?: string };
          if (entry.level === 'error' || entry.level === 'warning') errors.push(`log ${entry.level}: ${entry.text} ${entry.url ?? ''}`.trim());
          break;
        }
        case 'Network.requestWillBeSent': {
          const requested = (params.request as { url: string }).url;
          if (requested !== url) requests.push(requested);
          break;
        }
      }
    };
    this.listeners.push(listener);
    try {
      for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await this.send(`${domain}.enable`, {}, sessionId);
      await this.send('Page.navigate', { url }, sessionId);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([load, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${url} did not load within ${timeoutMs / 1000} s`)), timeoutMs)))]).finally(() => clearTimeout(timer));
      const evaluated = (await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as { result: { value: unknown }; exceptionDetails?: unknown };
      if (evaluated.exceptionDetails !== undefined) throw new Error(`the check script failed: ${JSON.stringify(evaluated.exceptionDetails)}`);
      return { errors, requests, value: evaluated.result.value };
    } finally {
      this.listeners.splice(this.listeners.indexOf(listener), 1);
      await this.send('Target.closeTarget', { targetId }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (!this.exited) {
      const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      await this.send('Browser.close').catch(() => undefined);
      const timer = setTimeout(() => this.child.pid !== undefined && !this.exited && this.child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
