import type { TopologyShape } from './shape.js';

/**
 * Cabled ports of the scale-out fabric's switches (NVSwitches left out): what a fabric
 * costs in switch silicon, to compare topologies of the same GPU count. A shape that can
 * count them by arithmetic says so (`switchPorts`); otherwise its switches are laid out.
 */
export function fabricSwitchPorts(shape: TopologyShape & { switchPorts?: () => number }): number {
  if (shape.switchPorts) return shape.switchPorts();
  let ports = 0;
  for (const s of shape.switches()) if (s.tier < shape.fabricTiers) ports += s.downPorts + s.upPorts;
  return ports;
}
