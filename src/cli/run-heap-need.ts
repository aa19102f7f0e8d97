import { getHeapStatistics } from 'node:v8';
import { loadSpec, modelOf, planRuns } from '../experiment/index.js';
import { shapeOf } from '../fabric/topology/index.js';
import { runPeakMiB } from './run-jobs.js';

/**
 * The estimate of a run's peak (run-jobs.ts) is rough — packets in flight grow with the
 * workload — so a run stays in this process only while 4 times its estimate fits the heap.
 */
const HEADROOM = 4;

/**
 * Does `fabsim run SPEC` need the larger heap of a relaunched child (heap-limit.ts)? Only a
 * large topology does; a small run is spared the second Node and its module loading (~1 s
 * of CPU on this machine). Each --jobs worker is an isolate with a heap limit of its own,
 * so the largest single run decides. An unreadable or invalid spec needs no relaunch: the
 * command reports it from here.
 */
export function runNeedsLargerHeap(specPath: string, heapLimitMiB = getHeapStatistics().heap_size_limit / 2 ** 20): boolean {
  let spec;
  try {
    spec = loadSpec(specPath);
  } catch {
    return false;
  }
  const packet = planRuns(spec).some((r) => modelOf(r.config) === 'packet');
  return HEADROOM * runPeakMiB(shapeOf(spec.topology).gpus, packet ? 'packet' : 'flow') > heapLimitMiB;
}
