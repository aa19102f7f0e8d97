import { splitEvenly } from '../workload.js';
import { Collective, type CollectiveParams } from './collective.js';

/**
 * All-to-all (MoE dispatch): every rank sends S/N to every other rank at once (as NCCL's
 * grouped send/recv posts them all), split across channels. A rank is done when it has
 * received its share from every peer. On multi-GPU servers with PXN (NCCL ≥ 2.12's default)
 * a message to another server's GPU on rail j first crosses NVLink to the local rail-j GPU,
 * which sends it on: a rail-optimized fabric carries it inside rail j.
 */
export class AllToAll extends Collective {
  readonly algBytes: number;
  protected readonly scaleOutBound = 'alltoall' as const;
  readonly busFactor: number;
  private readonly pending: Int32Array;

  constructor(
    params: CollectiveParams,
    /** PXN (NCCL_PXN_DISABLE=0): a message to a GPU on another rail leaves by the NIC of the local GPU on that rail. */
    private readonly pxn = true,
  ) {
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
    const via = this.pxnRelays();
    for (let offset = 1; offset < n; offset++) {
      for (let from = 0; from < n; from++) {
        // Peer order shifted per rank, as NCCL does, so no receiver is hit by everyone first.
        const to = (from + offset) % n;
        for (let c = 0; c < channels; c++)
          this.sendVia(from, to, via(from, to), perChannel[to]![c]!, c, (atPs) => {
            if (--this.pending[to]! === 0) this.rankDone(atPs);
          });
      }
    }
  }

  /**
   * The GPU a message from rank `from` to rank `to` leaves through: with PXN, the GPU of
   * from's server on to's rail when that GPU is a rank (NCCL's proxy must be one), so
   * inter-server traffic stays on its rail; otherwise from's own GPU.
   */
  private pxnRelays(): (from: number, to: number) => number {
    const { gpus } = this.params;
    const g = this.net.topology.nvlink?.gpusPerNode ?? 1;
    if (!this.pxn || g === 1) return (from) => gpus[from]!;
    const inComm = new Set(gpus);
    return (from, to) => {
      const src = gpus[from]!;
      const dst = gpus[to]!;
      const server = Math.floor(src / g);
      if (server === Math.floor(dst / g)) return src;
      const relay = server * g + (dst % g);
      return inComm.has(relay) ? relay : src;
    };
  }
}
