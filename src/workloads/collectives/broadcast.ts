import { splitEvenly } from '../workload.js';
import { Collective, sliceCount, type CollectiveParams } from './collective.js';

/**
 * Ring broadcast from rank 0, as NCCL runs it: the buffer is cut into slices of at most
 * `chunkBytes` (default: S / 8, NCCL_STEPS deep), split across channels; rank 0 sends each
 * slice to rank 1 and every rank forwards a slice to the next as soon as it has it.
 * Time ≈ S/B + (N − 2)·(α + slice/B): a pipeline.
 */
export class Broadcast extends Collective {
  readonly algBytes: number;
  protected readonly scaleOutBound = 'broadcast' as const;
  readonly busFactor = 1;
  private readonly slices: number[];
  private readonly pending: Int32Array;

  constructor(params: CollectiveParams) {
    super(params);
    this.algBytes = params.bytes;
    const perChannel = splitEvenly(params.bytes, this.channels);
    const chunk = params.chunkBytes ?? Math.max(1, Math.ceil(params.bytes / this.channels / 8));
    this.slices = perChannel.flatMap((b) => splitEvenly(b, sliceCount(b, chunk)));
    this.pending = new Int32Array(this.ranks).fill(this.slices.length);
  }

  protected begin(): void {
    this.rankDone(0); // the root holds the data already
    if (this.ranks > 1) this.slices.forEach((bytes, i) => this.forward(i, 0, bytes));
  }

  private forward(slice: number, from: number, bytes: number): void {
    const to = from + 1;
    this.send(from, to, bytes, slice % this.channels, (atPs) => {
      if (to + 1 < this.ranks) this.forward(slice, to, bytes);
      if (--this.pending[to]! === 0) this.rankDone(atPs);
    });
  }
}
