import type { Network } from '../fabric/index.js';
import type { Workload } from './workload.js';

/** `senders` GPUs each send `bytes` to one target GPU at once: the receiver's link is the bottleneck. */
export class Incast implements Workload {
  readonly ranks: number;
  readonly totalBytes: number;
  /** algbw is the target's receive rate, so S is everything it receives. */
  readonly algBytes: number;
  readonly busFactor = 1;
  finishedPs = 0;
  private pending: number;

  constructor(
    private readonly senders: number[],
    private readonly target: number,
    private readonly bytes: number,
  ) {
    this.ranks = senders.length + 1;
    this.totalBytes = bytes * senders.length;
    this.algBytes = this.totalBytes;
    this.pending = senders.length;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  start(net: Network): void {
    for (const src of this.senders) {
      net.send(net.openFlow(src, this.target), this.bytes, (atPs) => {
        if (--this.pending === 0) this.finishedPs = atPs;
      });
    }
  }
}
