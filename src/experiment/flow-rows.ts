import type { FabricModel } from '../fabric/index.js';
import { idealFctPs, recordsFlows, type Workload } from '../workloads/index.js';
import type { FlowRow } from './result.js';

const us = (ps: number): number => Number((ps / 1e6).toFixed(6));

/**
 * Each message's FCT as result rows carry them, with its FCT alone on the idle fabric (the
 * background's closed form, idealFctPs); empty for workloads that keep no records (collectives, jobs).
 */
export function flowRows(workload: Workload, net: FabricModel): FlowRow[] {
  if (!recordsFlows(workload)) return [];
  return workload.flowRecords().map((r) => ({
    src: r.src,
    dst: r.dst,
    sizeBytes: r.sizeBytes,
    startUs: Number.isNaN(r.startPs) ? 0 : us(r.startPs),
    fctUs: Number.isNaN(r.fctPs) ? null : us(r.fctPs),
    idealFctUs: us(idealFctPs(net, r.src, r.dst, r.sizeBytes)),
  }));
}
