/** Called now and then during long work with how much of it is done. */
export type ProgressCallback = (done: number, total: number) => void;

/** What long-running code is given: one callback per phase, named for the person watching. */
export interface ProgressTracker {
  track(label: string): ProgressCallback;
}

interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Nothing is drawn before this much time has passed since the tracker was made: short work stays quiet. */
  delayMs?: number;
  /** Least time between two redraws. */
  intervalMs?: number;
  now?: () => number;
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * One line on a terminal, redrawn in place and cleared by `finish`. Writes to
 * a TTY are synchronous in Node.js, so the line shows even while parsing holds
 * the event loop.
 */
export class TerminalProgress implements ProgressTracker {
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
  }

  track(label: string): ProgressCallback {
    // A new phase is shown at once, however recent the last line: the person sees the work move on.
    let shown = false;
    return (done, total) => {
      const now = this.now();
      if (now - this.started < this.delayMs || (shown && now - this.lastDraw < this.intervalMs)) return;
      shown = true;
      this.lastDraw = now;
      const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
      const line = `ipt-lint: ${label} ${percent}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})`;
      // A terminal that reports no size (0 columns, as under `script`) is taken to be 80 wide.
      const width = (this.stream.columns || 80) - 1;
      this.stream.write(CLEAR_LINE + (line.length > width ? line.slice(0, width) : line));
      this.drawn = true;
    };
  }

  /** Clears the line, if one was drawn, so that what follows starts clean. */
  finish(): void {
    if (this.drawn) this.stream.write(CLEAR_LINE);
    this.drawn = false;
  }
}

/** A tracker that draws nothing. */
export const NO_PROGRESS: ProgressTracker & { finish(): void } = { track: () => () => {}, finish: () => {} };

/**
 * Progress goes to a terminal only: never when the stream is piped or
 * redirected, in CI (the CI variable, which every common CI service sets), or
 * when the user turned it off.
 */
export function progressFor(stream: ProgressStream, options: { enabled: boolean; env?: NodeJS.ProcessEnv }): ProgressTracker & { finish(): void } {
  const env = options.env ?? process.env;
  if (!options.enabled || stream.isTTY !== true || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return NO_PROGRESS;
  // Tests of the drawing itself set the delay to 0 instead of making a dump that takes a second.
  const delay = Number(env.IPT_LINT_PROGRESS_DELAY_MS);
  return new TerminalProgress(stream, Number.isFinite(delay) && env.IPT_LINT_PROGRESS_DELAY_MS !== undefined ? { delayMs: delay } : {});
}
