import { workerData } from 'node:worker_threads';
import { checkRuleLines } from '../parser/check-lines';
import { DONE, PROGRESS, unpackStretches, type CheckWorkerAnswer, type CheckWorkerData } from './rule-line-check';

const { text, file, signal, port } = workerData as CheckWorkerData;
const state = new Int32Array(signal);
Atomics.add(state, PROGRESS, 1);

port.once('message', (packed: Int32Array) => {
  let answer: CheckWorkerAnswer;
  try {
    answer = { diagnostics: checkRuleLines(text, file, unpackStretches(packed), () => Atomics.add(state, PROGRESS, 1)) };
  } catch (error) {
    answer = { error: String(error) };
  }
  port.postMessage(answer);
  Atomics.store(state, DONE, 1);
  Atomics.notify(state, DONE);
});
