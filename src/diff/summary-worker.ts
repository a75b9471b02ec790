import { parentPort, workerData } from 'node:worker_threads';
import type { ParseOptions } from '../parser/parse-dump';
import { readDumpFile } from '../read-input';
import { summarizeDump } from './dump-summary';

const { file, options } = workerData as { file: string; options: Omit<ParseOptions, 'file'> };
parentPort!.postMessage(summarizeDump(readDumpFile(file, options)));
