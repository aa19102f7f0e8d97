import { splitEvenly } from '../workload.js';
import { Collective, type CollectiveParams } from './collective.js';

/**
 * All-to-all (MoE dispatch): every rank sends S/N to every other rank at once (as NCCL's
 * grouped send/recv posts them all), split across channels. A rank is done when it has
 * received its share from every peer.
 */
export class AllToAll extends Collective {
  readonly algBytes: number;
  readonly busFactor: number;
  private readonly pending: Int32Array;

  constructor(params: CollectiveParams) {
    super(params);
    this.algBytes = params.bytes;
    this.busFactor = (this.ranks - 1) / this.ranks;
    this.pending = new Int32Array(this.ranks);
  }

  protected begin(): void {
    const n = this.ranks;
    const { bytes } = this.params;
    const channels = this.channels;
    // S is what one rank sends in all (itself included): S/N to each peer.
    const perPeer = splitEvenly(bytes, n);
    const perChannel = perPeer.map((b) => splitEvenly(b, channels));
    for (let to = 0; to < n; to++) this.pending[to] = (n - 1) * channels;
    if (n === 1) this.rankDone(0);
    for (let offset = 1; offset < n; offset++) {
      for (let from = 0; from < n; from++) {
        // Peer order shifted per rank, as NCCL does, so no receiver is hit by everyone first.
        const to = (from + offset) % n;
        for (let c = 0; c < channels; c++)
          this.send(from, to, perChannel[to]![c]!, c, (atPs) => {
            if (--this.pending[to]! === 0) this.rankDone(atPs);
          });
      }
    }
  }
}
