import type { Family } from '../ast';
import { findProgram, firstLine, runProgram } from './run';

export type Backend = 'nf_tables' | 'legacy';

/** One family's rules as the kernel holds them, and which program printed them. */
export interface LiveRules {
  family: Family;
  backend: Backend;
  /** The program that printed `text`, e.g. `iptables-nft-save`. */
  program: string;
  text: string;
  /** `-A` lines in `text`. */
  ruleCount: number;
}

export interface LiveCapture {
  rules: LiveRules[];
  /** What a person should know about the choice: which backend, and rules left in the other one. */
  notes: string[];
}

/** Why the live rules could not be read; `reason` decides the advice. */
export class LiveCaptureError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-installed' | 'not-permitted' | 'failed',
  ) {
    super(message);
    this.name = 'LiveCaptureError';
  }
}

const PERMISSION = /permission denied|must be root|operation not permitted/i;

interface Candidate {
  program: string;
  backend: Backend | null;
}

/**
 * Runs `iptables-save` and `ip6tables-save` and returns what they print. Both
 * backends are read where both are installed: the one holding rules is the one
 * in use (nf_tables when both are empty, as Debian's default). Rules left in
 * the other backend are named in the notes, since the kernel runs both.
 */
export function captureLive(options: { families?: readonly Family[]; env?: NodeJS.ProcessEnv } = {}): LiveCapture {
  const families = options.families ?? (['ipv4', 'ipv6'] as const);
  const notes: string[] = [];
  const rules: LiveRules[] = [];
  for (const family of families) {
    const captured = captureFamily(family, options.env ?? process.env, notes);
    if (captured !== null) rules.push(captured);
  }
  return { rules, notes };
}

function captureFamily(family: Family, env: NodeJS.ProcessEnv, notes: string[]): LiveRules | null {
  const base = family === 'ipv6' ? 'ip6tables' : 'iptables';
  const candidates = candidatesFor(base, env);
  if (candidates.length === 0) {
    const message = `${base}-save is not installed; install the iptables package (Debian/Ubuntu: apt-get install iptables)`;
    // A host without IPv6 tools still has IPv4 rules worth checking.
    if (family === 'ipv6') {
      notes.push(`${message}; IPv6 rules were not read`);
      return null;
    }
    throw new LiveCaptureError(message, 'not-installed');
  }

  const outputs: LiveRules[] = [];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const result = runProgram(candidate.program, [], { env });
    const name = programName(candidate.program);
    if (result.notStarted !== undefined) {
      failures.push(`${name} could not be run: ${result.notStarted}`);
      continue;
    }
    if (result.status !== 0) {
      const said = firstLine(result.stderr) || `exit status ${result.status}`;
      if (PERMISSION.test(result.stderr))
        throw new LiveCaptureError(`${name} was not permitted to read the rules (${said}); run ipt-lint as root (sudo), or save the rules as root and lint the file`, 'not-permitted');
      failures.push(`${name} failed: ${said}`);
      continue;
    }
    const backend = candidate.backend ?? backendFromHeader(result.stdout) ?? 'legacy';
    outputs.push({ family, backend, program: name, text: result.stdout, ruleCount: countRules(result.stdout) });
  }
  // A kernel without one backend (no nf_tables, or no ip_tables module) still has the other.
  if (outputs.length === 0) throw new LiveCaptureError(failures.join('; '), 'failed');
  notes.push(...failures);

  const chosen = outputs.reduce((best, output) => (output.ruleCount > best.ruleCount ? output : best));
  const others = outputs.filter((output) => output !== chosen && output.ruleCount > 0);
  const why = chosen.ruleCount > 0 ? `it holds the ${family === 'ipv6' ? 'IPv6' : 'IPv4'} rules (${chosen.ruleCount})` : 'no backend holds rules';
  notes.push(`read ${family === 'ipv6' ? 'IPv6' : 'IPv4'} rules with ${chosen.program} (${chosen.backend}): ${why}`);
  for (const other of others)
    notes.push(`${other.program} (${other.backend}) also holds ${other.ruleCount} ${family === 'ipv6' ? 'IPv6' : 'IPv4'} rule${other.ruleCount === 1 ? '' : 's'}, which the kernel applies too; they were not checked`);
  return chosen;
}

/** Both backends' save programs when installed; else whatever plain `iptables-save` is. */
function candidatesFor(base: string, env: NodeJS.ProcessEnv): Candidate[] {
  const candidates: Candidate[] = [];
  for (const [suffix, backend] of [['nft', 'nf_tables'], ['legacy', 'legacy']] as const) {
    const program = findProgram(`${base}-${suffix}-save`, env);
    if (program !== null) candidates.push({ program, backend });
  }
  if (candidates.length === 0) {
    const plain = findProgram(`${base}-save`, env);
    if (plain !== null) candidates.push({ program: plain, backend: null });
  }
  return candidates;
}

function programName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function backendFromHeader(text: string): Backend | null {
  const header = /^# Generated by \S+ v[\d.]+(?: \((nf_tables|legacy)\))?/m.exec(text);
  if (header === null) return null;
  return header[1] === 'nf_tables' ? 'nf_tables' : 'legacy';
}

function countRules(text: string): number {
  let count = 0;
  for (let at = text.startsWith('-A ') ? 0 : text.indexOf('\n-A '); at >= 0; at = text.indexOf('\n-A ', at + 1)) count++;
  return count;
}
