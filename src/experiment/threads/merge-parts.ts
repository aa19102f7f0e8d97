import type { LatencyHistogram, Simulator } from '../../engine/index.js';
import { FabricMetrics, shapeOf, type FabricModel } from '../../fabric/index.js';
import { createWorkload } from '../create-workload.js';
import { fabricDetail, type LinkBusy } from '../fabric-detail.js';
import { mergeSamples, replaySamples } from '../sampler.js';
import type { FabricResult } from '../result.js';
import { planRuns, summarize, type FabricRun } from '../runner.js';
import type { ExperimentSpec } from '../spec.js';
import type { PartResult } from './run-part.js';

/**
 * One result row from the parts of a run: counters summed, flags or-ed, histograms merged
 * (their counts are those of one histogram fed every sample), the workload finished when
 * every message was delivered somewhere, at the latest delivery; then the sequential path's
 * own summary (`summarize`), so the row has the same fields and formulas.
 */
export function mergeParts(spec: ExperimentSpec, runIndex: number, parts: readonly PartResult[], wallMs: number): FabricResult {
  const { workload: workloadSpec, config } = planRuns(spec)[runIndex]!;
  const metrics = new FabricMetrics();
  const target = metrics as unknown as Record<string, unknown>;
  for (const part of parts)
    for (const [key, value] of Object.entries(part.metrics)) {
      if (typeof value === 'number') target[key] = (target[key] as number) + value;
      else if (typeof value === 'boolean') target[key] = (target[key] as boolean) || value;
      else (target[key] as LatencyHistogram).addEncoded(value);
    }
  const messages = parts[0]!.messages;
  const delivered = parts.reduce((sum, p) => sum + p.delivered, 0);
  const shape = shapeOf(spec.topology);
  const whole = createWorkload(workloadSpec, shape.gpus, spec.seed, shape.gpusPerNode);
  // The workload as built (a collective stays one, for its effective bandwidth), finished at the latest delivery:
  // a collective's last delivery is its last rank's (every other delivery posts a later message).
  const workload = Object.create(whole, {
    // Every posted message delivered is not enough under limits.maxTimeUs (a job may be between steps): the replicas' workload must say so too.
    finished: { value: delivered === messages && parts.every((p) => p.workloadFinished) },
    finishedPs: { value: Math.max(...parts.map((p) => p.lastDeliveredPs)) },
    ...(parts[0]!.reports ? { reports: { value: () => parts[0]!.reports } } : {}),
  }) as typeof whole;
  const pausedPs = parts.reduce((sum, p) => sum + p.pausedPs, 0);
  const net = {
    model: 'packet',
    metrics,
    hostGbps: parts[0]!.hostGbps,
    topology: { nvlink: shape.nvlink },
    attribution: undefined,
    maxQueueBytes: Math.max(...parts.map((p) => p.maxQueueBytes)),
    pausedPsAt: () => pausedPs,
  } as unknown as FabricModel;
  const sim = { nowPs: parts[0]!.endPs, events: parts.reduce((sum, p) => sum + p.events, 0) } as Simulator;
  const row = summarize({ sim, net, workload, config, workloadSpec, stop: 'idle', buildMs: 0, wallMs } as FabricRun<FabricModel>);
  const samples = parts[0]!.samples;
  if (samples !== undefined) {
    const finished = workload.finished;
    const finishedPs = finished ? workload.finishedPs : Infinity;
    const merged = mergeSamples(parts.map((p) => p.samples!.recorded));
    row.detail = fabricDetail(metrics, replaySamples(merged, samples.schedule, finishedPs), sumLinkBusy(parts.map((p) => p.links!)), finished ? finishedPs : sim.nowPs);
  }
  // Each message's row from the thread that delivered it (the others have its FCT null).
  if (parts[0]!.flows !== undefined) row.flows = parts[0]!.flows.map((first, i) => parts.find((p) => p.flows![i]!.fctUs !== null)?.flows![i] ?? first);
  return row;
}

/** Every part's busy time per port, added up: a port runs on one thread only, the others keep it at 0. */
function sumLinkBusy(parts: readonly LinkBusy[][]): LinkBusy[] {
  return parts[0]!.map((group, g) => ({
    ...group,
    busyPs: group.busyPs.map((row, r) => row.map((_, c) => parts.reduce((sum, p) => sum + p[g]!.busyPs[r]![c]!, 0))),
  }));
}
