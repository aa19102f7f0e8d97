import { Simulator } from '../engine/index.js';
import { FabricMetrics, NO_PROBES, shapeOf, type FabricFlow, type FabricModel } from '../fabric/index.js';
import type { ConnectionMatrix, MatrixConnection } from '../workloads/index.js';
import { createWorkload } from './create-workload.js';
import { SpecError } from './load-spec.js';
import type { ExperimentSpec } from './spec.js';

/** Workloads whose every message is posted at time zero, so a matrix of start times holds them exactly. */
export const EXPORTABLE_KINDS = ['permutation', 'incast', 'alltoall'] as const;

/**
 * The connection matrix of a spec's workload (one of EXPORTABLE_KINDS): the workload is
 * started on a recorder that stands in for a fabric, and every message it posts becomes one
 * connection starting at 0, in posting order, ids from 1. Collectives that post later steps
 * from completions have dependencies a start time cannot express, hence the restriction.
 */
export function exportMatrix(spec: ExperimentSpec, workloadIndex = 0): ConnectionMatrix {
  const w = spec.workload[workloadIndex];
  if (w === undefined) throw new SpecError(`workload: the spec has no workload ${workloadIndex}`);
  if (!(EXPORTABLE_KINDS as readonly string[]).includes(w.kind))
    throw new SpecError(`workload.kind: export-matrix takes ${EXPORTABLE_KINDS.join(', ')}, got "${w.kind}"`);
  const gpus = spec.topology.gpus;
  const connections: MatrixConnection[] = [];
  const flows: { src: number; dst: number }[] = [];
  const recorder: FabricModel = {
    model: 'flow',
    sim: new Simulator(),
    gpus,
    hostGbps: 0,
    metrics: new FabricMetrics(),
    pausedPsAt: () => 0,
    maxQueueBytes: 0,
    probes: NO_PROBES,
    config: { mtuBytes: 4096, headerBytes: 0 },
    topology: { shape: shapeOf(spec.topology), hops: () => 0, linkDelayPs: 0, nvlink: null },
    openFlow(src, dst): FabricFlow {
      flows.push({ src, dst });
      return { id: flows.length - 1, deliveredTo: null };
    },
    send(flow, bytes) {
      const { src, dst } = flows[flow.id]!;
      connections.push({ src, dst, id: connections.length + 1, startPs: 0, sizeBytes: bytes });
    },
    sendTagged(flow, bytes) {
      this.send(flow, bytes);
    },
  };
  createWorkload(w, gpus, spec.seed).start(recorder);
  if (recorder.sim.pendingEvents > 0) throw new SpecError(`workload.kind: ${w.kind} scheduled later messages; it cannot be exported`);
  return { nodes: gpus, connections, triggers: [] };
}
