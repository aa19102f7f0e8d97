import { seed32 } from '../../engine/index.js';
import type { FabricContext } from '../context.js';
import { Nic } from '../nic.js';
import type { RoutingPolicy } from '../routing/index.js';
import { Switch } from '../switch.js';
import type { TopologyShape } from './shape.js';
import { shapeOf, type TopologySpec } from './shape-of.js';
import { cable, NVLINK_PORT, type Topology } from './topology.js';

/**
 * Builds the packet model of a topology from its shape: a NIC per GPU, the switches the
 * shape lays out (each routes by the shape's function; the routing policy picks among its
 * equal-cost ports), fabric cables at the fabric's rate and delay, and each GPU's NVLink
 * port cabled to its server's NVSwitch. The builder knows no topology kind.
 */
export function buildTopology(spec: TopologySpec, ctx: FabricContext, routing: RoutingPolicy, seed: number): Topology {
  return buildShape(shapeOf(spec), ctx, routing, seed);
}

export function buildShape(shape: TopologyShape, ctx: FabricContext, routing: RoutingPolicy, seed: number): Topology {
  const { sim } = ctx;
  const { gpus, linkGbps, linkDelayPs, nvlink } = shape;
  const nics: Nic[] = [];
  for (let h = 0; h < gpus; h++) nics.push(new Nic(ctx, h, shape.hostLink?.(h).gbps ?? linkGbps));
  const switches = shape.switches().map((s) => {
    const sw = new Switch(ctx, s.name, s.tier, seed32(seed, s.name), routing, s.route, s.downPorts, s.portSets);
    for (let i = 0; i < s.downPorts + s.upPorts; i++) sw.addPort(s.portGbps?.[i] ?? s.gbps);
    return sw;
  });
  for (let h = 0; h < gpus; h++) {
    const delayPs = shape.hostLink?.(h).delayPs ?? linkDelayPs;
    cable(sim, nics[h]!.port, switches[shape.hostSwitch(h)]!.ports[shape.hostSlot(h)]!, delayPs, ctx.pool);
  }
  shape.forEachCable((a, aPort, b, bPort, delayPs) =>
    cable(sim, switches[a]!.ports[aPort]!, switches[b]!.ports[bPort]!, delayPs ?? linkDelayPs, ctx.pool),
  );
  if (nvlink) {
    for (let h = 0; h < gpus; h++) {
      const nicPort = nics[h]!.addPort(nvlink.gbps);
      if (nicPort.index !== NVLINK_PORT) throw new Error(`nvlink: NIC ${h} already has ${nicPort.index} ports`);
      cable(sim, nicPort, switches[shape.nvSwitch(h)]!.ports[shape.nvSlot(h)]!, nvlink.delayPs, ctx.pool);
    }
  }
  for (const sw of switches) sw.finishPorts();
  return {
    shape,
    nics,
    switches,
    tierNames: [...shape.tierNames],
    fabricTiers: shape.fabricTiers,
    hostGbps: linkGbps,
    maxHops: shape.maxHops,
    hops: (src, dst) => shape.hops(src, dst),
    linkDelayPs,
    nvlink,
  };
}
