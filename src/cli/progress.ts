import type { Progress } from '../experiment/index.js';

/** How often a non-terminal stderr gets a progress line. */
const LINE_EVERY_MS = 5_000;

const seconds = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

const rate = (eventsPerS: number): string =>
  eventsPerS >= 1e6 ? `${(eventsPerS / 1e6).toFixed(1)} M` : eventsPerS >= 1e3 ? `${(eventsPerS / 1e3).toFixed(0)} k` : eventsPerS.toFixed(0);

/** How far back the ETA looks: the delivery rate of the recent past, not since the start. */
const ETA_WINDOW_MS = 30_000;

/**
 * Time left in this run, extrapolated from the share delivered so far; undefined before any.
 * Given an earlier report of the same run, from the rate since then: a collective's phases
 * do not cost the same per byte (NVLink bytes are cheap, fabric bytes dear), so the average
 * since the start can promise seconds for what takes an hour.
 */
export function etaMs(p: Progress, earlier?: Progress): number | undefined {
  if (!(p.delivered > 0.001 && p.delivered < 1)) return undefined;
  if (earlier && earlier.run === p.run && p.delivered > earlier.delivered && p.wallMs > earlier.wallMs)
    return ((p.wallMs - earlier.wallMs) * (1 - p.delivered)) / (p.delivered - earlier.delivered);
  return (p.wallMs * (1 - p.delivered)) / p.delivered;
}

/** "ethernet (2/6) t=123.4 µs · 45% delivered · 2.1 M events/s · ETA 12 s" */
export function describeProgress(p: Progress, earlier?: Progress): string {
  const eta = etaMs(p, earlier);
  const eventsPerS = p.wallMs > 0 ? (p.events * 1000) / p.wallMs : 0;
  return (
    `${p.fabric} (${p.run}/${p.runs}) t=${p.simUs.toFixed(1)} µs · ${(p.delivered * 100).toFixed(0)}% delivered · ` +
    `${rate(eventsPerS)} events/s · ETA ${eta === undefined ? '?' : seconds(eta)}`
  );
}

/** A text bar of `width` cells for a share in 0..1. */
export function bar(share: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * Several runs at once (`run --jobs N`), on one line: each running run's share and ETA, and
 * the events/s of them all. "ethernet (1/6) 45% ETA 12 s | roce (2/6) 30% ETA ? · 4.1 M events/s"
 */
export function describeRunning(running: Progress[], earlier: (p: Progress) => Progress | undefined = () => undefined): string {
  const eventsPerS = running.reduce((sum, p) => sum + (p.wallMs > 0 ? (p.events * 1000) / p.wallMs : 0), 0);
  const each = running.map((p) => {
    const eta = etaMs(p, earlier(p));
    return `${p.fabric} (${p.run}/${p.runs}) ${(p.delivered * 100).toFixed(0)}% ETA ${eta === undefined ? '?' : seconds(eta)}`;
  });
  return `${each.join(' | ')} · ${rate(eventsPerS)} events/s`;
}

export interface ProgressWriter {
  update(p: Progress): void;
  /**
   * The runs running at once, in run order, `finished` runs of the `runs` already done:
   * one bar for the whole experiment (a run counts by its share delivered), one line.
   */
  updateAll(running: Progress[], finished: number, runs: number): void;
  /** Prints a line of its own (a run is done), keeping the bar below it. */
  log(line: string): void;
  /** Removes the bar. */
  clear(): void;
}

/**
 * Progress on stderr, never stdout: a bar redrawn in place on a terminal, otherwise a
 * plain line every few seconds (logs and CI keep a readable trace).
 */
export function progressWriter(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): ProgressWriter {
  const tty = stream.isTTY === true;
  let shown = false;
  let lastLineMs = now();
  // Reports of the current run from the last ETA_WINDOW_MS, oldest first.
  let recent: Progress[] = [];
  // The same, per run, when several run at once.
  const windows = new Map<number, Progress[]>();
  const describe = (p: Progress): string => {
    recent = recent.filter((r) => r.run === p.run && p.wallMs - r.wallMs <= ETA_WINDOW_MS);
    recent.push({ ...p });
    return describeProgress(p, recent.length > 1 ? recent[0] : undefined);
  };
  const earliest = (p: Progress): Progress | undefined => {
    windows.set(p.run, [...(windows.get(p.run) ?? []).filter((r) => p.wallMs - r.wallMs <= ETA_WINDOW_MS), { ...p }]);
    const reports = windows.get(p.run)!;
    return reports.length > 1 ? reports[0] : undefined;
  };
  const write = (bareText: string, share: number) => {
    if (tty) {
      const text = `${bar(share)} ${bareText}`;
      const columns = stream.columns ?? 120;
      stream.write(`\r\x1b[2K${text.slice(0, Math.max(10, columns - 1))}`);
      shown = true;
    } else if (now() - lastLineMs >= LINE_EVERY_MS) {
      lastLineMs = now();
      stream.write(`fabsim: ${bareText}\n`);
    }
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    update(p) {
      write(describe(p), p.delivered);
    },
    updateAll(running, finished, runs) {
      for (const run of windows.keys()) if (!running.some((p) => p.run === run)) windows.delete(run);
      const share = (finished + running.reduce((sum, p) => sum + p.delivered, 0)) / Math.max(1, runs);
      write(describeRunning(running, earliest), share);
    },
    log(line) {
      clear();
      stream.write(`${line}\n`);
    },
    clear,
  };
}
