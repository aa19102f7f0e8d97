import type { EventTarget } from '../engine/index.js';
import type { FabricModel } from '../fabric/index.js';
import type { ConnectionMatrix, MatrixConnection, MatrixTrigger } from './connection-matrix.js';
import type { FlowRecord, RecordsFlows } from './flow-record.js';
import type { Workload } from './workload.js';

/**
 * Traffic from an htsim connection matrix: each connection is one message on its own queue
 * pair, posted at its start time or when its trigger fires, as htsim's triggers do:
 * `oneshot` starts all its connections at its first activation, `multishot` the next one
 * (in file order) per activation, `barrier` all of them at its count-th activation.
 * A connection activates its `send_done_trigger` and `recv_done_trigger` when its last byte
 * is delivered (htsim's RoCE source fires send_done when the last ACK is back, one return
 * path later). FCT = posted to last byte delivered.
 *
 * S in algbw = S / t is the most bytes one node sends or receives (the busiest NIC's
 * bytes), so a permutation or incast matrix reports what those workloads report.
 */
export class MatrixWorkload implements Workload, RecordsFlows, EventTarget {
  readonly ranks: number;
  readonly totalBytes: number;
  readonly algBytes: number;
  readonly busFactor = 1;
  finishedPs = 0;
  private pending: number;
  private net!: FabricModel;
  private readonly records: FlowRecord[];
  private readonly triggers = new Map<number, { spec: MatrixTrigger; targets: number[]; activations: number; fired: number }>();

  constructor(private readonly matrix: ConnectionMatrix) {
    const cs = matrix.connections;
    this.ranks = new Set(cs.flatMap((c) => [c.src, c.dst])).size;
    this.totalBytes = cs.reduce((sum, c) => sum + c.sizeBytes, 0);
    const sent = new Map<number, number>();
    const received = new Map<number, number>();
    for (const c of cs) {
      sent.set(c.src, (sent.get(c.src) ?? 0) + c.sizeBytes);
      received.set(c.dst, (received.get(c.dst) ?? 0) + c.sizeBytes);
    }
    this.algBytes = Math.max(0, ...sent.values(), ...received.values());
    this.pending = cs.length;
    this.records = cs.map((c) => ({ src: c.src, dst: c.dst, sizeBytes: c.sizeBytes, startPs: NaN, fctPs: NaN }));
    for (const t of matrix.triggers) this.triggers.set(t.id, { spec: t, targets: [], activations: 0, fired: 0 });
    cs.forEach((c, i) => c.trigger !== undefined && this.triggers.get(c.trigger)!.targets.push(i));
  }

  get finished(): boolean {
    return this.pending === 0;
  }

  flowRecords(): readonly FlowRecord[] {
    return this.records;
  }

  start(net: FabricModel): void {
    this.net = net;
    this.matrix.connections.forEach((c, i) => c.startPs !== undefined && net.sim.at(c.startPs, this, i));
  }

  /** Event kind = index of the connection to post now. */
  onEvent(index: number): void {
    this.post(index);
  }

  private post(index: number): void {
    const c: MatrixConnection = this.matrix.connections[index]!;
    const record = this.records[index]!;
    record.startPs = this.net.sim.nowPs;
    this.net.send(this.net.openFlow(c.src, c.dst), c.sizeBytes, (atPs) => {
      record.fctPs = atPs - record.startPs;
      if (--this.pending === 0) this.finishedPs = atPs;
      if (c.sendDoneTrigger !== undefined) this.activate(c.sendDoneTrigger);
      if (c.recvDoneTrigger !== undefined) this.activate(c.recvDoneTrigger);
    });
  }

  private activate(id: number): void {
    const t = this.triggers.get(id)!;
    t.activations++;
    const { kind, count } = t.spec;
    if (kind === 'multishot') {
      if (t.fired < t.targets.length) this.post(t.targets[t.fired++]!);
    } else if ((kind === 'oneshot' && t.activations === 1) || (kind === 'barrier' && t.activations === count)) {
      for (const i of t.targets) this.post(i);
    }
  }
}
