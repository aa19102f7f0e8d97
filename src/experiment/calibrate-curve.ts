import { usFromPs } from '../engine/index.js';
import { resolveFabric, modelOf } from './fabrics.js';
import { simulateModel } from './runner.js';
import { SpecError } from './spec-error.js';
import type { ExperimentSpec, FabricSpec, WorkloadSpec } from './spec.js';

/** The three numbers calibrate fits: what the spec's topology and first fabric get. */
export interface CalibrationParams {
  /** Per-hop latency: topology.linkDelayNs (every fabric cable, so every hop of a path). */
  linkDelayNs: number;
  /** Per-message NIC/software overhead: the fabric's nicOverheadNs. */
  nicOverheadNs: number;
  /** Effective link rate: topology.linkGbps. */
  linkGbps: number;
}

const COLLECTIVES = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);

/** What calibrate simulates: the spec's first collective on its first fabric. */
export interface CurveSetup {
  spec: ExperimentSpec;
  fabric: FabricSpec;
  workload: WorkloadSpec;
}

/** The spec's first collective workload and first fabric (packet model), or a one-line error. */
export function curveSetup(spec: ExperimentSpec): CurveSetup {
  const workload = spec.workload.find((w) => COLLECTIVES.has(w.kind));
  if (!workload) throw new SpecError(`workload: calibrate needs a collective (${[...COLLECTIVES].join(', ')}) to compare with nccl-tests, got ${spec.workload.map((w) => w.kind).join(', ')}`);
  const fabric = spec.fabrics[0]!;
  if (modelOf(resolveFabric(fabric)) !== 'packet') throw new SpecError('fabrics.0.model: calibrate fits the packet model (the flow model has no per-message overhead); use model: packet');
  return { spec, fabric, workload };
}

/** The spec's own values of the three parameters (the fit's reference point). */
export function specParams({ spec, fabric }: CurveSetup): CalibrationParams {
  return { linkDelayNs: spec.topology.linkDelayNs, nicOverheadNs: fabric.nicOverheadNs ?? 0, linkGbps: spec.topology.linkGbps };
}

/**
 * The collective's completion time (µs) at each size with `params`: one fresh simulation per
 * size of the spec's topology, fabric and collective with only the three fields changed.
 */
export function simulateCurve(setup: CurveSetup, params: CalibrationParams, sizesBytes: readonly number[]): number[] {
  const topology = { ...setup.spec.topology, linkDelayNs: params.linkDelayNs, linkGbps: params.linkGbps };
  const spec = { ...setup.spec, topology } as ExperimentSpec;
  const config = resolveFabric({ ...setup.fabric, nicOverheadNs: params.nicOverheadNs });
  return sizesBytes.map((bytes) => {
    const run = simulateModel(spec, config, { ...setup.workload, bytes } as WorkloadSpec);
    if (!run.workload.finished) {
      const why = run.stop === 'idle' ? 'it never finished' : `the spec's limits stopped it (${run.stop})`;
      throw new SpecError(`calibrate: the ${setup.workload.kind} of ${bytes} B did not complete on ${config.name}: ${why}`);
    }
    return usFromPs(run.workload.finishedPs);
  });
}
