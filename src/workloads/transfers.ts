import type { FabricModel } from '../fabric/index.js';
import type { FlowRecord, RecordsFlows } from './flow-record.js';
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
export class Transfers implements Workload, RecordsFlows {
  readonly ranks: number;
  readonly totalBytes: number;
  readonly busFactor = 1;
  finishedPs = 0;
  private pending: number;
  private readonly records: FlowRecord[];

  constructor(
    readonly transfers: readonly Transfer[],
    private readonly bytes: number,
    /** S in algbw = S / t: what one GPU sends (permutation) or the target receives (incast). */
    readonly algBytes: number,
  ) {
    this.ranks = new Set(transfers.flatMap((t) => [t.src, t.dst])).size;
    this.totalBytes = bytes * transfers.length;
    this.pending = transfers.length;
    this.records = transfers.map(({ src, dst }) => ({ src, dst, sizeBytes: bytes, startPs: 0, fctPs: NaN }));
  }

  get gpusInUse(): readonly number[] {
    return [...new Set(this.transfers.flatMap((t) => [t.src, t.dst]))];
  }

  flowRecords(): readonly FlowRecord[] {
    return this.records;
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  start(net: FabricModel): void {
    this.transfers.forEach(({ src, dst }, i) => {
      net.send(net.openFlow(src, dst), this.bytes, (atPs) => {
        this.records[i]!.fctPs = atPs;
        if (--this.pending === 0) this.finishedPs = atPs;
      });
    });
  }
}
