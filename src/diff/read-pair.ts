import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseDump, type ParseOptions, type ParseResult } from '../parser/parse-dump';
import { readDumpFile } from '../read-input';
import { dumpFromSummary, type DumpSummary } from './dump-summary';

const WORKER_FILE = join(__dirname, 'summary-worker.js');

/**
 * Reads and parses the two dumps of a diff. Parsing is most of a diff's time and the two files
 * are independent, so `before` is parsed on a second thread while this one parses `after`.
 * Standard input, a missing compiled worker (running from the TypeScript sources) or
 * IPT_LINT_THREADS=0 parse both here, one after the other.
 */
export async function readDumpPair(beforeFile: string, afterFile: string, options: Omit<ParseOptions, 'file'> = {}, needsEveryRule = false): Promise<[ParseResult, ParseResult]> {
  // A comparison that reads every rule (counters, rewritten texts) would rebuild every chain the thread sent.
  const parallel = !needsEveryRule && beforeFile !== '-' && process.env.IPT_LINT_THREADS !== '0' && existsSync(WORKER_FILE);
  if (!parallel) return [readDumpFile(beforeFile, options), readDumpFile(afterFile, options)];
  const worker = new Worker(WORKER_FILE, { workerData: { file: beforeFile, options } });
  const summary = new Promise<DumpSummary>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the parsing thread stopped (exit ${code})`)));
  });
  const after = readDumpFile(afterFile, options);
  let before: ParseResult;
  try {
    const received = await summary;
    if (received.dump !== null) before = { dump: dumpFromSummary(received.dump), diagnostics: received.diagnostics };
    // Nothing is compared when a file has errors: its diagnostics are all the caller needs.
    else if (received.diagnostics.some((d) => d.severity === 'error')) before = { dump: parseDump('', { ...options, file: beforeFile }).dump, diagnostics: received.diagnostics };
    // A restore file with commands other than -A comes back without its tree: parse it here.
    else before = readDumpFile(beforeFile, options);
  } finally {
    await worker.terminate();
  }
  return [before, after];
}
