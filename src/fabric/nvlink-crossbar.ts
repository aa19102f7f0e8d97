import { serializationPs, type EventTarget, type Simulator } from '../engine/index.js';
import { deliver, type DeliveredBytes, type FabricFlow, type Receiver } from './fabric-model.js';
import type { FabricMetrics } from './metrics.js';
import type { Port } from './port.js';
import { Part } from './attribution/parts.js';
import type { CriticalPath } from './attribution/critical-path.js';

/** A queue pair between two GPUs of one server when NVLink is modelled per message. */
export class NvlinkFlow implements FabricFlow {
  deliveredTo: DeliveredBytes | null = null;

  constructor(
    readonly id: number,
    readonly src: number,
    readonly dst: number,
  ) {}
}

/** A message crossing the NVSwitch: its wire time and where it is. */
interface Transfer {
  flow: NvlinkFlow;
  bytes: number;
  frames: number;
  postedPs: number;
  /** Serialization of all its frames at NVLink rate, and of its first (the largest) frame. */
  wirePs: number;
  firstFramePs: number;
  /** Its last bit has left the sending GPU. */
  egressEndPs: number;
  /** Told of the delivery (a target with `tag`), if anyone. */
  receiver: Receiver | undefined;
  tag: number;
}

const AT_INGRESS = 0;
const DELIVERED = 1;

/**
 * The servers' NVSwitches at message granularity (topology `nvlinkModel: message`). An
 * NVSwitch is non-blocking, so the only places NVLink traffic can wait are a GPU's own
 * NVLink egress and the switch port down to the receiving GPU; each is a FIFO server at
 * NVLink rate, fed in posting order (egress) and arrival order (ingress). A message's
 * frames stream through both: with nothing in the way it arrives when the packet model's
 * store-and-forward NVSwitch would deliver it, to the picosecond — last frame leaves the
 * GPU, one hop, its first (largest) frame's time again, one hop — but costs two events
 * instead of ~3 per frame. Not modelled: per-frame interleaving of
 * concurrent messages (the order of their completions, not the total, differs) and NVLink
 * ACKs, which real NVLink does not send (credit-based link-level flow control).
 * Busy time and bytes go to the NVLink ports so utilization reports stay true.
 */
export class NvlinkCrossbar implements EventTarget {
  private readonly egressFreePs: Float64Array;
  private readonly ingressFreePs: Float64Array;
  private readonly fullFramePs: number;

  constructor(
    private readonly sim: Simulator,
    private readonly metrics: FabricMetrics,
    private readonly gbps: number,
    private readonly hopDelayPs: number,
    private readonly mtuBytes: number,
    private readonly headerBytes: number,
    /** Per GPU: its NIC's NVLink port, and the NVSwitch port down to it. */
    private readonly egressPorts: readonly Port[],
    private readonly ingressPorts: readonly Port[],
    /** Set when the run asks where the time goes: a message here is NVLink time, whole. */
    private readonly attribution?: CriticalPath,
  ) {
    this.egressFreePs = new Float64Array(egressPorts.length);
    this.ingressFreePs = new Float64Array(ingressPorts.length);
    this.fullFramePs = serializationPs(mtuBytes + headerBytes, gbps);
  }

  /** Set under `--threads` (partition/network-partition.ts): it decides which replica sends, and calls sendHere. */
  divert: ((flow: NvlinkFlow, bytes: number, receiver?: Receiver, tag?: number) => void) | null = null;

  /** Sends a message; its delivery goes to `receiver` (a target with `tag`). */
  send(flow: NvlinkFlow, bytes: number, receiver?: Receiver, tag = 0): void {
    if (this.divert !== null) this.divert(flow, bytes, receiver, tag);
    else this.sendHere(flow, bytes, receiver, tag);
  }

  /** The message enters the sending GPU's NVLink egress now. */
  sendHere(flow: NvlinkFlow, bytes: number, receiver?: Receiver, tag = 0): void {
    const now = this.sim.nowPs;
    const frames = Math.max(1, Math.ceil(bytes / this.mtuBytes));
    const lastPayload = bytes - (frames - 1) * this.mtuBytes;
    const lastFramePs = serializationPs(lastPayload + this.headerBytes, this.gbps);
    const firstFramePs = frames === 1 ? lastFramePs : this.fullFramePs;
    const wirePs = (frames - 1) * this.fullFramePs + lastFramePs;
    const startPs = Math.max(now, this.egressFreePs[flow.src]!);
    const egressEndPs = startPs + wirePs;
    this.egressFreePs[flow.src] = egressEndPs;
    this.metrics.messagesPosted++;
    const transfer: Transfer = { flow, bytes, frames, postedPs: now, wirePs, firstFramePs, egressEndPs, receiver, tag };
    // Its first frame reaches the NVSwitch's port towards the receiver.
    this.sim.at(startPs + firstFramePs + this.hopDelayPs, this, AT_INGRESS, transfer);
  }

  onEvent(kind: number, arg: unknown): void {
    const t = arg as Transfer;
    if (kind === AT_INGRESS) {
      // On the wire now (not when posted behind other messages): count it as sent.
      const wireBytes = t.bytes + t.frames * this.headerBytes;
      const egress = this.egressPorts[t.flow.src]!;
      egress.busyPs += t.wirePs;
      egress.txBytes += wireBytes;
      this.metrics.dataPacketsSent += t.frames;
      this.metrics.dataBytesSent += t.bytes;
      this.metrics.nvlinkBytesSent += t.bytes;
      const dst = t.flow.dst;
      const startPs = Math.max(this.sim.nowPs, this.ingressFreePs[dst]!);
      // The last frame cannot leave before it has arrived, nor before the frame ahead of it
      // (a full one, unless it is the only one: the first frame's time either way).
      const endPs = Math.max(startPs + t.wirePs, t.egressEndPs + this.hopDelayPs + t.firstFramePs);
      this.ingressFreePs[dst] = endPs;
      const ingress = this.ingressPorts[dst]!;
      ingress.busyPs += t.wirePs;
      ingress.txBytes += wireBytes;
      this.sim.at(endPs + this.hopDelayPs, this, DELIVERED, t);
      return;
    }
    const m = this.metrics;
    m.dataPacketsArrived += t.frames;
    m.dataBytesArrived += t.bytes;
    m.nvlinkBytesArrived += t.bytes;
    m.messagesDelivered++;
    m.bytesDelivered += t.bytes;
    m.messageFctNs.record((this.sim.nowPs - t.postedPs) / 1000);
    if (this.attribution) this.attribution.resetScratch()[Part.Nvlink] = this.sim.nowPs - t.postedPs;
    if (t.flow.deliveredTo !== null) t.flow.deliveredTo.deliveredBytes += t.bytes;
    if (t.receiver !== undefined) deliver(t.receiver, t.tag, this.sim.nowPs);
  }
}
