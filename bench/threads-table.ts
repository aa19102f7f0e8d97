import { execFileSync } from 'node:child_process';
import { envWithHugePages } from '../src/cli/huge-pages.js';
import { benchChildArgs } from './bundle.js';
import { formatTable, si } from './table.js';

/** One run of bench/threads-one.ts, as it prints it. */
export interface ThreadsRecord {
  scenario: string;
  threads: number;
  events: number;
  wallMs: number;
  cpuMs: number[];
  runMs: number[];
  barrierMs: number[];
  threadEvents: number[];
  imbalance: number;
  windows: number;
  peakRssKiB: number;
  completionUs: number;
}

/**
 * The parallel engine (`fabsim run --threads`) on bench scenarios at 1 and 2 threads, one fresh
 * process per run: wall and CPU time, events per CPU-second of each thread, the share of each
 * thread's run spent at window barriers, the partition imbalance (busiest thread's events over
 * the mean) and peak RSS. On a shared machine wall time is noisy: read CPU time and events.
 */
export function runThreadsBench(names: readonly string[], log: (msg: string) => void): { records: ThreadsRecord[]; table: string } {
  const records: ThreadsRecord[] = [];
  for (const name of names)
    for (const threads of [1, 2]) {
      log(`${name} on ${threads} thread${threads === 1 ? '' : 's'} (parallel engine)`);
      const out = execFileSync(process.execPath, [...benchChildArgs('threads-one'), '--scenario', name, '--threads', String(threads)], { encoding: 'utf8', env: envWithHugePages() });
      records.push(JSON.parse(out.trim().split('\n').pop()!) as ThreadsRecord);
    }
  const rows = records.map((r) => [
    r.scenario,
    String(r.threads),
    si(r.events),
    (r.wallMs / 1e3).toFixed(1),
    (r.cpuMs.reduce((a, b) => a + b, 0) / 1e3).toFixed(1),
    r.threadEvents.map((e, i) => si(e / (r.cpuMs[i]! / 1e3))).join('/'),
    r.barrierMs.map((b, i) => `${Math.round((100 * b) / Math.max(1, r.runMs[i]!))}%`).join('/'),
    r.imbalance.toFixed(3),
    String(r.windows),
    (r.peakRssKiB / 1024).toFixed(0),
    String(r.completionUs),
  ]);
  const table = formatTable(
    ['scenario', 'threads', 'events', 'wall s', 'CPU s (threads)', 'events/CPU-s per thread', 'at barriers', 'imbalance', 'windows', 'peak RSS MiB', 'sim µs'],
    rows,
  );
  return { records, table };
}
