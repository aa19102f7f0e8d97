/**
 * Exact results of every flow-model (fabric, workload) run of some specs, one line each:
 * completion in ps, events, bytes delivered, latency and FCT percentiles. Speed work on the
 * flow model must leave this output byte-identical (diff it against main's):
 *   npx tsx bench/flow-fingerprint.ts experiments/flow-vs-packet.yaml …
 */
import { loadSpec, resolveFabric, simulateModel, summarize } from '../src/experiment/index.js';

for (const file of process.argv.slice(2)) {
  const spec = loadSpec(file);
  for (const fabric of spec.fabrics) {
    const config = resolveFabric(fabric);
    if (config.model !== 'flow') continue;
    for (const workloadSpec of spec.workload) {
      const run = simulateModel(spec, config, workloadSpec);
      const r = summarize(run);
      const ps = run.workload.finished ? run.workload.finishedPs : run.sim.nowPs;
      const line = { file, fabric: config.name, workload: r.workload, ps, events: run.sim.events, bytes: r.bytesDelivered, lat: r.latencyUs, fct: r.fctUs };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}
