import { attributeChain, attributionRow, type AttributionRow, type FabricModel } from '../fabric/index.js';
import { AutoCollective, Collective, Jobs, type Workload } from '../workloads/index.js';

/**
 * Where the time went, for a run that asked (`--explain`): one row for the workload — a
 * collective's critical path from its start to its end, or, for other traffic, the chain
 * that ends with the last delivery, from time zero — or, for jobs, one row per job (its
 * collectives' critical paths and its compute, from its start to its end) followed by one
 * per collective of its iteration, summed over the iterations. Null when the
 * model was built without attribution.
 */
export function attributionRows(workload: Workload, net: FabricModel): AttributionRow[] | null {
  const path = net.attribution;
  if (!path) return null;
  const tiers = net.topology.shape.tierNames;
  const end = workload.finished ? workload.finishedPs : net.sim.nowPs;
  if (workload instanceof Jobs) {
    return workload.jobs.flatMap((job) =>
      job.attribution
        ? [
            attributionRow(job.name, job.attribution, tiers),
            ...job.collectiveAttribution.map((b, k) => attributionRow(`${job.name} collective ${k + 1}`, b, tiers)),
          ]
        : [],
    );
  }
  if (workload instanceof Collective || workload instanceof AutoCollective) {
    const tail = workload.finished ? workload.criticalTail : path.last;
    return [attributionRow('workload', attributeChain(tail, workload.startedPs, end), tiers)];
  }
  return [attributionRow('workload', attributeChain(path.last, 0, end), tiers)];
}
