import { recordsFlows, type Workload } from '../workloads/index.js';
import type { FlowRow } from './result.js';

const us = (ps: number): number => Number((ps / 1e6).toFixed(6));

/** Each message's FCT as result rows carry them; empty for workloads that keep no records (collectives, jobs). */
export function flowRows(workload: Workload): FlowRow[] {
  if (!recordsFlows(workload)) return [];
  return workload.flowRecords().map((r) => ({
    src: r.src,
    dst: r.dst,
    sizeBytes: r.sizeBytes,
    startUs: Number.isNaN(r.startPs) ? 0 : us(r.startPs),
    fctUs: Number.isNaN(r.fctPs) ? null : us(r.fctPs),
  }));
}
