import type { FabricContext } from '../context.js';
import type { Nic } from '../nic.js';
import type { RoutingPolicy } from '../routing/index.js';
import { Switch } from '../switch.js';
import { connect, NVLINK_PORT } from './topology.js';

/**
 * Each server's NVLink domain: one non-blocking NVSwitch with a port per GPU, cabled to a
 * second port on each GPU's NIC (NVLINK_PORT), at the NVLink rate and latency. The NVSwitch
 * is an output-queued Switch of the same fabric (buffer per port, flow control), so a
 * GPU's NVLink egress queues like any port; `tier` places it after the fabric tiers.
 */
export function buildNvlinkDomains(
  ctx: FabricContext,
  nics: Nic[],
  gpusPerNode: number,
  gbps: number,
  delayNs: number,
  tier: number,
  routing: RoutingPolicy,
): Switch[] {
  const switches: Switch[] = [];
  for (let lo = 0; lo < nics.length; lo += gpusPerNode) {
    // Salt 0: one port per destination, so no hash ever picks among several.
    const sw = new Switch(ctx, `nvswitch${lo / gpusPerNode}`, tier, 0, routing, (dst) =>
      dst >= lo && dst < lo + gpusPerNode ? dst - lo : -1,
    );
    for (let i = 0; i < gpusPerNode; i++) {
      const down = sw.addPort(gbps);
      sw.downGroups.push([down]);
      const nicPort = nics[lo + i]!.addPort(gbps);
      if (nicPort.index !== NVLINK_PORT) throw new Error(`nvlink: NIC ${lo + i} already has ${nicPort.index} ports`);
      connect(ctx.sim, nicPort, down, delayNs);
    }
    sw.finishPorts();
    switches.push(sw);
  }
  return switches;
}
