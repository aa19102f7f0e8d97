import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { FlowNetwork, PRESETS, type FabricFlow, type TopologySpec } from '../src/fabric/index.js';
import { HierarchicalAllReduce, TreeAllReduce, type Collective, type CollectiveParams } from '../src/workloads/index.js';

/**
 * On the flow model a tree or ring posts on the queue pair it resolved once per edge and
 * hears each arrival by tag (no closure, no connection lookup per message). The same
 * collective made to resolve every message (pinnedFlow → null: the connection maps per
 * message; a ring then posts a closure per message, the packet model's path, a tree still
 * its tags, whose meaning the closed-form tree tests hold) must post the same messages in
 * the same order and finish at the same picosecond with the same event count.
 */
const rail: TopologySpec = {
  kind: 'rail-optimized', gpus: 128, gpusPerNode: 8, radix: 16, tiers: 2, oversubscription: 2, spineOversubscription: 1,
  linkGbps: 400, linkDelayNs: 500, nvlinkGbps: 3600, nvlinkDelayNs: 300,
};

function run(make: (params: CollectiveParams) => Collective, params: CollectiveParams) {
  const sim = new Simulator();
  const net = new FlowNetwork(sim, rail, PRESETS['ethernet']!, 7);
  const collective = make(params);
  const posts: number[] = [];
  collective.probe = (src, dst, bytes, channel) => posts.push(src, dst, bytes, channel);
  collective.start(net);
  sim.run();
  return { finished: collective.finished, ps: collective.finishedPs, events: sim.events, posts, fct: net.metrics.messageFctNs.percentile(99), stats: net.stats };
}

const gpus = Array.from({ length: 128 }, (_, i) => i);
const base: CollectiveParams = { gpus, bytes: 4 << 20, channels: 2, chunkBytes: 64 << 10, qpsPerConnection: 1 };

class UnpinnedHierarchical extends HierarchicalAllReduce {
  override pinnedFlow(): FabricFlow | null {
    return null;
  }
}
class UnpinnedTree extends TreeAllReduce {
  override pinnedFlow(): FabricFlow | null {
    return null;
  }
}

describe('flow model: posts on pinned queue pairs, arrivals by tag', () => {
  it.each(['tree', 'ring'] as const)('hierarchical all-reduce, %s across nodes: same posts, completion and events as per-message lookup', (across) => {
    const pinned = run((p) => new HierarchicalAllReduce(p, 8, across), base);
    const unpinned = run((p) => new UnpinnedHierarchical(p, 8, across), base);
    expect(pinned.finished).toBe(true);
    expect(pinned.posts.length).toBeGreaterThan(4 * 1000);
    expect(pinned).toEqual(unpinned);
  });

  it('tree all-reduce (NCCL rail trees, 8 slots): same as per-message lookup', () => {
    const params = { ...base, channels: undefined, slots: 8 };
    const pinned = run((p) => new TreeAllReduce(p), params);
    expect(pinned.finished).toBe(true);
    expect(pinned).toEqual(run((p) => new UnpinnedTree(p), params));
  });
});
