import { splitEvenly } from '../workload.js';
import { Collective, type CollectiveParams } from './collective.js';

/**
 * Halving-doubling all-reduce for a power-of-two N: reduce-scatter by recursive halving
 * (step k: exchange half the current segment with the rank 2^(L−1−k) away), then
 * all-gather by recursive doubling (step k: exchange the segment with the rank 2^k away).
 * 2·log2(N) steps, 2(N−1)/N·S per rank; step k+1 waits for step k's data from the partner.
 * Channels split the buffer, each running the whole schedule on its own connections.
 */
export class HalvingDoubling extends Collective {
  readonly algBytes: number;
  protected readonly scaleOutBound = 'allreduce' as const;
  readonly busFactor: number;
  private readonly levels: number;
  /** Prefix sums of chunk sizes per channel: bytes of chunks [lo, hi) = prefix[hi] − prefix[lo]. */
  private readonly prefix: number[][];
  /** arrived[(c·N + r)·2L + step]: the partner's data for that step is there. */
  private readonly arrived: Uint8Array;
  /** Next step each (channel, rank) will send. */
  private readonly nextStep: Int32Array;
  private readonly pendingChannels: Int32Array;

  constructor(params: CollectiveParams) {
    super(params);
    const n = this.ranks;
    this.levels = Math.log2(n);
    if (!Number.isInteger(this.levels)) throw new RangeError(`workload.ranks: halving-doubling needs a power of two, got ${n}`);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (n - 1)) / n;
    this.prefix = splitEvenly(params.bytes, this.channels).map((b) => {
      const sums = [0];
      for (const chunk of splitEvenly(b, n)) sums.push(sums[sums.length - 1]! + chunk);
      return sums;
    });
    this.arrived = new Uint8Array(this.channels * n * 2 * this.levels);
    this.nextStep = new Int32Array(this.channels * n);
    this.pendingChannels = new Int32Array(n).fill(this.channels);
  }

  protected begin(): void {
    if (this.levels === 0) {
      this.rankDone(0);
      return;
    }
    for (let c = 0; c < this.channels; c++) for (let r = 0; r < this.ranks; r++) this.advance(c, r);
  }

  /**
   * Chunk range [lo, hi) that rank r sends at `step`: in halving step k it gives away the
   * half of its segment the partner keeps; in doubling step k it sends all it holds.
   */
  private range(r: number, step: number): [number, number] {
    const n = this.ranks;
    const L = this.levels;
    let lo = 0;
    let hi = n;
    const halvings = step < L ? step : L;
    for (let k = 0; k < halvings; k++) {
      const mid = (lo + hi) >> 1;
      if (r & (n >> (k + 1))) lo = mid;
      else hi = mid;
    }
    if (step < L) {
      const mid = (lo + hi) >> 1;
      return r & (n >> (step + 1)) ? [lo, mid] : [mid, hi];
    }
    // Doubling step j: the segment held grows back, doubling per step.
    const j = step - L;
    for (let k = L - 1; k > L - 1 - j; k--) {
      const size = hi - lo;
      if (r & (n >> (k + 1))) lo -= size;
      else hi += size;
    }
    return [lo, hi];
  }

  private partner(r: number, step: number): number {
    const L = this.levels;
    return step < L ? r ^ (this.ranks >> (step + 1)) : r ^ (1 << (step - L));
  }

  /** Sends every step whose input is there, in order. */
  private advance(c: number, r: number): void {
    const n = this.ranks;
    const slot = c * n + r;
    const base = slot * 2 * this.levels;
    for (;;) {
      const step = this.nextStep[slot]!;
      if (step >= 2 * this.levels) return;
      if (step > 0 && !this.arrived[base + step - 1]) return;
      this.nextStep[slot] = step + 1;
      const [lo, hi] = this.range(r, step);
      const bytes = this.prefix[c]![hi]! - this.prefix[c]![lo]!;
      const to = this.partner(r, step);
      this.send(r, to, bytes, c, (atPs) => this.received(c, to, step, atPs));
    }
  }

  private received(c: number, r: number, step: number, atPs: number): void {
    const slot = c * this.ranks + r;
    this.arrived[slot * 2 * this.levels + step] = 1;
    if (step === 2 * this.levels - 1) {
      if (--this.pendingChannels[r]! === 0) this.rankDone(atPs);
      return;
    }
    this.advance(c, r);
  }
}
