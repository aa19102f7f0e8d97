import { describe, expect, it } from 'vitest';
import { GraphShape, rangeCount, rangeFirst, type GraphLink, type TopologyGraph } from '../src/fabric/index.js';
import { ShapeLinks } from '../src/fabric/flow-model/shape-links.js';

/**
 * A 10,000-node graph that is no Clos: 1,000 switches in a circulant (switch i cabled to
 * i ± 1, 7, 31, 127, 251, 397 mod 1,000: 12 switch links each, like a Jellyfish of degree 12),
 * 9 hosts on each. Equal-cost ports are seldom side by side, so routes are port sets.
 */
const SWITCHES = 1000;
const PER_SWITCH = 9;
const OFFSETS = [1, 7, 31, 127, 251, 397];

function circulant(): TopologyGraph {
  const H = SWITCHES * PER_SWITCH;
  const links: GraphLink[] = [];
  const link = (a: number, b: number) => links.push({ a, b, gbps: 400, delayPs: 500_000, parallel: 1, line: links.length + 1 });
  for (let h = 0; h < H; h++) link(h, H + Math.floor(h / PER_SWITCH));
  for (let s = 0; s < SWITCHES; s++) for (const o of OFFSETS) link(H + s, H + ((s + o) % SWITCHES));
  return { hosts: Array.from({ length: H }, (_, h) => `h${h}`), switches: Array.from({ length: SWITCHES }, (_, s) => `s${s}`), links };
}

/** Switch-to-switch distances from `from`, by a BFS of the test's own over the circulant. */
function distancesFrom(from: number): Int32Array {
  const dist = new Int32Array(SWITCHES).fill(-1);
  dist[from] = 0;
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    for (const o of OFFSETS)
      for (const t of [(s + o) % SWITCHES, (s - o + SWITCHES) % SWITCHES])
        if (dist[t] === -1) {
          dist[t] = dist[s]! + 1;
          queue.push(t);
        }
  }
  return dist;
}

describe('a 10,000-node graph', () => {
  const graph = circulant();
  const shape = new GraphShape(graph);
  const H = graph.hosts.length;
  const peersOf: number[][] = Array.from({ length: SWITCHES }, () => []);
  for (const l of graph.links)
    if (l.a >= H) {
      peersOf[l.a - H]!.push(l.b - H);
      peersOf[l.b - H]!.push(l.a - H);
    }

  it('routes every switch over exactly the ports one hop closer to the destination, hops = 2 + switch distance', () => {
    expect(graph.hosts.length + graph.switches.length).toBe(10_000);
    expect(shape.tierNames).toEqual(['leaf']);
    const layouts = shape.switches();
    for (const dstSwitch of [0, 1, 499, 500, 777]) {
      const dist = distancesFrom(dstSwitch);
      const dst = dstSwitch * PER_SWITCH + 4;
      for (let s = 0; s < SWITCHES; s++) {
        const layout = layouts[s]!;
        const r = layout.route(dst);
        const ports = rangeCount(r) > 0 ? Array.from({ length: rangeCount(r) }, (_, k) => rangeFirst(r) + k) : layout.portSets![rangeFirst(r) - 1]!;
        if (s === dstSwitch) {
          expect(ports).toEqual([4]); // the host's own port (hosts are cabled first, in file order)
          continue;
        }
        // Ports 0-8 face the hosts; then one per switch link, in the order the file lists them.
        const peer = (p: number) => peersOf[s]![p - PER_SWITCH]!;
        const closer = Array.from({ length: 12 }, (_, k) => PER_SWITCH + k).filter((p) => dist[peer(p)] === dist[s]! - 1);
        expect(ports).toEqual(closer);
        expect(shape.hops(s * PER_SWITCH, dst)).toBe(2 + dist[s]!);
      }
    }
    expect(shape.maxHops).toBe(2 + Math.max(...distancesFrom(0)));
  });

  it('keeps each switch’s distinct port sets once, and the flow model walks them to the destination', () => {
    const layouts = shape.switches();
    expect(layouts.filter((l) => (l.portSets?.length ?? 0) > 0).length).toBe(SWITCHES);
    for (const layout of layouts) {
      const keys = new Set((layout.portSets ?? []).map((set) => set.join(',')));
      expect(keys.size).toBe(layout.portSets?.length ?? 0);
    }
    const links = new ShapeLinks(shape, 1);
    for (const [src, dst] of [
      [0, 9 * 500 + 1],
      [123, 8999],
      [4000, 17],
    ] as const) {
      const path = links.route('one-path', src, dst, 0x12345);
      expect(path.links.length).toBe(shape.hops(src, dst));
      expect(path.links[0]).toBe(src);
      expect(path.links.at(-1)).toBe(H + dst);
      const split = links.route('even-split', src, dst, 0);
      // Conservation: the whole flow leaves the source and reaches the destination.
      expect(split.weights![split.links.indexOf(src)]).toBe(1);
      expect(split.weights![split.links.indexOf(H + dst)]).toBeCloseTo(1, 12);
    }
  });
});
