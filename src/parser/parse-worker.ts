import { workerData } from 'node:worker_threads';
import type { Diagnostic } from '../ast';
import { analyzeLine, type AnalysisContext, type LineResult } from './analyze-line';
import type { WorkerInput, WorkerOutput } from './parallel';

const input = workerData as WorkerInput;
let reply: string;
try {
  const lines = input.text.split('\n');
  const diagnostics: Diagnostic[] = [];
  const context: AnalysisContext = {
    file: input.file,
    familyState: { family: input.family, settled: true },
    familyFixed: input.familyFixed,
    diagnostics,
  };
  const results: LineResult[] = new Array(lines.length);
  let crlfLines = 0;
  for (let index = 0; index < lines.length; index++) {
    let source = lines[index];
    if (source.charCodeAt(source.length - 1) === 13) {
      source = source.slice(0, -1);
      crlfLines++;
    }
    try {
      results[index] = analyzeLine(source, input.firstLine + index, context);
    } catch (error) {
      results[index] = { kind: 'none' };
      diagnostics.push({
        file: input.file, code: 'IPT1000', name: 'internal-error', severity: 'error', line: input.firstLine + index, column: 1, endColumn: source.length, source,
        message: `ipt-lint failed on this line (${(error as Error).message}); please report it with the line`,
      });
    }
  }
  const output: WorkerOutput = { results, diagnostics, crlfLines };
  reply = JSON.stringify(output);
} catch (error) {
  reply = JSON.stringify({ failed: String(error) });
}
input.port.postMessage(reply);
Atomics.store(input.done, 0, 1);
Atomics.notify(input.done, 0);
