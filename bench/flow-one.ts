/**
 * Runs one flow-model scenario in this process and prints one JSON line (run it in a fresh
 * process, so peak RSS is this scenario's alone):
 *   GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node --expose-gc --max-old-space-size=20000 --max-semi-space-size=64 --import tsx bench/flow-one.ts --scenario flow-hierarchical-100k [--gpus N]
 * (the tunable as the CLI sets it for large runs: src/cli/huge-pages.ts).
 * Scenarios: bench/flow-scenarios.ts (flow-hierarchical-100k, flow-hierarchical-100k-64m, flow-hierarchical-1m).
 * --max-semi-space-size=64 (MiB of V8's young generation) was chosen when the run allocated a
 * callback per message (a larger young generation promoted fewer); tagged deliveries removed
 * most of them, and the default (16) measured 7–12% cheaper at 100,000 GPUs and +1% at
 * 1,000,000 (fifteenth session). Kept, so these figures stay comparable with earlier ones.
 */
import { parseArgs } from 'node:util';
import { usFromPs } from '../src/engine/index.js';
import { resolveFabric, simulateModel, summarize } from '../src/experiment/index.js';
import { FlowNetwork } from '../src/fabric/index.js';
import { algorithmLabel, alphaBetaCheck } from './alpha-beta-check.js';
import { findFlowScenario, specOfFlow } from './flow-scenarios.js';

const { values } = parseArgs({ options: { scenario: { type: 'string' }, gpus: { type: 'string' } } });
const scenario = findFlowScenario(values.scenario ?? '');
// --gpus N: the same scenario on fewer GPUs (a quick look before the full run).
if (values.gpus !== undefined) scenario.document = { ...scenario.document, topology: { ...(scenario.document['topology'] as object), gpus: Number(values.gpus) } };
const spec = specOfFlow(scenario);
const config = resolveFabric(spec.fabrics[0]!);
const baseRssKiB = process.resourceUsage().maxRSS;
const run = simulateModel(spec, config);
const net = run.net as FlowNetwork;
const result = summarize(run);
const peakRssKiB = process.resourceUsage().maxRSS;
globalThis.gc?.();
const simTimeUs = usFromPs(run.workload.finished ? run.workload.finishedPs : run.sim.nowPs);
// Physics check at scale: the completed all-reduce against its alpha-beta cost (≈ 1 when non-blocking).
const alphaBeta = alphaBetaCheck(net, net.gpus, run.workloadSpec, run.workload, simTimeUs);
const record = {
  scenario: scenario.name,
  gpus: net.gpus,
  completed: run.workload.finished,
  simTimeUs,
  alphaBetaUs: alphaBeta && Number(alphaBeta.alphaBetaUs.toFixed(1)),
  alphaBetaRatio: alphaBeta && Number(alphaBeta.ratio.toFixed(3)),
  busbwGBps: result.busbwGBps,
  effectiveBandwidth: result.effectiveBandwidth,
  events: run.sim.events,
  wallS: Number((run.wallMs / 1000).toFixed(1)),
  // CPU time of the process (user + system): wall time on a shared machine includes waiting for a core.
  cpuS: Number(((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1)),
  buildS: Number((run.buildMs / 1000).toFixed(1)),
  peakRssGiB: Number((peakRssKiB / 1024 / 1024).toFixed(2)),
  baseRssMiB: Math.round(baseRssKiB / 1024),
  liveHeapMiB: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
  bytesDelivered: net.metrics.bytesDelivered,
  workloadBytes: run.workload.totalBytes,
  withinTargets: run.wallMs / 1000 < scenario.maxWallS && peakRssKiB / 1024 / 1024 < scenario.maxRssGiB,
  ...net.stats,
};
process.stdout.write(`${JSON.stringify(record)}\n`);
if (alphaBeta)
  process.stderr.write(
    `physics: ${algorithmLabel(alphaBeta.algorithm)} all-reduce took ${alphaBeta.ratio.toFixed(3)}× its alpha-beta cost (${record.simTimeUs.toFixed(1)} vs ${alphaBeta.alphaBetaUs.toFixed(1)} µs)${Math.abs(alphaBeta.ratio - 1) < 0.1 ? '' : '  [WARNING: more than 10% off]'}\n`,
  );
