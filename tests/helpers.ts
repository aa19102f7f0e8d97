import { resolveFabric, runFabric, validateSpec, type ExperimentSpec, type FabricResult } from '../src/experiment/index.js';

/** A validated spec from a plain document (defaults filled in as the CLI would). */
export const spec = (document: Record<string, unknown>): ExperimentSpec =>
  validateSpec({ name: 'test', seed: 1, fabrics: ['ethernet'], ...document });

/** Runs the spec's first fabric. */
export const runFirst = (s: ExperimentSpec): FabricResult => runFabric(s, resolveFabric(s.fabrics[0]!));
