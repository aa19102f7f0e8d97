import { routingOf, shapeOf, type FabricConfig } from '../../fabric/index.js';
import { modelOf, resolveFabrics } from '../fabrics.js';
import { readMatrixFile } from '../matrix-file.js';
import type { ExperimentSpec } from '../spec.js';

/** Routing policies that read only their own switch (per-node-routing.ts can give each switch its own). */
const PER_NODE_ROUTINGS = new Set(['ecmp', 'spray', 'adaptive']);
const TOPOLOGIES = new Set(['leaf-spine', 'fat-tree', 'rail-optimized']);

/**
 * Why `--threads` cannot run this spec (one line for the user), or null. The parallel engine
 * runs a subset: the packet model on a Clos (NVLink frame by frame if any), independent messages
 * known up front (permutation, incast, a connection matrix without triggers), no failures,
 * no limits, routing that reads only its own switch, and no mechanism whose receiver reads
 * state the sender changes.
 */
export function threadsProblem(spec: ExperimentSpec, options: { explain?: boolean; threads?: number } = {}): string | null {
  const topology = spec.topology as { kind: string };
  const shape = shapeOf(spec.topology);
  // Windows are as long as the shortest link between threads: a link without delay leaves none.
  if ((options.threads ?? 1) > 1 && (shape.linkDelayPs <= 0 || (shape.nvlink !== null && shape.nvlink.delayPs <= 0)))
    return '--threads: more than one thread needs links with a propagation delay (the lookahead between threads); this topology has 0';
  if (!TOPOLOGIES.has(topology.kind)) return `--threads: topology ${topology.kind} is not supported yet (leaf-spine, fat-tree, rail-optimized)`;
  // NVLink per message is one crossbar object for every server: NVLink frame by frame has switches like the fabric's.
  if (shape.nvlink !== null && (spec.topology as { nvlinkModel?: string }).nvlinkModel !== 'packet')
    return '--threads: NVLink per message (nvlinkModel: message, the default) is not supported yet; nvlinkModel: packet is';
  if (spec.failures.length > 0) return '--threads: failures are not supported yet';
  if (spec.limits.maxEvents !== undefined || spec.limits.maxTimeUs !== undefined) return '--threads: limits (maxEvents, maxTimeUs) are not supported yet';
  if (options.explain) return '--threads: --explain is not supported yet';
  for (const w of spec.workload) {
    if (w.kind !== 'permutation' && w.kind !== 'incast' && w.kind !== 'matrix')
      return `--threads: workload ${w.kind} is not supported yet (permutation, incast, matrix)`;
    if (w.kind === 'matrix' && readMatrixFile(w.file).triggers.length > 0) return '--threads: a connection matrix with triggers is not supported yet';
  }
  for (const config of resolveFabrics(spec.fabrics)) {
    const problem = fabricProblem(config);
    if (problem !== null) return `--threads: fabric ${config.name}: ${problem}`;
  }
  return null;
}

function fabricProblem(config: FabricConfig): string | null {
  if (modelOf(config) !== 'packet') return 'only the packet model runs on threads';
  if (!PER_NODE_ROUTINGS.has(routingOf(config).name)) return `routing ${config.routing} is not supported (ecmp, spray, adaptive)`;
  // Go-back-N's receiver reads the sender's window to decide when to ACK; a variable window moves it at the sender only.
  const telemetry = (config as { telemetry?: { window?: string } }).telemetry;
  if (config.cc === 'telemetry' && telemetry?.window === 'variable' && config.lossRecovery === 'go-back-n')
    return 'telemetry CC with a variable window and go-back-N recovery is not supported';
  return null;
}
