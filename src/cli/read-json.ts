import { readFileSync } from 'node:fs';
import { STDIN_ARGUMENT, UsageError } from './exit-codes';

/** A JSON input file (or standard input); every failure is a UsageError naming the option and the file. */
export function readJson(file: string, option: string, command: string): unknown {
  const shown = shownName(file);
  let text: string;
  try {
    text = readFileSync(file === STDIN_ARGUMENT ? 0 : file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${(error as Error).message})`;
    throw new UsageError(`${option}: ${shown} ${reason}`);
  }
  if (text.trim() === '') throw new UsageError(`${option}: ${shown} is empty; expected the JSON that \`${command}\` prints`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option}: ${shown} is not valid JSON (${(error as Error).message}); expected what \`${command}\` prints`);
  }
}

export function shownName(file: string): string {
  return file === STDIN_ARGUMENT ? 'standard input' : file;
}
