import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Diagnostic, Family } from '../ast';
import type { LineResult } from './analyze-line';

/** Below this many lines a second thread costs more than it saves. */
export const PARALLEL_MIN_LINES = 40_000;

export interface WorkerInput {
  /** The lines from `firstLine` (1-based) to the end, joined by `\n`. */
  text: string;
  firstLine: number;
  file: string;
  family: Family;
  familyFixed: boolean;
  port: MessagePort;
  done: Int32Array;
}

export interface WorkerOutput {
  results: LineResult[];
  diagnostics: Diagnostic[];
  crlfLines: number;
}

export interface PendingAnalysis {
  /** Blocks until the worker is done; null when it failed, and the caller reads those lines itself. */
  wait(): WorkerOutput | null;
}

const WORKER_SCRIPT = join(__dirname, 'parse-worker.js');

/**
 * Starts a worker thread that analyses `lines[from..]` while the caller reads
 * the first part. Waiting is synchronous (Atomics.wait on a shared flag), so
 * parseDump stays a plain function. Null when no worker can run here (the
 * TypeScript sources under ts-jest, or IPT_LINT_THREADS=1).
 */
export function analyzeInWorker(lines: string[], from: number, file: string, family: Family, familyFixed: boolean): PendingAnalysis | null {
  if (process.env.IPT_LINT_THREADS === '1' || !existsSync(WORKER_SCRIPT)) return null;
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    const input: WorkerInput = { text: lines.slice(from).join('\n'), firstLine: from + 1, file, family, familyFixed, port: port2, done };
    worker = new Worker(WORKER_SCRIPT, { workerData: input, transferList: [port2] });
  } catch {
    return null;
  }
  worker.unref();
  worker.on('error', () => undefined);
  const timeoutMs = 60_000 + (lines.length - from) / 10;
  return {
    wait(): WorkerOutput | null {
      const outcome = Atomics.wait(done, 0, 0, timeoutMs);
      const message = outcome === 'timed-out' ? undefined : receiveMessageOnPort(port1);
      port1.close();
      void worker.terminate();
      if (message === undefined || typeof message.message !== 'string') return null;
      const output = JSON.parse(message.message) as WorkerOutput | { failed: string };
      return 'failed' in output ? null : output;
    },
  };
}
