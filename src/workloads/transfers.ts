import type { FabricModel } from '../fabric/index.js';
import type { Workload } from './workload.js';

/** One message from `src` to `dst`. */
export interface Transfer {
  src: number;
  dst: number;
}

/**
 * Synthetic traffic: every transfer posts `bytes` on its own flow at time zero; the
 * workload ends when the last one is delivered. Permutation and incast are two shapes.
 */
export class Transfers implements Workload {
  readonly ranks: number;
  readonly totalBytes: number;
  readonly busFactor = 1;
  finishedPs = 0;
  private pending: number;

  constructor(
    readonly transfers: readonly Transfer[],
    private readonly bytes: number,
    /** S in algbw = S / t: what one GPU sends (permutation) or the target receives (incast). */
    readonly algBytes: number,
  ) {
    this.ranks = new Set(transfers.flatMap((t) => [t.src, t.dst])).size;
    this.totalBytes = bytes * transfers.length;
    this.pending = transfers.length;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  start(net: FabricModel): void {
    for (const { src, dst } of this.transfers) {
      net.send(net.openFlow(src, dst), this.bytes, (atPs) => {
        if (--this.pending === 0) this.finishedPs = atPs;
      });
    }
  }
}
