/**
 * `npm run bench:threads [-- NAME...]`: the parallel packet engine (`fabsim run --threads`) on
 * the bench scenarios it supports (default: htsim's 1,024-host case), at 1 and 2 threads, one
 * fresh process per run: wall and CPU time, events/s per thread, the share of each thread's
 * run spent waiting at window barriers, the partition imbalance and peak RSS. On a shared
 * machine wall time is noisy: read CPU time and events; the speed-up wants a quiet machine.
 */
import { execFileSync } from 'node:child_process';
import { formatTable, si } from './table.js';

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['htsim-permutation-1024'];
const rows: string[][] = [];
for (const name of names)
  for (const threads of [1, 2]) {
    process.stderr.write(`bench: ${name} on ${threads} thread${threads === 1 ? '' : 's'}\n`);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/threads-one.ts', '--scenario', name, '--threads', String(threads)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    const cpuS = r.cpuMs.reduce((a: number, b: number) => a + b, 0) / 1e3;
    const perThread = r.threadEvents.map((e: number, i: number) => si(e / (r.cpuMs[i] / 1e3))).join('/');
    const barrier = r.barrierMs.map((b: number, i: number) => `${Math.round((100 * b) / Math.max(1, r.runMs[i]))}%`).join('/');
    rows.push([
      name,
      String(threads),
      si(r.events),
      (r.wallMs / 1e3).toFixed(1),
      cpuS.toFixed(1),
      perThread,
      barrier,
      r.imbalance.toFixed(3),
      String(r.windows),
      (r.peakRssKiB / 1024).toFixed(0),
      String(r.completionUs),
    ]);
  }
process.stdout.write(
  `${formatTable(['scenario', 'threads', 'events', 'wall s', 'CPU s', 'events/CPU-s per thread', 'at barriers', 'imbalance', 'windows', 'peak RSS MiB', 'sim µs'], rows)}\n`,
);
