import { seed32 } from '../../engine/index.js';
import type { FabricContext } from '../context.js';
import type { Nic } from '../nic.js';
import type { RoutingPolicy } from '../routing/index.js';
import { Switch } from '../switch.js';
import { connect } from './topology.js';

/**
 * Where GPUs sit in a folded Clos of up to three tiers, and how wide each tier is. Leaves
 * are grouped into pods; each leaf has one uplink to each spine of its pod; spine j of
 * every pod has one uplink to each core of plane j, and a core one downlink per pod.
 */
export interface ClosLayout {
  gpus: number;
  leaves: number;
  /** The leaf GPU h is cabled to, and its port there (0 … GPUs on that leaf − 1, each once). */
  leafOf(h: number): number;
  slotOf(h: number): number;
  leavesPerPod: number;
  /** Spines per pod: every leaf's uplinks, one to each. */
  spinesPerPod: number;
  /** Cores per plane: every spine's uplinks, one to each; 0 for two tiers. */
  coresPerPlane: number;
  linkGbps: number;
  linkDelayNs: number;
}

/** The fabric part of a Topology. */
export interface Clos {
  switches: Switch[];
  tierNames: string[];
  maxHops: number;
  hops(src: number, dst: number): number;
}

const TIER_NAMES = ['leaf', 'spine', 'core'];

/**
 * Builds the Clos and cables each NIC's port 0 to its leaf. Tiers that would carry nothing
 * are left out: one leaf needs no spines, one pod no cores. Routing is up-down on the
 * address: a switch goes down when the destination's leaf is below it, else up along any
 * of its uplinks (the routing policy picks), so no tables are kept.
 */
export function buildClos(layout: ClosLayout, ctx: FabricContext, routing: RoutingPolicy, seed: number, nics: Nic[]): Clos {
  const { sim } = ctx;
  const { leaves, leafOf, slotOf, leavesPerPod: lpp, linkGbps: gbps, linkDelayNs: delayNs } = layout;
  const pods = Math.ceil(leaves / lpp);
  if (pods > 1 && layout.coresPerPlane === 0) throw new RangeError('clos: several pods need a core tier');
  const tiers = leaves === 1 ? 1 : pods === 1 ? 2 : 3;

  const gpusOnLeaf = new Int32Array(leaves);
  for (let h = 0; h < layout.gpus; h++) gpusOnLeaf[leafOf(h)]!++;
  const leafSwitches: Switch[] = [];
  for (let l = 0; l < leaves; l++) {
    const leaf = new Switch(ctx, `leaf${l}`, 0, seed32(seed, `leaf${l}`), routing, (dst) => (leafOf(dst) === l ? slotOf(dst) : -1));
    for (let i = 0; i < gpusOnLeaf[l]!; i++) leaf.downGroups.push([leaf.addPort(gbps)]);
    leafSwitches.push(leaf);
  }
  for (let h = 0; h < layout.gpus; h++) connect(sim, nics[h]!.port, leafSwitches[leafOf(h)]!.ports[slotOf(h)]!, delayNs);

  /** Cables `lower`'s next uplink to `upper`'s next downlink (its child group `upper.downGroups.length`). */
  const uplink = (lower: Switch, upper: Switch) => {
    const up = lower.addPort(gbps);
    const down = upper.addPort(gbps);
    lower.upPorts.push(up);
    upper.downGroups.push([down]);
    connect(sim, up, down, delayNs);
  };

  const spines: Switch[][] = [];
  if (tiers >= 2) {
    for (let p = 0; p < pods; p++) {
      const first = p * lpp;
      const inPod = Math.min(lpp, leaves - first);
      const pod: Switch[] = [];
      for (let j = 0; j < layout.spinesPerPod; j++) {
        const name = `pod${p}/spine${j}`;
        const spine = new Switch(ctx, name, 1, seed32(seed, name), routing, (dst) => {
          const i = leafOf(dst) - first;
          return i >= 0 && i < inPod ? i : -1;
        });
        for (let i = 0; i < inPod; i++) uplink(leafSwitches[first + i]!, spine);
        pod.push(spine);
      }
      spines.push(pod);
    }
  }

  const cores: Switch[] = [];
  if (tiers === 3) {
    for (let j = 0; j < layout.spinesPerPod; j++) {
      for (let c = 0; c < layout.coresPerPlane; c++) {
        const name = `plane${j}/core${c}`;
        const core = new Switch(ctx, name, 2, seed32(seed, name), routing, (dst) => Math.floor(leafOf(dst) / lpp));
        for (let p = 0; p < pods; p++) uplink(spines[p]![j]!, core);
        cores.push(core);
      }
    }
  }

  const switches = [...leafSwitches, ...spines.flat(), ...cores];
  for (const sw of switches) sw.finishPorts();
  return {
    switches,
    tierNames: TIER_NAMES.slice(0, tiers),
    maxHops: 2 * tiers,
    hops: (src, dst) => {
      const a = leafOf(src);
      const b = leafOf(dst);
      if (a === b) return 2;
      return Math.floor(a / lpp) === Math.floor(b / lpp) ? 4 : 6;
    },
  };
}

/**
 * Splits a switch's `radix` ports into `down` and `up` at oversubscription `o` (down/up
 * capacity): up = ⌊radix / (1 + o)⌋, down = o · up; ports left over stay unused.
 * Throws a one-line error naming `field` when o does not give whole ports.
 */
export function splitRadix(radix: number, o: number, field: string): { down: number; up: number } {
  const up = Math.floor(radix / (1 + o));
  const down = up * o;
  if (up < 1 || !Number.isInteger(down))
    throw new RangeError(
      `topology.${field}: ${radix} switch ports cannot split ${o}:1 into whole down and up ports (up = ⌊radix / (1 + ${o})⌋ = ${up}, down = ${down})`,
    );
  return { down, up };
}
