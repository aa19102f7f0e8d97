/**
 * FCT slowdown by flow size, as HPCC's paper plots it (median, 95th and 99th percentile per
 * flow-size bin): reads a `run --flows … --json` result of
 * experiments/hpcc-fat-tree.yaml and prints one table per fabric and workload. Slowdown =
 * fctUs / idealFctUs (the same flow alone on the idle fabric, README "Metrics").
 *
 *   npx tsx experiments/hpcc-fat-tree/slowdown-by-size.ts result.json
 */
import { readFileSync } from 'node:fs';
import type { ExperimentResult } from '../../src/experiment/index.js';

/** Bin edges in bytes: the web-search CDF's own points (HPCC's traffic_gen web-search file). */
const EDGES = [10e3, 30e3, 80e3, 200e3, 1e6, 2e6, 5e6, 10e6, Infinity];
const label = (b: number) => (b === Infinity ? '∞' : b >= 1e6 ? `${b / 1e6}M` : `${b / 1e3}K`);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const result = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ExperimentResult;
for (const row of result.results) {
  const flows = row.flows ?? [];
  const lost = flows.filter((f) => f.fctUs === null).length;
  console.log(`\n${row.fabric} · ${row.workload}: ${flows.length} flows${lost ? `, ${lost} not delivered` : ''}`);
  console.log('size bin        flows   p50     p95     p99');
  let lo = 0;
  for (const hi of EDGES) {
    const s = flows
      .filter((f) => f.fctUs !== null && f.sizeBytes > lo && f.sizeBytes <= hi)
      .map((f) => f.fctUs! / f.idealFctUs)
      .sort((a, b) => a - b);
    if (s.length > 0)
      console.log(`${`${label(lo)}-${label(hi)}`.padEnd(14)} ${String(s.length).padStart(6)} ${[50, 95, 99].map((p) => pct(s, p).toFixed(2).padStart(7)).join(' ')}`);
    lo = hi;
  }
}
