/**
 * Writes the web-search traffic of experiments/hpcc-fat-tree.yaml as htsim connection
 * matrices (websearch-<load>.cm), so every flow's FCT is recorded (`run --flows`): the HPCC
 * simulator's traffic generator (traffic_gen.py) as fabsim's background traffic runs it —
 * Poisson arrivals per host at `load` × 100 Gb/s, mean gap = mean size / (rate · load),
 * sizes from the web-search CDF, destinations uniform among the other hosts — over
 * `durationUs` of arrivals. Seeded: the same arguments write the same files.
 *
 *   npx tsx experiments/hpcc-fat-tree/generate-traffic.ts [durationUs=12000] [seed=1]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rngStream } from '../../src/engine/index.js';
import { cdfMeanBytes, formatConnectionMatrix, NAMED_CDFS, sampleSize, type MatrixConnection } from '../../src/workloads/index.js';

const HOSTS = 320;
const HOST_GBPS = 100;
const durationUs = Number(process.argv[2] ?? 12000);
const seed = Number(process.argv[3] ?? 1);
const cdf = NAMED_CDFS.websearch!;

for (const load of [0.3, 0.5]) {
  const meanGapPs = (cdfMeanBytes(cdf) * 8_000) / (HOST_GBPS * load);
  const flows: MatrixConnection[] = [];
  for (let src = 0; src < HOSTS; src++) {
    const rng = rngStream(seed, `websearch/${load}/${src}`);
    for (let t = 0; ; ) {
      t += Math.max(1, Math.round(-Math.log(1 - rng.next()) * meanGapPs));
      if (t >= durationUs * 1e6) break;
      let dst = rng.int(HOSTS - 1);
      if (dst === src) dst = HOSTS - 1; // uniform over the others
      flows.push({ src, dst, id: 0, sizeBytes: sampleSize(cdf, rng), startPs: t });
    }
  }
  flows.sort((a, b) => a.startPs! - b.startPs! || a.src - b.src);
  flows.forEach((f, i) => (f.id = i + 1));
  const file = join(import.meta.dirname, `websearch-${Math.round(load * 100)}.cm`);
  writeFileSync(file, formatConnectionMatrix({ nodes: HOSTS, connections: flows, triggers: [] }));
  const bytes = flows.reduce((s, f) => s + f.sizeBytes, 0);
  console.log(`${file}: ${flows.length} flows, ${(bytes / 1e9).toFixed(2)} GB (offered ${((bytes * 8) / (HOSTS * HOST_GBPS * 1e3 * durationUs)).toFixed(3)} of the hosts' capacity)`);
}
