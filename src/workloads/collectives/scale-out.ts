import { serversOf } from './rails.js';

/** Which lower bound on scale-out traffic a collective obeys. */
export type ScaleOutBound = 'allreduce' | 'gather' | 'alltoall' | 'broadcast';

/**
 * The least bytes each NIC must move over the scale-out fabric, per byte of nccl-tests' S,
 * for ranks on `gpus` in servers of `gpusPerNode` GPUs (one NIC per GPU), whatever the
 * algorithm: with M servers of G ranks, a server must send (and receive) through its G NICs
 * all-reduce 2(M−1)/M·S, all-gather / reduce-scatter (M−1)/M·S (S the gathered buffer),
 * all-to-all G(n−G)/n·S, broadcast S (non-root servers receive it). Per NIC: divided by G.
 * Servers of one GPU (no NVLink domain) give nccl-tests' bus factors; one server gives 0
 * (nothing has to cross the fabric). Assumes whole servers: G is the mean ranks per server.
 */
export function scaleOutFactor(bound: ScaleOutBound, gpus: readonly number[], gpusPerNode: number): number {
  const n = gpus.length;
  const m = serversOf(gpus, gpusPerNode).length;
  if (m < 2) return 0;
  const g = n / m;
  switch (bound) {
    case 'allreduce':
      return (2 * (m - 1)) / m / g;
    case 'gather':
      return (m - 1) / m / g;
    case 'alltoall':
      return (n - g) / n;
    case 'broadcast':
      return 1 / g;
  }
}
