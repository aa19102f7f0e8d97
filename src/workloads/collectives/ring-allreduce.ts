import type { Flow, Network } from '../../fabric/index.js';
import { splitEvenly, type Workload } from '../workload.js';

export interface RingAllReduceParams {
  /** Buffer size per rank, S. */
  bytes: number;
  /** Parallel rings, each on its own queue pair per neighbour pair. */
  channels: number;
  /** GPUs of rank 0..ranks-1 (placement). */
  gpus: number[];
}

/**
 * Ring all-reduce: reduce-scatter then all-gather, 2(N−1) steps per channel. The buffer is
 * split across channels, each channel's part into N chunks. At step s rank r sends one
 * chunk to rank r+1; it may send step s+1 once step s from rank r−1 has arrived (it must
 * reduce or copy it first). Traffic per rank: 2(N−1)/N · S.
 */
export class RingAllReduce implements Workload {
  readonly ranks: number;
  readonly algBytes: number;
  readonly busFactor: number;
  readonly totalBytes: number;
  finishedPs = 0;
  private readonly steps: number;
  /** chunkBytes[c][i]: size of chunk i of channel c. */
  private readonly chunkBytes: number[][];
  /** flows[c * N + r]: channel c, rank r → r+1. */
  private readonly flows: Flow[] = [];
  private pending: number;
  private net!: Network;

  constructor(private readonly params: RingAllReduceParams) {
    const n = params.gpus.length;
    this.ranks = n;
    this.steps = 2 * (n - 1);
    this.algBytes = params.bytes;
    this.busFactor = (2 * (n - 1)) / n;
    this.chunkBytes = splitEvenly(params.bytes, params.channels).map((part) => splitEvenly(part, n));
    this.pending = params.channels * n;
    let total = 0;
    for (let c = 0; c < params.channels; c++)
      for (let r = 0; r < n; r++) for (let s = 0; s < this.steps; s++) total += this.chunkSize(c, r, s);
    this.totalBytes = total;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  start(net: Network): void {
    this.net = net;
    const n = this.ranks;
    const gpus = this.params.gpus;
    if (n < 2) {
      this.pending = 0;
      return;
    }
    for (let c = 0; c < this.params.channels; c++)
      for (let r = 0; r < n; r++) this.flows.push(net.openFlow(gpus[r]!, gpus[(r + 1) % n]!));
    for (let c = 0; c < this.params.channels; c++) for (let r = 0; r < n; r++) this.sendStep(c, r, 0);
  }

  /** Bytes rank r sends at step s of channel c. */
  private chunkSize(c: number, r: number, s: number): number {
    const n = this.ranks;
    // Reduce-scatter sends chunk (r − s), all-gather then forwards chunk (r + 1 − s') .
    const chunk = s < n - 1 ? r - s : r + 1 - (s - (n - 1));
    return this.chunkBytes[c]![((chunk % n) + n) % n]!;
  }

  private sendStep(c: number, r: number, s: number): void {
    const n = this.ranks;
    const next = (r + 1) % n;
    this.net.send(this.flows[c * n + r]!, this.chunkSize(c, r, s), (atPs) => this.received(c, next, s, atPs));
  }

  /** Rank r got step s of channel c from its predecessor. */
  private received(c: number, r: number, s: number, atPs: number): void {
    if (s + 1 < this.steps) {
      this.sendStep(c, r, s + 1);
      return;
    }
    if (--this.pending === 0) this.finishedPs = atPs;
  }
}
