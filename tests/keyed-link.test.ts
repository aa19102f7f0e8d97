import { describe, expect, it } from 'vitest';
import { Simulator, type EventTarget } from '../src/engine/index.js';
import { KeyedEventQueue } from '../src/engine/parallel/keyed-event-queue.js';
import { Link, Packet, PacketPool, Port, type NetworkNode } from '../src/fabric/index.js';

const SPAN = 2 ** 32;

/** Records which packet (by psn) arrived when. */
class Sink implements NetworkNode {
  readonly name = 'sink';
  constructor(
    private readonly sim: Simulator,
    private readonly log: string[],
  ) {}
  receive(packet: Packet): void {
    this.log.push(`p${packet.psn}@${this.sim.nowPs}`);
  }
  onDeparted(): void {}
}

/** A keyed link from node 0 into node 1 (node 3 the setup node), its arrivals logged; `pool` gives it the store every link shares. */
function keyedLink(pool = new PacketPool()) {
  const queue = new KeyedEventQueue();
  queue.configure(4, 3);
  const sim = new Simulator(queue);
  const log: string[] = [];
  const link = new Link(sim, 100, new Port(sim, new Sink(sim, log), 0, 100), pool);
  link.keyBy(queue, 1);
  return { queue, sim, log, link };
}

const packet = (psn: number) => Object.assign(new Packet(), { psn, sizeBytes: 1000 });

describe('a link under --threads (Link.keyBy): one pending event, the order of one event per packet', () => {
  it("runs each packet's arrival at (its time, the key its sender took on sending), even when the next packet's event is scheduled only as the head arrives", () => {
    // Nodes 0 (sender), 1 (the link's far end), 2 (another node); 3 is the setup node.
    const { queue, sim, log, link } = keyedLink();
    const mark = (name: string): EventTarget => ({ onEvent: () => log.push(`${name}@${sim.nowPs}`) });

    // Node 0 puts packet 0 (arrives at 100, key 0:0) and packet 1 (arrives at 200, key 0:1) on
    // the wire, then schedules Y at 200 (key 0:2). Node 2's X at 200 has key 2:0, pushed now,
    // long before packet 1's event exists (the link pushes it when packet 0 arrives).
    queue.currentNode = 0;
    link.carry(packet(0), 0);
    link.carry(packet(1), 100);
    sim.at(200, mark('Y'), 0);
    queue.pushKeyed(200, mark('X'), 0, undefined, 2 * SPAN + 0, 2);
    // Node 2 also has an event at 100 keyed 2:1: after packet 0 (key 0:0), whatever the push order.
    queue.pushKeyed(100, mark('W'), 0, undefined, 2 * SPAN + 1, 2);
    sim.run();

    // (time, key) order: (100, 0:0) p0, (100, 2:1) W, (200, 0:1) p1, (200, 0:2) Y, (200, 2:0) X.
    expect(log).toEqual(['p0@100', 'W@100', 'p1@200', 'Y@200', 'X@200']);
    expect(sim.events).toBe(5);
  });

  it('takes a packet sent by another thread with its key (Link.arrive), behind those already on the wire', () => {
    const { queue, sim, log, link } = keyedLink();
    // Node 0's six packets come in as records (arrival, key), as drained from an outbox; the ring outgrows its first region of 4.
    for (let i = 0; i < 6; i++) link.arrive(packet(i), 100 * (i + 1), i);
    queue.pushKeyed(300, { onEvent: () => log.push(`Z@${sim.nowPs}`) }, 0, undefined, 1 * SPAN, 1);
    sim.run();
    expect(log).toEqual(['p0@100', 'p1@200', 'p2@300', 'Z@300', 'p3@400', 'p4@500', 'p5@600']);
  });

  it("keeps a packet's key when putting it on the wire grows the store every link shares (its arrays are replaced)", () => {
    const pool = new PacketPool();
    const { queue, sim, log, link } = keyedLink(pool);
    // Other links hold all but 4 slots of the store's first 4,096: the link's first region (4) fits, its second (8) grows the store.
    pool.wires.take(4096 - 4);
    // Node 2's packets keyed 2:i; node 1's Z at packet 4's time keyed 1:0, so Z runs first — unless packet 4 lost its key (0 sorts first).
    for (let i = 0; i < 6; i++) link.arrive(packet(i), 100 * (i + 1), 2 * SPAN + i);
    queue.pushKeyed(500, { onEvent: () => log.push(`Z@${sim.nowPs}`) }, 0, undefined, 1 * SPAN, 1);
    sim.run();
    expect(log).toEqual(['p0@100', 'p1@200', 'p2@300', 'p3@400', 'Z@500', 'p4@500', 'p5@600']);
  });

  it('loses a packet another thread put on the link before it failed (arriveFromThread on a down link), at its arrival, behind the wire', () => {
    const { sim, log, link } = keyedLink();
    link.lose = (lost) => log.push(`lost p${lost.psn}@${sim.nowPs}`);
    link.arrive(packet(0), 100, 0);
    link.fail();
    // Handed over after the window in which the link failed: it was on the wire then.
    link.arriveFromThread(packet(1), 150, 1);
    link.down = false;
    // Put on the link after it came back up: it arrives.
    link.arriveFromThread(packet(2), 300, 2);
    sim.run();
    expect(log).toEqual(['lost p0@100', 'lost p1@150', 'p2@300']);
  });
});
