/** Documented exit codes, shared by every command. */
export const EXIT = {
  ok: 0,
  /** lint: findings at or above the failing severity; diff: drift. */
  findings: 1,
  /** Unreadable or unparseable input, a bad option or policy, an internal error. */
  trouble: 2,
} as const;

export class UsageError extends Error {}

/** A problem outside the command line (no rights, a missing program, an unwritable directory): exit 2 with the message and no pointer to --help. */
export class TroubleError extends Error {}

/** Stands for `-` (standard input) among positional arguments. */
export const STDIN_ARGUMENT = '\u0000stdin';
