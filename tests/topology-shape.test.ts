import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { Network, portRange, PRESETS, shapeOf, type Switch, type SwitchLayout, type TopologyShape } from '../src/fabric/index.js';
import { allPairs, allPorts, probe, topoSpec } from './topology-helpers.js';

/**
 * A topology no spec names, written only as a shape: three switches in a triangle, two GPUs
 * on each, one direct cable between every pair of switches (port 2 to the next switch
 * clockwise, port 3 to the previous). Not a Clos: there is no up or down.
 */
function triangle(linkGbps: number, linkDelayNs: number): TopologyShape {
  const switchOf = (h: number) => Math.floor(h / 2);
  return {
    gpus: 6,
    tierNames: ['router'],
    fabricTiers: 1,
    linkGbps,
    linkDelayPs: psFromNs(linkDelayNs),
    nvlink: null,
    gpusPerNode: 1,
    maxHops: 3,
    sameNode: () => false,
    hops: (src, dst) => (switchOf(src) === switchOf(dst) ? 2 : 3),
    switches: () =>
      [0, 1, 2].map(
        (i): SwitchLayout => ({
          name: `router${i}`,
          tier: 0,
          index: i,
          downPorts: 2,
          upPorts: 2,
          gbps: linkGbps,
          route: (dst) => {
            const t = switchOf(dst);
            return t === i ? portRange(dst % 2, 1) : portRange(t === (i + 1) % 3 ? 2 : 3, 1);
          },
        }),
      ),
    forEachCable: (cable) => {
      for (let i = 0; i < 3; i++) cable(i, 2, (i + 1) % 3, 3);
    },
    hostSwitch: switchOf,
    hostSlot: (h) => h % 2,
    nvSwitch: () => -1,
    nvSlot: () => -1,
  };
}

describe('a topology is its shape: the packet builder and switches know no kind', () => {
  it('a non-Clos shape (a triangle of switches) routes every pair along its direct path, store-and-forward to the ps', () => {
    const sim = new Simulator();
    const net = new Network(sim, triangle(100, 200), PRESETS.ethernet!, 1);
    const ports = allPorts(net);
    const bytes = 1000;
    const hopPs = serializationPs(bytes + net.config.headerBytes, 100) + psFromNs(200);
    for (const [src, dst] of allPairs(6)) {
      const { tookPs, dataPorts } = probe(sim, net, ports, src, dst, bytes);
      const hops = Math.floor(src / 2) === Math.floor(dst / 2) ? 2 : 3;
      expect(tookPs, `${src}→${dst}`).toBe(hops * hopPs);
      expect(dataPorts.length, `${src}→${dst}`).toBe(hops);
      // Between switches it takes the one cable that joins them.
      if (hops === 3) {
        const leaving = dataPorts.find((p) => (p.owner as Switch).name === `router${Math.floor(src / 2)}`)!;
        expect((leaving.link.to as Switch).name, `${src}→${dst}`).toBe(`router${Math.floor(dst / 2)}`);
      }
    }
  });

  it('a spec’s shape is computed once: validation, the packet model and the flow model share the object', () => {
    const spec = topoSpec({ kind: 'rail-optimized', radix: 8, gpusPerNode: 4, gpus: 32 });
    const shape = shapeOf(spec.topology);
    const net = new Network(new Simulator(), spec.topology, PRESETS.ethernet!, 1);
    expect(net.topology.shape).toBe(shape);
    expect(shape.gpusPerNode).toBe(4);
    expect([shape.sameNode(0, 3), shape.sameNode(3, 4), shape.sameNode(5, 5)]).toEqual([true, false, false]);
  });
});
