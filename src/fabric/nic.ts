import { psFromNs, psFromUs, serializationPs, Timer } from '../engine/index.js';
import type { CcServices } from './cc/index.js';
import { deliver, type Receiver } from './fabric-model.js';
import type { FabricContext } from './context.js';
import { Fifo } from './fifo.js';
import type { Flow } from './flow.js';
import type { NetworkNode, PacketSource } from './node.js';
import { PacketKind, type Packet } from './packet.js';
import { Port } from './port.js';
import type { NicServices } from './transport/index.js';
import { packetMessageBreakdown } from './attribution/message-breakdown.js';
import { startHopLog } from './attribution/packet-hops.js';
import { FlowSendLog } from './attribution/send-log.js';

interface PendingStart {
  flow: Flow;
  bytes: number;
  postedPs: number;
  receiver: Receiver | undefined;
  tag: number;
}

/** One port's data scheduler: the flows waiting to send on that port, served round-robin. */
class ReadyQueue implements PacketSource {
  readonly flows = new Fifo<Flow>();
  constructor(private readonly nic: Nic) {}

  pull(): Packet | null {
    return this.nic.pullFrom(this.flows);
  }

  get hasWork(): boolean {
    return this.flows.length > 0;
  }
}

/**
 * A GPU's RDMA NIC with a port to its leaf (port 0) and, in a server with an NVLink domain,
 * a second one to the server's NVSwitch (NVLINK_PORT). Each flow sends on one port, fixed
 * when it is opened. Data is pulled by a port when it goes idle (so it leaves at line rate
 * and never queues behind itself); flows with something to send wait in that port's
 * round-robin ready queue; a flow whose congestion control holds it below its line rate
 * sleeps on its pacing timer until its next packet is due. ACKs, NACKs and CNPs go straight
 * into the flow's port's control queue. The host absorbs whatever arrives, so the NIC obeys
 * PAUSE frames but never needs to send one.
 */
export class Nic implements NetworkNode, NicServices, CcServices {
  readonly name: string;
  /** The fabric port (ports[0]). */
  readonly port: Port;
  readonly ports: Port[] = [];
  /** ready[i]: the scheduler of ports[i]. */
  private readonly ready: ReadyQueue[] = [];
  /** In-band telemetry header each fabric data packet and its ACK carry (HPCC's IntHeader), 0 without telemetry CC. */
  private readonly intBytes: number;
  /** The data packet being received (read by deliverInOrder), kept only when the run asks where the time goes. */
  private arriving: Packet | null = null;
  /** Per-message overhead on the fabric port (config.nicOverheadNs), and when the message engine is next free. */
  private readonly overheadPs: number;
  private engineFreePs = 0;

  constructor(
    private readonly ctx: FabricContext,
    readonly host: number,
    readonly rateGbps: number,
  ) {
    this.name = `gpu${host}`;
    this.port = this.addPort(rateGbps);
    this.intBytes = ctx.needs.telemetryHeaderBytes;
    this.overheadPs = psFromNs(ctx.config.nicOverheadNs ?? 0);
  }

  /** Adds a port with its own ready queue; a topology builder cables it. */
  addPort(rateGbps: number): Port {
    const port = new Port(this.ctx.sim, this, this.ports.length, rateGbps, this.ctx.portClocks);
    port.stampHops = this.ctx.attribution !== undefined;
    const queue = new ReadyQueue(this);
    port.source = queue;
    this.ports.push(port);
    this.ready.push(queue);
    return port;
  }

  /** Timer handlers shared by every queue pair of this NIC (no closure per queue pair). */
  private readonly onRto = (flow: Flow): void => this.ctx.recovery.onTimeout(flow, this);
  private readonly onPaced = (flow: Flow): void => this.wake(flow);

  /** Sets up `flow`'s timers and congestion-control state; called once when it is opened. */
  attach(flow: Flow): void {
    flow.rtoPs = psFromUs(this.ctx.config.rtoUs);
    flow.rto = new Timer(this.ctx.sim, this.onRto, flow);
    flow.paceTimer = new Timer(this.ctx.sim, this.onPaced, flow);
    this.ctx.cc.init(flow);
    if (this.ctx.attribution) flow.sendLog = new FlowSendLog();
  }

  /**
   * Queues a message on `flow` (this NIC must be its source). With a per-message overhead
   * (config.nicOverheadNs) a fabric message starts once the NIC's one message engine has
   * spent that long on it after the previous start (LogP's o, serial per NIC); its FCT still
   * counts from the post. Its delivery goes to `receiver` (a target with `tag`).
   */
  send(flow: Flow, bytes: number, receiver?: Receiver, tag = 0): void {
    const { sim } = this.ctx;
    if (this.overheadPs === 0 || flow.nicPort !== 0) return this.start(flow, bytes, sim.nowPs, receiver, tag);
    this.engineFreePs = Math.max(sim.nowPs, this.engineFreePs) + this.overheadPs;
    sim.at(this.engineFreePs, this, 0, { flow, bytes, postedPs: sim.nowPs, receiver, tag } satisfies PendingStart);
  }

  /** A message whose overhead has been paid (see send). */
  onEvent(_kind: number, pending: unknown): void {
    const { flow, bytes, postedPs, receiver, tag } = pending as PendingStart;
    this.start(flow, bytes, postedPs, receiver, tag);
  }

  private start(flow: Flow, bytes: number, postedPs: number, receiver: Receiver | undefined, tag: number): void {
    const message = flow.post(bytes, postedPs, receiver, tag);
    // Attribution: from the post, so a per-message overhead waited counts as time at the NIC (queueing.nic).
    const log = flow.sendLog;
    if (log !== null) log.posted(message.firstPsn, postedPs, this.ports[flow.nicPort]!.pausedPsAt(this.ctx.sim.nowPs));
    this.ctx.metrics.messagesPosted++;
    this.wake(flow);
  }

  wake(flow: Flow): void {
    if (!flow.inReadyQueue) {
      if (this.ctx.recovery.canSend(flow)) {
        flow.sendLog?.unblock(this.ctx.sim.nowPs);
        flow.inReadyQueue = true;
        this.ready[flow.nicPort]!.flows.push(flow);
      } else if (flow.sendLog !== null && flow.hasUnsent) flow.sendLog.block(this.ctx.sim.nowPs);
    }
    this.ports[flow.nicPort]!.kick();
  }

  /** The next data packet for the port whose ready queue is `ready`, or null. */
  pullFrom(ready: Fifo<Flow>): Packet | null {
    const { recovery, sim } = this.ctx;
    for (;;) {
      const flow = ready.shift();
      if (!flow) return null;
      if (!recovery.canSend(flow)) {
        flow.inReadyQueue = false;
        if (flow.sendLog !== null && flow.hasUnsent) flow.sendLog.block(sim.nowPs);
        continue;
      }
      if (flow.nextSendPs > sim.nowPs) {
        // Rate-limited: sleep until the pacer allows the next packet.
        flow.inReadyQueue = false;
        flow.paceTimer.set(flow.nextSendPs - sim.nowPs);
        continue;
      }
      const packet = this.dataPacket(flow, recovery.takeNextPsn(flow));
      if (recovery.canSend(flow)) ready.push(flow);
      else {
        flow.inReadyQueue = false;
        if (flow.sendLog !== null && flow.hasUnsent) flow.sendLog.block(sim.nowPs);
      }
      return packet;
    }
  }

  private dataPacket(flow: Flow, psn: number): Packet {
    const { config, metrics, pool, sim, cc } = this.ctx;
    const payload = flow.payloadOf(psn);
    const intBytes = flow.nicPort === 0 ? this.intBytes : 0;
    const packet = pool.take(PacketKind.Data, flow, payload + config.headerBytes + intBytes, payload, psn);
    packet.srcHost = this.host;
    packet.dstHost = flow.dstHost;
    packet.hash = flow.hash | 0;
    packet.sentPs = sim.nowPs;
    if (psn < flow.sentEndPsn) {
      packet.isRetransmit = true;
      metrics.retransmits++;
    } else {
      flow.sentEndPsn = psn + 1;
    }
    if (flow.sendLog !== null) this.logSend(flow, packet);
    metrics.dataPacketsSent++;
    metrics.dataBytesSent += payload;
    if (flow.nicPort !== 0) metrics.nvlinkBytesSent += payload;
    // The pacer's gap, as HPCC's ns-3 (RdmaHw::UpdateNextAvail): this packet's size at the flow's rate.
    flow.lastPacketBytes = packet.sizeBytes;
    flow.nextSendPs = sim.nowPs + serializationPs(packet.sizeBytes, flow.rateGbps);
    cc.onSend(flow, packet);
    if (!flow.rto.armed) flow.rto.set(flow.rtoPs);
    return packet;
  }

  /** Attribution: the sender's log of `packet` (before the pacer moves on) and its hop log. */
  private logSend(flow: Flow, packet: Packet): void {
    const now = this.ctx.sim.nowPs;
    const port = this.ports[flow.nicPort]!;
    const pausedPs = port.pausedPsAt(now);
    startHopLog(packet, now, pausedPs);
    if (packet.isRetransmit) flow.sendLog!.resend(packet.psn, now);
    else flow.sendLog!.firstSend(packet.psn, now, serializationPs(packet.sizeBytes, port.rateGbps), flow.nextSendPs, pausedPs);
  }

  /**
   * Sets `flow`'s rate. A gap already pending after the last packet is rescaled to the new
   * rate, as HPCC's ns-3 does (RdmaHw::ChangeRate: nextAvail += tx(last, new) − tx(last, old),
   * and the NIC's wake-up moves with it), so a cut mid-gap delays the next packet and a raise
   * brings it forward.
   */
  setRate(flow: Flow, rateGbps: number): void {
    const oldGbps = flow.rateGbps;
    if (rateGbps === oldGbps) return;
    flow.rateGbps = rateGbps;
    const bytes = flow.lastPacketBytes;
    if (bytes === 0) return;
    flow.nextSendPs += serializationPs(bytes, rateGbps) - serializationPs(bytes, oldGbps);
    if (flow.paceTimer.armed) flow.paceTimer.set(Math.max(0, flow.nextSendPs - this.ctx.sim.nowPs));
  }

  sendAck(flow: Flow, psn: number, trigger?: Packet): void {
    this.sendControl(PacketKind.Ack, flow, psn, trigger);
  }

  sendNack(flow: Flow, psn: number, trigger?: Packet): void {
    this.ctx.metrics.nacks++;
    this.sendControl(PacketKind.Nack, flow, psn, trigger);
  }

  sendCnp(flow: Flow): void {
    this.ctx.metrics.cnps++;
    this.sendControl(PacketKind.Cnp, flow, 0);
  }

  private sendControl(kind: PacketKind, flow: Flow, psn: number, trigger?: Packet): void {
    // An ACK/NACK echoes the data packet's telemetry header (HPCC's qbbHeader carries the IntHeader).
    const intBytes = kind !== PacketKind.Cnp && flow.nicPort === 0 ? this.intBytes : 0;
    const packet = this.ctx.pool.take(kind, flow, this.ctx.config.controlBytes + intBytes, 0, psn);
    packet.srcHost = this.host;
    packet.dstHost = flow.srcHost;
    packet.hash = flow.reverseHash | 0;
    packet.sentPs = this.ctx.sim.nowPs;
    if (trigger) {
      packet.sackPsn = trigger.psn;
      // The receiver is done with the data packet (released once this returns): its record moves.
      packet.takeIntFrom(trigger);
    }
    this.ports[flow.nicPort]!.enqueue(packet);
  }

  deliverInOrder(flow: Flow): boolean {
    const { metrics, sim } = this.ctx;
    let completed = false;
    for (let m = flow.nextDelivered(flow.rcvNxt); m; m = flow.nextDelivered(flow.rcvNxt)) {
      completed = true;
      metrics.messagesDelivered++;
      metrics.bytesDelivered += m.bytes;
      metrics.messageFctNs.record((sim.nowPs - m.postedPs) / 1000);
      const attribution = this.ctx.attribution;
      if (attribution !== undefined && flow.sendLog !== null) {
        packetMessageBreakdown(attribution, flow, flow.sendLog, m, this.arriving!, sim.nowPs);
        flow.sendLog.forgetSentBefore(flow.undeliveredSincePs);
      }
      if (flow.deliveredTo !== null) flow.deliveredTo.deliveredBytes += m.bytes;
      if (m.receiver !== undefined) deliver(m.receiver, m.tag, sim.nowPs);
    }
    return completed;
  }

  // PAUSE/RESUME never get here (the link hands them to the port), so the ingress port is unused.
  receive(packet: Packet, _ingress: number): void {
    const { metrics, recovery, sim, pool, cc } = this.ctx;
    switch (packet.kind) {
      case PacketKind.Data: {
        const flow = packet.flow!;
        metrics.dataPacketsArrived++;
        metrics.dataBytesArrived += packet.payloadBytes;
        // The fabric's latency: NVLink packets inside a server would only dilute its tail.
        if (flow.nicPort === 0) metrics.packetLatencyNs.record((sim.nowPs - packet.sentPs) / 1000);
        else metrics.nvlinkBytesArrived += packet.payloadBytes;
        cc.onData(flow, packet, this);
        if (flow.sendLog !== null) this.arriving = packet;
        recovery.onData(flow, packet, this);
        break;
      }
      case PacketKind.Ack:
        cc.onAck(packet.flow!, packet);
        recovery.onAck(packet.flow!, packet, this);
        break;
      case PacketKind.Nack:
        cc.onAck(packet.flow!, packet);
        recovery.onNack(packet.flow!, packet, this);
        break;
      case PacketKind.Cnp:
        cc.onCnp(packet.flow!);
        break;
    }
    pool.release(packet);
  }

  onDeparted(): void {}
}
