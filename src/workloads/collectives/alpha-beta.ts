import { serializationPs, usFromPs } from '../../engine/index.js';
import type { FabricModel } from '../../fabric/index.js';

/**
 * Alpha-beta cost of ring all-reduce, T = 2(N−1)·α + 2(N−1)/N · S/B, with B the payload
 * goodput of a link and α the model's own per-hop latency: the last packet of a chunk,
 * once serialized at the sender, crosses the remaining hops store-and-forward plus every
 * link's propagation. A step waits for the previous one from the predecessor, so the
 * critical path walks 2(N−1) consecutive ring edges: α is the mean over the ring's edges.
 * A non-blocking fabric should run a single-channel ring within a few percent of it.
 */
export function ringAllReduceAlphaBetaUs(net: FabricModel, gpus: readonly number[], bytes: number): { totalUs: number; bandwidthUs: number } {
  const n = gpus.length;
  const { mtuBytes, headerBytes } = net.config;
  const rate = net.hostGbps;
  const goodputBytesPerUs = ((rate * 1e3) / 8) * (mtuBytes / (mtuBytes + headerBytes));
  let alphaSumPs = 0;
  for (let r = 0; r < n; r++) {
    const hops = net.topology.hops(gpus[r]!, gpus[(r + 1) % n]!);
    alphaSumPs += hops * net.topology.linkDelayPs + (hops - 1) * serializationPs(mtuBytes + headerBytes, rate);
  }
  const alphaPs = alphaSumPs / n;
  const bandwidthUs = ((2 * (n - 1)) / n) * (bytes / goodputBytesPerUs);
  return { totalUs: 2 * (n - 1) * usFromPs(alphaPs) + bandwidthUs, bandwidthUs };
}
