import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from './ast';
import { DIAGNOSTICS } from './diagnostics';
import { parseDump, type ParseOptions, type ParseResult } from './parser/parse-dump';

/** Larger inputs are refused before reading: the largest real dumps (kube-proxy, 700k lines) are ~100 MB. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** `asciiBytes`, when asked for: the file's bytes, when they are all ASCII and so one per character of `text`. */
export type ReadResult = { ok: true; text: string; asciiBytes?: Uint8Array } | { ok: false; diagnostic: Diagnostic };

/** Reads a file (or standard input for `-`) as text, turning every I/O failure into a diagnostic. */
export function readInput(file: string, keepBytes = false): ReadResult {
  try {
    if (file !== '-') {
      const stat = statSync(file);
      if (stat.isDirectory()) return unreadable(file, 'is a directory; give a dump file');
      if (stat.size > MAX_FILE_BYTES) return unreadable(file, `is ${stat.size} bytes; ipt-lint reads dumps up to ${MAX_FILE_BYTES} bytes`);
    }
    const bytes = readFileSync(file === '-' ? 0 : file);
    // Dumps are nearly always pure ASCII, which reads as Latin-1 byte for byte: checking for that and copying is several times faster than decoding UTF-8.
    if (!isAscii(bytes)) return { ok: true, text: bytes.toString('utf8') };
    return keepBytes ? { ok: true, text: bytes.toString('latin1'), asciiBytes: bytes } : { ok: true, text: bytes.toString('latin1') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'is not readable (permission denied)'
      : code === 'EISDIR' ? 'is a directory; give a dump file'
      : `cannot be read (${(error as Error).message})`;
    return unreadable(file, reason);
  }
}

/** Reads and parses one dump file; an unreadable file gives an empty dump and one IPT1001 diagnostic. */
export function readDumpFile(file: string, options: Omit<ParseOptions, 'file'> = {}): ParseResult {
  return parseInput(file, readInput(file), options);
}


/** The parse of what was read; for a file that could not be read, an empty dump and the diagnostic saying why. */
export function parseInput(file: string, input: ReadResult, options: Omit<ParseOptions, 'file'>): ParseResult {
  return input.ok ? parseDump(input.text, { ...options, file }) : { dump: parseDump('', { file }).dump, diagnostics: [input.diagnostic] };
}

function unreadable(file: string, reason: string): ReadResult {
  const kind = DIAGNOSTICS.fileUnreadable;
  const shown = file === '-' ? 'standard input' : file;
  return {
    ok: false,
    diagnostic: { file, code: kind.code, name: kind.name, severity: kind.severity, message: `${shown} ${reason}`, line: 0, column: 0, endColumn: 0, source: '' },
  };
}
