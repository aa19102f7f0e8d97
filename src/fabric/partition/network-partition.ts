import type { Simulator } from '../../engine/index.js';
import type { KeyedEventQueue, NodeTarget } from '../../engine/parallel/keyed-event-queue.js';
import type { PeerExchange } from '../../engine/parallel/peer-exchange.js';
import type { WindowExchange } from '../../engine/parallel/window-loop.js';
import type { Flow } from '../flow.js';
import type { LinkCarrier } from '../link.js';
import type { Network, NetworkPartitionHook } from '../network.js';
import type { NetworkNode } from '../node.js';
import { isPfcFrame, PacketKind, type Packet, type PacketPool } from '../packet.js';
import type { Port } from '../port.js';
import { decodePacket, Outbox } from './packet-codec.js';
import type { Ownership } from './ownership.js';

/**
 * One link under `--threads`: each packet gets its own arrival event, keyed by the sending
 * node at the moment it is put on the wire (a Link keeps one event for its head, keyed by
 * whichever node ran last: that would depend on the partitioning). A packet for a node of
 * another thread goes to that thread's outbox with its key; that thread schedules the same
 * arrival on its replica of this link.
 */
class CutLink implements LinkCarrier, NodeTarget {
  constructor(
    readonly partitionNode: number,
    private readonly index: number,
    private readonly delayPs: number,
    private readonly to: NetworkNode,
    private readonly toPort: number,
    private readonly peer: Port,
    private readonly sim: Simulator,
    private readonly queue: KeyedEventQueue,
    private readonly pool: PacketPool,
    /** null: the far end is simulated by this thread. */
    private readonly outbox: Outbox | null,
  ) {}

  carry(packet: Packet, departPs: number): void {
    const arrivalPs = departPs + this.delayPs;
    if (this.outbox === null) {
      packet.arrivalPs = arrivalPs;
      this.sim.at(arrivalPs, this, 0, packet);
      return;
    }
    this.outbox.push(this.index, arrivalPs, this.queue.takeKey(), packet);
    this.pool.release(packet);
  }

  onEvent(_kind: number, arg: unknown): void {
    const packet = arg as Packet;
    if (isPfcFrame(packet.kind)) {
      this.peer.setPaused(packet.kind === PacketKind.Pause);
      this.pool.release(packet);
      return;
    }
    this.to.receive(packet, this.toPort);
  }
}

/**
 * One thread's share of a replicated network: it simulates the nodes `ownership` gives part
 * `part`, and trades packets on cut links with the other threads. The workload runs whole in
 * every replica: a message whose sender is elsewhere is only posted on its queue pair (so the
 * receiver here knows where messages end); one sent from here runs as the sending NIC's.
 */
export class NetworkPartition implements NetworkPartitionHook, WindowExchange {
  private readonly flows: Flow[] = [];
  private readonly outboxes: (Outbox | null)[];
  private readonly cuts: CutLink[];
  /** Messages the workload sent (in every replica alike), those delivered here, and when the last was. */
  messages = 0;
  delivered = 0;
  lastDeliveredPs = 0;
  /** Packets that came in from other threads. */
  packetsIn = 0;

  constructor(
    private readonly net: Network,
    private readonly queue: KeyedEventQueue,
    readonly ownership: Ownership,
    readonly part: number,
    private readonly exchange: PeerExchange | null,
  ) {
    const { parts, partOf, links, linkTo } = ownership;
    this.outboxes = Array.from({ length: parts }, (_, p) => (p === part ? null : new Outbox()));
    const pool = net.packetPool;
    this.cuts = links.map((link, i) => {
      const to = linkTo[i]!;
      const peer = (link.to as unknown as { ports: Port[] }).ports[link.toPort]!;
      const cut = new CutLink(to, i, link.delayPs, link.to, link.toPort, peer, net.sim, queue, pool, this.outboxes[partOf[to]!]!);
      link.cut = cut;
      return cut;
    });
    net.partition = this;
  }

  owns(node: number): boolean {
    return this.ownership.partOf[node] === this.part;
  }

  opened(flow: Flow): void {
    this.flows[flow.id] = flow;
  }

  send(flow: Flow, bytes: number, onDelivered?: (atPs: number) => void): void {
    this.messages++;
    const delivered = (atPs: number): void => {
      this.delivered++;
      if (atPs > this.lastDeliveredPs) this.lastDeliveredPs = atPs;
      onDelivered?.(atPs);
    };
    const host = flow.src.host;
    if (!this.owns(host)) {
      flow.post(bytes, this.net.sim.nowPs, delivered);
      return;
    }
    // What the NIC schedules is the NIC's: keyed by its node, as in every other replica count.
    const queue = this.queue;
    const saved = queue.currentNode;
    queue.currentNode = host;
    flow.src.send(flow, bytes, delivered);
    queue.currentNode = saved;
  }

  flush(): number {
    let earliestPs = Infinity;
    this.outboxes.forEach((outbox, peer) => {
      if (outbox === null) return;
      earliestPs = Math.min(earliestPs, outbox.minArrivalPs);
      this.exchange!.post(peer, outbox.take());
    });
    return earliestPs;
  }

  drain(): void {
    const pool = this.net.packetPool;
    const slab = this.net.telemetrySlab;
    const out = { packet: null as unknown as Packet };
    for (let peer = 0; peer < this.outboxes.length; peer++) {
      if (peer === this.part) continue;
      const d = this.exchange!.receive(peer);
      for (let o = 0; o < d.length; ) {
        const cut = this.cuts[d[o]!]!;
        const arrivalPs = d[o + 1]!;
        const key = d[o + 2]!;
        o += decodePacket(d, o, this.flows, pool, slab, out);
        this.queue.pushKeyed(arrivalPs, cut, 0, out.packet, key, cut.partitionNode);
        this.packetsIn++;
      }
    }
  }
}
