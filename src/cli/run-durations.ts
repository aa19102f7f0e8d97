import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The wall time each run of a spec took the last time it ran to the end, so that `--jobs N`
 * can start the longest first (longest-processing-time order: with runs of 1–5 s on 2 cores,
 * spec order can leave one core idle for a whole run at the end). As test runners do (Jest
 * keeps its tests' durations for the same purpose): a hint for the order only — every row
 * is the same whatever the order — kept in the temp folder, and ignored when unreadable.
 */
const DIR = join(tmpdir(), 'fabsim-run-times');

/** The file of a spec: its validated content (seed included) decides which runs it has. */
export const timesFileOf = (spec: unknown): string => join(DIR, `${createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 24)}.json`);

/** The last complete run's wall times of this spec, one per run in planRuns order; undefined if none fit. */
export function lastRunDurations(spec: unknown, runs: number): number[] | undefined {
  try {
    const times: unknown = JSON.parse(readFileSync(timesFileOf(spec), 'utf8'));
    if (Array.isArray(times) && times.length === runs && times.every((t) => typeof t === 'number' && Number.isFinite(t) && t >= 0)) return times as number[];
  } catch {
    // none yet, or unreadable: spec order
  }
  return undefined;
}

/** Keeps the wall times of a run of the spec that ran to the end (written whole: a temp file renamed). */
export function recordRunDurations(spec: unknown, wallMs: number[]): void {
  try {
    mkdirSync(DIR, { recursive: true });
    const path = timesFileOf(spec);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(wallMs.map((t) => Math.round(t))));
    renameSync(temp, path);
  } catch {
    // a hint only: a read-only temp folder costs the order, not the run
  }
}

/** Run indices in the order to start them: longest last time first, spec order among equals and without times. */
export function longestFirst(runs: number, durations: number[] | undefined): number[] {
  const order = Array.from({ length: runs }, (_, i) => i);
  return durations === undefined ? order : order.sort((a, b) => durations[b]! - durations[a]! || a - b);
}
