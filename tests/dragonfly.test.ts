import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { FlowNetwork, GlobalLinks, shapeOf, type DragonflyShape } from '../src/fabric/index.js';
import { resolveFabric, validateSpec } from '../src/experiment/index.js';
import { allPairs, allPorts, build, probe } from './topology-helpers.js';

/** The canonical arrangements as published, written out here independently of the shape's arithmetic. */
const published = {
  // Camarero et al. (TACO 2014): port j of group G leads to group j if j < G, else j + 1.
  consecutive: {
    target: (G: number, j: number) => (j < G ? j : j + 1),
    portTo: (G: number, T: number) => (T < G ? T : T - 1),
  },
  // Palmtree (García et al.): port j of group G leads to group G − j − 1 (mod g), arriving on port a·h − 1 − j.
  palmtree: {
    target: (G: number, j: number, g: number) => (((G - j - 1) % g) + g) % g,
    portTo: (G: number, T: number, g: number) => (((G - T - 1) % g) + g) % g,
  },
};

const small = (arrangement: string, extra: Record<string, unknown> = {}) => ({
  kind: 'dragonfly',
  groups: 5,
  routersPerGroup: 2,
  hostsPerRouter: 2,
  globalLinksPerRouter: 2,
  arrangement,
  ...extra,
});

describe('dragonfly global link arrangements', () => {
  it('at the maximum size (g = a·h + 1) both arrangements are the published ones, one link per pair of groups', () => {
    for (const arrangement of ['consecutive', 'palmtree'] as const) {
      const g = 9;
      const links = new GlobalLinks(g, 8, arrangement);
      expect(links.perPair).toBe(1);
      for (let G = 0; G < g; G++)
        for (let j = 0; j < 8; j++) {
          const T = published[arrangement].target(G, j, g);
          expect(links.target(G, j), `${arrangement} ${G}:${j}`).toBe(T);
          expect(links.target(T, links.peerPort(G, j))).toBe(G);
          expect(links.peerPort(T, links.peerPort(G, j))).toBe(j);
          expect(links.portTo(G, T, 0)).toBe(published[arrangement].portTo(G, T, g));
        }
      if (arrangement === 'palmtree') for (let j = 0; j < 8; j++) expect(links.peerPort(0, j)).toBe(8 - 1 - j);
    }
  });

  it('fewer groups: ⌊a·h/(g−1)⌋ links join every pair, each cable pairs two ports both ways, the rest stay dark', () => {
    for (const arrangement of ['consecutive', 'palmtree'] as const)
      for (const [g, ports] of [[4, 8], [5, 12], [7, 20], [3, 5]] as const) {
        const links = new GlobalLinks(g, ports, arrangement);
        const L = Math.floor(ports / (g - 1));
        expect(links.used).toBe(L * (g - 1));
        const count = new Map<string, number>();
        for (let G = 0; G < g; G++)
          for (let j = 0; j < links.used; j++) {
            const T = links.target(G, j);
            const back = links.peerPort(G, j);
            expect(T).not.toBe(G);
            expect(back).toBeLessThan(links.used);
            expect([links.target(T, back), links.peerPort(T, back)]).toEqual([G, j]);
            count.set(`${G}-${T}`, (count.get(`${G}-${T}`) ?? 0) + 1);
          }
        expect([...count.values()].every((n) => n === L), `${arrangement} g=${g}`).toBe(true);
        expect(count.size).toBe(g * (g - 1));
        for (let G = 0; G < g; G++)
          for (let T = 0; T < g; T++) if (T !== G) for (let k = 0; k < L; k++) expect(links.target(G, links.portTo(G, T, k))).toBe(T);
      }
  });

  it('the builder cables every router port once: hosts, a full mesh in each group, the global links', () => {
    const { net } = build(small('palmtree', { groups: 4 }));
    const shape = net.topology.shape as DragonflyShape;
    for (const sw of net.topology.switches) for (const port of sw.ports) expect(port.link, `${sw.name}:${port.index}`).toBeDefined();
    // 4 groups: ⌊4/3⌋ = 1 link per pair, so 3 of each group's 4 global ports are cabled.
    expect(shape.links.used).toBe(3);
    expect(net.topology.switches.map((s) => s.ports.length)).toEqual([2 + 1 + 2, 2 + 1 + 1, 5, 4, 5, 4, 5, 4]);
  });

  it('a partly filled dragonfly (fewer GPUs than router ports) still routes every pair through its host-less routers', () => {
    const { sim, net } = build(small('consecutive', { gpus: 15 }));
    expect(net.topology.switches.map((s) => s.downPorts.length)).toEqual([2, 2, 2, 2, 2, 2, 2, 1, 0, 0]);
    const ports = allPorts(net);
    for (const [src, dst] of allPairs(15)) {
      const { tookPs, dataPorts } = probe(sim, net, ports, src, dst, 1000);
      expect(tookPs, `${src}→${dst}`).toBeGreaterThan(0);
      expect(dataPorts.length, `${src}→${dst}`).toBe(net.topology.hops(src, dst));
    }
  });

  it('refuses a dragonfly whose groups cannot all be joined, naming the field', () => {
    expect(() => validateSpec({ name: 't', fabrics: ['ethernet'], topology: small('consecutive', { groups: 6 }), workload: { kind: 'permutation', bytes: 4096 } })).toThrow(
      /topology.*globalLinksPerRouter/,
    );
    expect(() => validateSpec({ name: 't', fabrics: [{ preset: 'ethernet', routing: 'ugal' }], topology: { kind: 'leaf-spine', gpus: 64 }, workload: { kind: 'permutation', bytes: 4096 } })).toThrow(
      /fabrics\.0\.routing: ugal routing needs a dragonfly topology/,
    );
  });
});

describe('minimal routes on a dragonfly, every host pair, against the closed form', () => {
  const rates = { linkGbps: 100, localGbps: 200, globalGbps: 400, linkDelayNs: 50, localDelayNs: 300, globalDelayNs: 1000 };
  for (const arrangement of ['consecutive', 'palmtree'] as const) {
    it(`${arrangement}: hops local–global–local as the arrangement places the links, store-and-forward per hop class, to the ps`, () => {
      const { sim, net } = build(small(arrangement, rates));
      const ports = allPorts(net);
      const bytes = 1000;
      const frame = bytes + net.config.headerBytes;
      const hop = (gbps: number, ns: number) => serializationPs(frame, gbps) + psFromNs(ns);
      const [a, p, h, g] = [2, 2, 2, 5];
      const A = published[arrangement];
      for (const [src, dst] of allPairs(20)) {
        const [rs, rd] = [Math.floor(src / p), Math.floor(dst / p)];
        const [gs, gd] = [Math.floor(rs / a), Math.floor(rd / a)];
        let locals = 0;
        let globals = 0;
        if (gs === gd) locals = rs === rd ? 0 : 1;
        else {
          const out = A.portTo(gs, gd, g);
          const back = A.portTo(gd, gs, g);
          const owner = gs * a + Math.floor(out / h);
          const entry = gd * a + Math.floor(back / h);
          locals = (owner === rs ? 0 : 1) + (entry === rd ? 0 : 1);
          globals = 1;
        }
        const { tookPs, dataPorts } = probe(sim, net, ports, src, dst, bytes);
        expect(dataPorts.length, `${src}→${dst}`).toBe(2 + locals + globals);
        expect(net.topology.hops(src, dst)).toBe(2 + locals + globals);
        expect(tookPs, `${src}→${dst}`).toBe(2 * hop(100, 50) + locals * hop(200, 300) + globals * hop(400, 1000));
      }
    });
  }

  it('the flow model delivers one frame in the same time (equal rates: its paths carry one rate)', () => {
    const topology = small('consecutive', { linkDelayNs: 50, localDelayNs: 300, globalDelayNs: 1000 });
    const { sim: psim, net } = build(topology);
    const ports = allPorts(net);
    const spec = validateSpec({ name: 't', seed: 1, fabrics: [{ preset: 'ethernet', routing: 'minimal', model: 'flow' }], topology, workload: { kind: 'permutation', bytes: 4096 } });
    for (const [src, dst] of allPairs(20).filter((_, i) => i % 7 === 0)) {
      const sim = new Simulator();
      const flow = new FlowNetwork(sim, spec.topology, resolveFabric(spec.fabrics[0]!), 1);
      let at = -1;
      flow.send(flow.openFlow(src, dst), 1000, (t) => (at = t));
      sim.run();
      const hops = (shapeOf(spec.topology) as DragonflyShape).hops(src, dst);
      // The flow model spreads the path's propagation evenly over its hops, rounded to the ps.
      expect(Math.abs(at - probe(psim, net, ports, src, dst, 1000).tookPs), `${src}→${dst}`).toBeLessThanOrEqual(hops);
    }
  });
});
