/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where the bar is drawn (default `process.stderr`). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force the bar on or off; default: on when `stream` is a TTY. */
  enabled?: boolean;
  /** Label before the bar (default `scoring`). */
  label?: string;
  /** Minimum milliseconds between redraws (default 100). */
  intervalMs?: number;
}

/** A progress reporter: a bar with rows/s and ETA on a TTY, silent otherwise. */
export interface Progress {
  /** True when something is drawn. */
  readonly enabled: boolean;
  /** Records `rows` more rows done and the fraction of the input consumed so far (0..1, if known). */
  update(rows: number, fraction?: number): void;
  /** Draws the final line and a newline. */
  finish(): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = whole % 60;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(secs).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Creates a progress reporter. On a TTY it redraws one line:
 * `scoring [#####-----] 52% 12,000 rows 4,100 rows/s ETA 00:03`; elsewhere (CI, pipes, files) it
 * prints nothing, so logs stay clean.
 */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? Boolean(stream.isTTY);
  const label = options.label ?? 'scoring';
  const interval = options.intervalMs ?? 100;
  const started = performance.now();
  let rows = 0;
  let fraction: number | undefined;
  let lastDraw = 0;
  const draw = (final: boolean) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? rows / elapsed : 0;
    const width = 20;
    const known = fraction !== undefined && fraction > 0;
    const share = final ? 1 : Math.min(1, fraction ?? 0);
    const filled = Math.round(share * width);
    const bar = known || final ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ` : '';
    const eta = final ? `done in ${formatDuration(elapsed)}` : known ? `ETA ${formatDuration((elapsed / share) * (1 - share))}` : 'ETA --:--';
    const line = `${label} ${bar}${rows.toLocaleString('en-US')} rows ${Math.round(rate).toLocaleString('en-US')} rows/s ${eta}`;
    stream.write(`\r${line}\u001b[K${final ? '\n' : ''}`);
  };
  return {
    enabled,
    update(count, share) {
      rows += count;
      if (share !== undefined) fraction = share;
      if (!enabled) return;
      const now = performance.now();
      if (now - lastDraw >= interval) {
        lastDraw = now;
        draw(false);
      }
    },
    finish() {
      if (enabled) draw(true);
    },
  };
}
