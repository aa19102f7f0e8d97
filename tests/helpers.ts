import { Simulator } from '../src/engine/index.js';
import { Network } from '../src/fabric/index.js';
import { createWorkload, resolveFabric, runFabric, validateSpec, type ExperimentSpec, type FabricResult } from '../src/experiment/index.js';

/** A validated spec from a plain document (defaults filled in as the CLI would). */
export const spec = (document: Record<string, unknown>): ExperimentSpec =>
  validateSpec({ name: 'test', seed: 1, fabrics: ['ethernet'], ...document });

/** Runs the spec's first fabric. */
export const runFirst = (s: ExperimentSpec): FabricResult => runFabric(s, resolveFabric(s.fabrics[0]!));

/** Runs the spec's first workload on its first fabric to the end, keeping the network to inspect. */
export function simulate(s: ExperimentSpec) {
  const sim = new Simulator();
  const net = new Network(sim, s.topology, resolveFabric(s.fabrics[0]!), s.seed);
  const workload = createWorkload(s.workload[0]!, net.gpus, s.seed);
  workload.start(net);
  const reason = sim.run();
  return { sim, net, workload, reason, m: net.metrics };
}
