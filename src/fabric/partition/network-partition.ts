import type { KeyedEventQueue } from '../../engine/parallel/keyed-event-queue.js';
import type { PeerExchange } from '../../engine/parallel/peer-exchange.js';
import type { WindowExchange } from '../../engine/parallel/window-loop.js';
import { deliver, type DeliveryTarget, type Receiver } from '../fabric-model.js';
import type { Flow } from '../flow.js';
import { NvlinkFlow, type NvlinkCrossbar } from '../nvlink-crossbar.js';
import type { EveryReplica, PostAfter, Replay } from './replay.js';
import type { Link, LinkCarrier } from '../link.js';
import type { Network, NetworkPartitionHook } from '../network.js';
import type { Packet, PacketPool } from '../packet.js';
import type { Port } from '../port.js';
import { decodePacket, Outbox } from './packet-codec.js';
import type { Ownership } from './ownership.js';
import { grown } from '../../engine/index.js';

/**
 * A link whose far end another thread simulates: each packet goes to that thread's outbox with
 * the event key its sender takes now (as a Link keyed by its senders would keep it, Link.keyBy);
 * that thread puts it on its replica of the link (Link.arrive).
 */
class CutLink implements LinkCarrier {
  constructor(
    private readonly index: number,
    private readonly delayPs: number,
    private readonly queue: KeyedEventQueue,
    private readonly pool: PacketPool,
    private readonly outbox: Outbox,
  ) {}

  carry(packet: Packet, departPs: number): void {
    this.outbox.push(this.index, departPs + this.delayPs, this.queue.takeKey(), packet);
    this.pool.release(packet);
  }
}

/** Ids of queue pairs opened during the run (see NetworkPartition.flowIdFor): above any count of those opened at the setup. */
const RUN_FLOW_BASE = 2 ** 31;
const RUN_FLOWS_PER_NIC = 2 ** 16;

/** Keys of events every replica runs (atEveryReplica): the upper half of the setup node's key range. */
const EVERY_REPLICA_TAGS = 2 ** 31;

/** A delivery note: (time, key of the event that delivered, flow id, message ordinal on its flow). */
const NOTE = 4;

type Delivered = (atPs: number) => void;

/**
 * One thread's share of a replicated network: it simulates the nodes `ownership` gives part
 * `part`, and trades packets on cut links with the other threads. The workload runs whole in
 * every replica: a message whose sender is elsewhere is only posted on its queue pair (so the
 * receiver here knows where messages end); one sent from here runs as the sending NIC's.
 *
 * Workloads that post as messages arrive (collectives): every delivery callback runs live on
 * the thread that owns the receiving NIC, and is replayed in every other replica after the
 * window (a delivery note, in the outboxes), at its time, in (time, event key) order. Why that
 * is correct: every collective here posts its next message from the rank whose NIC received
 * (ring, halving-doubling, broadcast; a PXN relay forwards from the GPU it landed on; trees
 * without slot limits), so the sender of a post is always owned where the callback runs live
 * and no post crosses threads: what crosses is only the knowledge that the message exists,
 * which the receiving replica needs before its first packet. That packet left the sender at
 * or after the delivery that posted it (time t, in window [T, T + lookahead)) and crossed a cut
 * link of at least the lookahead, so it arrives at or after T + lookahead, after the note is
 * replayed at the window's end. Replays keep each queue pair's messages in the sender's order:
 * all posts from a NIC are made by events of the thread that owns it, and replays run in
 * (time, key) order, that thread's own event order (a protocol's step latency delays every post
 * of a queue pair alike, so recording it at the delivery keeps the order). A
 * replayed callback posts at its own time and schedules nothing (collective.ts asks replayOf),
 * so no replica's node keys move. Anything else is refused loudly: a post from a NIC this
 * thread does not own outside the setup (live), or from one it owns (replayed).
 */
export class NetworkPartition implements NetworkPartitionHook, WindowExchange, Replay, EveryReplica, PostAfter {
  private readonly flows = new Map<number, Flow>();
  private readonly outboxes: (Outbox | null)[];
  /** The links in Ownership's order (a packet from another thread names its link by index). */
  private readonly links: readonly Link[];
  /** Per queue pair (packet or NVLink, by id): its messages as this replica knows them. */
  private readonly posts = new Map<number, Posts>();
  /** Queue pairs each NIC opened during the run (not at the setup): their ids (see flowIdFor). */
  private readonly runOpens: Int32Array;
  /** Delivery notes of this window, for every other thread. */
  private notes = new Float64Array(256);
  private notesLength = 0;
  private readonly crossbar: NvlinkCrossbar | null;
  /** Messages the workload sent (in every replica alike), those delivered here, and when the last was. */
  messages = 0;
  delivered = 0;
  lastDeliveredPs = 0;
  /** Packets that came in from other threads; deliveries replayed from them. */
  packetsIn = 0;
  replayed = 0;
  replaying = false;
  replayNowPs = 0;

  constructor(
    private readonly net: Network,
    private readonly queue: KeyedEventQueue,
    readonly ownership: Ownership,
    readonly part: number,
    private readonly exchange: PeerExchange | null,
  ) {
    const { parts, partOf, links, linkTo } = ownership;
    this.outboxes = Array.from({ length: parts }, (_, p) => (p === part ? null : new Outbox(net.telemetrySlab)));
    const pool = net.packetPool;
    this.links = links;
    links.forEach((link, i) => {
      const to = linkTo[i]!;
      // Arrivals here run on the far end's node, keyed by their senders; a packet for another thread's node goes to its outbox.
      if (partOf[to] === part) link.keyBy(queue, to);
      else link.cut = new CutLink(i, link.delayPs, queue, pool, this.outboxes[partOf[to]!]!);
    });
    this.crossbar = (net as unknown as { crossbar: NvlinkCrossbar | null }).crossbar;
    if (this.crossbar !== null) {
      // NVLink per message: a server's crossbar state is read and written by its GPUs' events only, so each server must be whole on one thread.
      const g = net.topology.nvlink!.gpusPerNode;
      for (let h = 0; h < net.topology.nics.length; h++)
        if (partOf[h] !== partOf[h - (h % g)]) throw new Error(`partition: server ${Math.floor(h / g)} is split between threads; NVLink per message needs whole servers`);
      this.crossbar.divert = (flow, bytes, receiver, tag) => this.sendNvlink(flow, bytes, receiver, tag);
    }
    this.runOpens = new Int32Array(net.topology.nics.length);
    net.partition = this;
  }

  /**
   * Queue pairs opened during the run (a collective opens a connection on its first message)
   * are opened in a different order in each replica (each runs its own deliveries live and the
   * others' at window ends), so their ids (which name them between threads, and make their UDP
   * source ports) cannot be the network's running count: the n-th queue pair NIC `src` opens
   * during the run is RUN_FLOW_BASE + src × 2^16 + n in every replica, for any thread count
   * (one NIC opens in its own event order, replayed in that order elsewhere). Those opened at
   * the setup keep the network's count (every replica runs the setup alike).
   */
  flowIdFor(src: number): number {
    if (this.queue.currentNode === this.ownership.setupNode && !this.replaying) return -1;
    const n = this.runOpens[src]!++;
    if (n >= RUN_FLOWS_PER_NIC) throw new Error(`--threads: NIC ${src} opened more than ${RUN_FLOWS_PER_NIC} queue pairs during the run`);
    return RUN_FLOW_BASE + src * RUN_FLOWS_PER_NIC + n;
  }

  asOwnerOf(port: Port, action: () => void): void {
    const node = this.ownership.nodeIdOf(port.owner);
    if (!this.owns(node)) return;
    const queue = this.queue;
    const saved = queue.currentNode;
    queue.currentNode = node;
    action();
    queue.currentNode = saved;
  }

  owns(node: number): boolean {
    return this.ownership.partOf[node] === this.part;
  }

  opened(flow: Flow): void {
    this.flows.set(flow.id, flow);
    flow.senderElsewhere = !this.owns(flow.src.host);
    flow.receiverElsewhere = !this.owns(flow.dst.host);
  }

  send(flow: Flow, bytes: number, receiver?: Receiver, tag = 0): void {
    const host = flow.src.host;
    const posts = this.posting(flow.id, host, receiver, tag);
    const ordinal = posts.count - 1;
    if (!this.owns(host)) {
      // Where the message ends matters only to a receiver simulated here.
      if (this.owns(flow.dst.host)) flow.post(bytes, this.replaying ? this.replayNowPs : this.net.sim.nowPs, posts, ordinal);
      return;
    }
    // What the NIC schedules is the NIC's: keyed by its node, as in every other replica count.
    const queue = this.queue;
    const saved = queue.currentNode;
    queue.currentNode = host;
    flow.src.send(flow, bytes, posts, ordinal);
    queue.currentNode = saved;
  }

  atEveryReplica(timePs: number, tag: number, action: () => void): void {
    const nowPs = this.replaying ? this.replayNowPs : this.net.sim.nowPs;
    // One part has no cut (lookahead Infinity) and no replica to tell.
    if (this.ownership.parts > 1 && timePs < nowPs + this.ownership.lookaheadPs)
      throw new Error(`--threads: a workload step at ${timePs} ps decided at ${nowPs} ps, less than the lookahead (${this.ownership.lookaheadPs} ps) ahead`);
    if (!(tag >= 0 && tag < EVERY_REPLICA_TAGS)) throw new Error(`--threads: every-replica tag ${tag} out of range`);
    // Keyed by the setup node above its own counter's range: every replica runs it, in the same place among equal times.
    const { setupNode } = this.ownership;
    this.queue.pushKeyed(timePs, { onEvent: action }, 0, undefined, setupNode * 2 ** 32 + EVERY_REPLICA_TAGS + tag, setupNode);
  }

  postAfter(f: object, bytes: number, onDelivered: Delivered, delayPs: number): void {
    const flow = f as Flow | NvlinkFlow;
    const nvlink = flow instanceof NvlinkFlow;
    const host = nvlink ? flow.src : flow.src.host;
    const atPs = (this.replaying ? this.replayNowPs : this.net.sim.nowPs) + delayPs;
    const posts = this.posting(flow.id, host, onDelivered, 0);
    const ordinal = posts.count - 1;
    const mine = this.owns(host);
    if (!mine && !nvlink && this.owns((flow as Flow).dst.host)) (flow as Flow).post(bytes, atPs, posts, ordinal);
    if (this.replaying) return;
    // Scheduled where the post was made (at the setup node every replica does; elsewhere only the sender's thread gets here).
    this.net.sim.schedule(delayPs, { onEvent: () => mine && this.sendNow(flow, host, bytes, posts, ordinal) }, 0);
  }

  private sendNow(flow: Flow | NvlinkFlow, host: number, bytes: number, posts: Posts, ordinal: number): void {
    const queue = this.queue;
    const saved = queue.currentNode;
    queue.currentNode = host;
    if (flow instanceof NvlinkFlow) this.crossbar!.sendHere(flow, bytes, posts, ordinal);
    else flow.src.send(flow, bytes, posts, ordinal);
    queue.currentNode = saved;
  }

  /** A message on the NVLink crossbar (per message): the thread owning its server sends it, the others record it. */
  private sendNvlink(flow: NvlinkFlow, bytes: number, receiver?: Receiver, tag = 0): void {
    const posts = this.posting(flow.id, flow.src, receiver, tag);
    if (!this.owns(flow.src)) return;
    const queue = this.queue;
    const saved = queue.currentNode;
    queue.currentNode = flow.src;
    this.crossbar!.sendHere(flow, bytes, posts, posts.count - 1);
    queue.currentNode = saved;
  }

  /**
   * Records a message posted from NIC `host` on queue pair `flowId` with its receiver (a
   * callback, or a target and tag); the message is then sent, or posted, with the queue pair's
   * record as its target and its ordinal as the tag, so its delivery comes to deliveredHere.
   * Refuses a post this thread cannot make (see the class comment).
   */
  private posting(flowId: number, host: number, receiver: Receiver | undefined, tag: number): Posts {
    this.messages++;
    let posts = this.posts.get(flowId);
    if (posts === undefined) this.posts.set(flowId, (posts = new Posts(this, flowId)));
    posts.add(receiver, tag);
    const mine = this.owns(host);
    if (this.replaying && mine) throw new Error(`--threads: a delivery posted from NIC ${host} on another thread (a cross-thread post is not supported)`);
    if (!this.replaying && !mine && this.queue.currentNode !== this.ownership.setupNode)
      throw new Error(`--threads: NIC ${host}'s post was made by an event of node ${this.queue.currentNode} (a cross-thread post is not supported)`);
    return posts;
  }

  /**
   * Message `ordinal` of `posts` was delivered here (the receiving NIC's owner): count it,
   * note it for the other threads, run its receiver.
   */
  deliveredHere(posts: Posts, ordinal: number, atPs: number): void {
    this.delivered++;
    if (atPs > this.lastDeliveredPs) this.lastDeliveredPs = atPs;
    const receiver = posts.take(ordinal);
    if (receiver === undefined) return;
    if (this.outboxes.length > 1) this.note(atPs, this.queue.poppedKey, posts.flowId, ordinal);
    deliver(receiver, posts.takenTag, atPs);
  }

  private note(atPs: number, key: number, flowId: number, ordinal: number): void {
    if (this.notesLength + NOTE > this.notes.length) {
      this.notes = grown(this.notes, this.notes.length * 2);
    }
    const n = this.notes;
    let o = this.notesLength;
    n[o++] = atPs;
    n[o++] = key;
    n[o++] = flowId;
    n[o++] = ordinal;
    this.notesLength = o;
  }

  flush(): number {
    let earliestPs = Infinity;
    this.outboxes.forEach((outbox, peer) => {
      if (outbox === null) return;
      earliestPs = Math.min(earliestPs, outbox.minArrivalPs);
      this.exchange!.post(peer, outbox.take());
      this.exchange!.post(peer, this.notes.slice(0, this.notesLength));
    });
    this.notesLength = 0;
    return earliestPs;
  }

  drain(): void {
    const pool = this.net.packetPool;
    const slab = this.net.telemetrySlab;
    const out = { packet: null as unknown as Packet };
    const notes: Float64Array[] = [];
    for (let peer = 0; peer < this.outboxes.length; peer++) {
      if (peer === this.part) continue;
      const d = this.exchange!.receive(peer);
      for (let o = 0; o < d.length; ) {
        const link = this.links[d[o]!]!;
        const arrivalPs = d[o + 1]!;
        const key = d[o + 2]!;
        o += decodePacket(d, o, this.flows, pool, slab, out);
        link.arriveFromThread(out.packet, arrivalPs, key);
        this.packetsIn++;
      }
      const n = this.exchange!.receive(peer);
      if (n.length > 0) notes.push(n);
    }
    if (notes.length > 0) this.replay(notes);
  }

  /** Runs the other threads' deliveries of the window in (time, event key) order; one event's deliveries keep their order. */
  private replay(batches: Float64Array[]): void {
    const notes = batches.length === 1 ? batches[0]! : concatenated(batches);
    const order = replayOrder(notes);
    this.replaying = true;
    try {
      for (let i = 0; i < order.length; i++) {
        const o = order[i]! * NOTE;
        const t = notes[o]!;
        const posts = this.posts.get(notes[o + 2]!);
        const receiver = posts?.take(notes[o + 3]!);
        if (receiver === undefined) throw new Error(`--threads: delivery of message ${notes[o + 3]} on queue pair ${notes[o + 2]} replayed before it was posted here`);
        this.replayNowPs = t;
        this.replayed++;
        deliver(receiver, posts!.takenTag, t);
      }
    } finally {
      this.replaying = false;
    }
  }
}

/**
 * One queue pair's messages as a replica knows them: how many were posted, and the receiver
 * of each until it has run (live or replayed), in a window that forgets the front once it has
 * run (a queue pair's deliveries run in order, so the front goes first). It is the target its
 * messages are sent with, tagged by their ordinal: no closure per message.
 */
class Posts implements DeliveryTarget {
  count = 0;
  /** The tag of the receiver `take` returned last. */
  takenTag = 0;
  /** receivers[i] and tags[i] are message base + i's; those before `head` have all run. */
  private base = 0;
  private head = 0;
  private readonly receivers: (Receiver | undefined)[] = [];
  private readonly tags: number[] = [];

  constructor(
    private readonly partition: NetworkPartition,
    readonly flowId: number,
  ) {}

  add(receiver: Receiver | undefined, tag: number): void {
    this.count++;
    this.receivers.push(receiver);
    this.tags.push(tag);
  }

  delivered(ordinal: number, atPs: number): void {
    this.partition.deliveredHere(this, ordinal, atPs);
  }

  /** Message `ordinal`'s receiver, once (undefined: it had none, or it ran); its tag in takenTag. */
  take(ordinal: number): Receiver | undefined {
    const i = ordinal - this.base;
    const { receivers, tags } = this;
    if (i < 0 || i >= receivers.length) return undefined;
    const receiver = receivers[i];
    this.takenTag = tags[i]!;
    receivers[i] = undefined;
    while (this.head < receivers.length && receivers[this.head] === undefined) this.head++;
    const head = this.head;
    if (head === receivers.length || (head > 64 && 2 * head > receivers.length)) {
      receivers.splice(0, head);
      tags.splice(0, head);
      this.base += head;
      this.head = 0;
    }
    return receiver;
  }
}

function concatenated(batches: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(batches.reduce((sum, d) => sum + d.length, 0));
  let o = 0;
  for (const d of batches) {
    all.set(d, o);
    o += d.length;
  }
  return all;
}

/**
 * The notes' indices in (time, key) order, stable. Each thread's notes come in its own event
 * order, already sorted, so with one peer this is nearly always the identity (checked, not
 * assumed); a sort of indices otherwise (no object per note: there are a million per run).
 */
function replayOrder(notes: Float64Array): Int32Array {
  const count = notes.length / NOTE;
  const order = new Int32Array(count);
  let sorted = true;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (i > 0 && sorted) {
      const dt = notes[i * NOTE]! - notes[(i - 1) * NOTE]!;
      if (dt < 0 || (dt === 0 && notes[i * NOTE + 1]! < notes[(i - 1) * NOTE + 1]!)) sorted = false;
    }
  }
  if (sorted) return order;
  // Ties broken by index: one event's deliveries keep their order.
  return order.sort((a, b) => notes[a * NOTE]! - notes[b * NOTE]! || notes[a * NOTE + 1]! - notes[b * NOTE + 1]! || a - b);
}
