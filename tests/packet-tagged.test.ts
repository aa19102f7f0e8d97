import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Flow } from '../src/fabric/flow.js';
import { Network, PRESETS, type FabricFlow, type TopologySpec } from '../src/fabric/index.js';
import type { Nic } from '../src/fabric/nic.js';
import { HierarchicalAllReduce, type CollectiveParams } from '../src/workloads/index.js';

/**
 * On the packet model too a ring posts on the queue pair it resolved once per edge and hears
 * each arrival by tag (a NIC's message or an NVLink transfer carries the target and tag). Made
 * to resolve every message instead (pinnedFlow → null: a closure per message, the path
 * attribution keeps), the same collective must post the same messages in the same order and
 * finish at the same picosecond with the same event count and tail.
 */
const rail = (nvlinkModel: 'message' | 'packet'): TopologySpec => ({
  kind: 'rail-optimized', gpus: 32, gpusPerNode: 8, radix: 8, tiers: 2, oversubscription: 1, spineOversubscription: 1,
  linkGbps: 400, linkDelayNs: 500, nvlinkGbps: 3600, nvlinkDelayNs: 300, nvlinkModel,
});

class UnpinnedHierarchical extends HierarchicalAllReduce {
  override pinnedFlow(): FabricFlow | null {
    return null;
  }
}

function run(nvlinkModel: 'message' | 'packet', pinned: boolean) {
  const sim = new Simulator();
  const net = new Network(sim, rail(nvlinkModel), PRESETS['spectrum-x']!, 3);
  const params: CollectiveParams = { gpus: Array.from({ length: 32 }, (_, i) => i), bytes: 1 << 20, channels: 2, chunkBytes: 32 << 10, qpsPerConnection: 1 };
  const collective = pinned ? new HierarchicalAllReduce(params, 8, 'ring') : new UnpinnedHierarchical(params, 8, 'ring');
  const posts: number[] = [];
  collective.probe = (src, dst, bytes, channel) => posts.push(src, dst, bytes, channel);
  collective.start(net);
  sim.run();
  const m = net.metrics;
  return { finished: collective.finished, ps: collective.finishedPs, events: sim.events, posts, delivered: m.messagesDelivered, fct: m.messageFctNs.percentile(99) };
}

describe('packet model: arrivals by tag', () => {
  it.each(['message', 'packet'] as const)('hierarchical all-reduce, NVLink per %s: same posts, completion and events as a closure per message', (nvlinkModel) => {
    const tagged = run(nvlinkModel, true);
    expect(tagged.finished).toBe(true);
    expect(tagged.posts.length).toBeGreaterThan(4 * 200);
    expect(tagged).toEqual(run(nvlinkModel, false));
  });
});

describe('a queue pair one of whose ends another thread simulates', () => {
  // The receiver's copy under --threads: no ACK reaches it, so only delivery can let a message go.
  function deliverAll(senderElsewhere: boolean): Flow {
    const flow = new Flow(0, { host: 0 } as Nic, { host: 1 } as Nic, 0, 0, 16, 4096, 400);
    flow.senderElsewhere = senderElsewhere;
    const messages = 1000;
    for (let i = 0; i < messages; i++) flow.post(4096, 0);
    let delivered = 0;
    for (let psn = 0; psn < messages; psn++) {
      flow.advanceReceiver(true);
      while (flow.nextDelivered(flow.rcvNxt)) delivered++;
    }
    expect(delivered).toBe(messages);
    return flow;
  }

  it('forgets each message once delivered', () => {
    // The window compacts once the forgotten front passes 64 and half of what it holds.
    expect(deliverAll(true).heldMessages).toBeLessThanOrEqual(128);
  });

  it('with the receiver on another thread, forgets each message once acknowledged', () => {
    const flow = new Flow(0, { host: 0 } as Nic, { host: 1 } as Nic, 0, 0, 16, 4096, 400);
    flow.receiverElsewhere = true;
    for (let i = 0; i < 1000; i++) flow.post(4096, 0);
    for (let psn = 1; psn <= 1000; psn++) flow.acknowledge(psn);
    expect(flow.heldMessages).toBeLessThanOrEqual(128);
  });

  it('holds them until acknowledged when it is the sender too', () => {
    const flow = deliverAll(false);
    expect(flow.heldMessages).toBe(1000);
    flow.acknowledge(1000);
    expect(flow.heldMessages).toBeLessThanOrEqual(128);
  });
});
