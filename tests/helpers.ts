import { resolveFabric, runFabric, simulateFabric, validateSpec, type ExperimentSpec, type FabricResult } from '../src/experiment/index.js';

/** A validated spec from a plain document (defaults filled in as the CLI would). */
export const spec = (document: Record<string, unknown>): ExperimentSpec =>
  validateSpec({ name: 'test', seed: 1, fabrics: ['ethernet'], ...document });

/** Runs the spec's first fabric. */
export const runFirst = (s: ExperimentSpec): FabricResult => runFabric(s, resolveFabric(s.fabrics[0]!));

/** Runs the spec's first workload on its first fabric to the end, keeping the network to inspect. */
export function simulate(s: ExperimentSpec) {
  const run = simulateFabric(s, resolveFabric(s.fabrics[0]!));
  return { ...run, m: run.net.metrics };
}
