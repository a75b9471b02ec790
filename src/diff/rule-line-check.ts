import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../ast';
import { checkRuleLines, type RuleLineStretch } from '../parser/check-lines';

const WORKER_FILE = join(__dirname, 'check-worker.js');
/** Below this much text the lines are checked in-process: a worker thread takes tens of milliseconds to start. */
const MIN_TEXT_FOR_WORKER = 2 * 1024 * 1024;
/** With no sign of progress from the worker for this long, the lines are checked in-process after all. */
const STALL_MS = 10_000;

/** The worker's side of the shared signal: DONE turns 1 once it has posted its answer; PROGRESS counts up while it works. */
export const DONE = 0;
export const PROGRESS = 1;

export interface CheckWorkerData {
  text: string;
  file: string;
  signal: SharedArrayBuffer;
  port: MessagePort;
}

/** What the worker posts back. */
export type CheckWorkerAnswer = { diagnostics: Diagnostic[] } | { error: string };

/** Per stretch: first line, line count, start in the text, and 1 for IPv6. */
const FIELDS = 4;

export function packStretches(stretches: readonly RuleLineStretch[]): Int32Array<ArrayBuffer> {
  const packed = new Int32Array(stretches.length * FIELDS);
  stretches.forEach(({ firstLine, lineCount, start, family }, index) => packed.set([firstLine, lineCount, start, family === 'ipv6' ? 1 : 0], index * FIELDS));
  return packed;
}

export function unpackStretches(packed: Int32Array): RuleLineStretch[] {
  const stretches: RuleLineStretch[] = [];
  for (let at = 0; at < packed.length; at += FIELDS) stretches.push({ firstLine: packed[at], lineCount: packed[at + 1], start: packed[at + 2], family: packed[at + 3] === 1 ? 'ipv6' : 'ipv4' });
  return stretches;
}

/**
 * The check of a text's rule lines (see `checkRuleLines`), on a worker thread when the text is
 * large: the worker starts while the caller scans, checks while the caller parses the rest, and
 * its diagnostics are waited for synchronously. Any trouble with the worker (it cannot start,
 * fails, or stalls) costs time, never a result: the lines are then checked in-process.
 */
export class RuleLineCheck {
  private stretches: readonly RuleLineStretch[] = [];

  private constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly worker: { thread: Worker; port: MessagePort; signal: Int32Array } | null,
  ) {}

  static start(text: string, file: string): RuleLineCheck {
    return new RuleLineCheck(text, file, text.length >= MIN_TEXT_FOR_WORKER && workerWanted() ? startWorker(text, file) : null);
  }

  /** Whether the lines are checked on a worker thread. */
  get aside(): boolean {
    return this.worker !== null;
  }

  /** Hands over the lines to check. */
  run(stretches: readonly RuleLineStretch[]): void {
    this.stretches = stretches;
    if (this.worker === null) return;
    const packed = packStretches(stretches);
    this.worker.port.postMessage(packed, [packed.buffer]);
  }

  /** The diagnostics of the lines, sorted by line. */
  diagnostics(): Diagnostic[] {
    const answer = this.worker === null ? null : this.waitForWorker();
    const diagnostics = answer ?? checkRuleLines(this.text, this.file, this.stretches);
    return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** Stops the worker when the check is not needed after all. */
  cancel(): void {
    this.stop();
  }

  private waitForWorker(): Diagnostic[] | null {
    const { port, signal } = this.worker!;
    let progress = Atomics.load(signal, PROGRESS);
    while (Atomics.load(signal, DONE) === 0) {
      if (Atomics.wait(signal, DONE, 0, STALL_MS) !== 'timed-out') continue;
      const now = Atomics.load(signal, PROGRESS);
      if (now === progress) {
        this.stop();
        return null;
      }
      progress = now;
    }
    const answer = receiveMessageOnPort(port)?.message as CheckWorkerAnswer | undefined;
    this.stop();
    return answer !== undefined && 'diagnostics' in answer ? answer.diagnostics : null;
  }

  private stop(): void {
    if (this.worker === null) return;
    this.worker.port.close();
    void this.worker.thread.terminate();
  }
}

/**
 * `IPT_LINT_WORKER=1` or `0` decides; otherwise a worker is used where there are more than two
 * CPUs. On two, V8's own garbage-collector threads already keep the second one busy: measured on
 * such a machine, the worker made the best of ten runs of a 100k-rule diff 10% faster and their
 * median 16% slower.
 */
function workerWanted(): boolean {
  const wanted = process.env.IPT_LINT_WORKER;
  return wanted === '1' || (wanted !== '0' && availableParallelism() > 2);
}

function startWorker(text: string, file: string): { thread: Worker; port: MessagePort; signal: Int32Array } | null {
  if (!existsSync(WORKER_FILE)) return null;
  try {
    const signal = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    const { port1, port2 } = new MessageChannel();
    const workerData: CheckWorkerData = { text, file, signal, port: port2 };
    const thread = new Worker(WORKER_FILE, { workerData, transferList: [port2] });
    // The answer is read synchronously; the thread must never keep the process alive.
    thread.unref();
    thread.on('error', () => undefined);
    return { thread, port: port1, signal: new Int32Array(signal) };
  } catch {
    return null;
  }
}
