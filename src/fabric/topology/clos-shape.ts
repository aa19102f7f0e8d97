import { psFromNs } from '../../engine/index.js';
import { DEFAULT_GPUS_PER_NODE, NO_PORTS, portRange, type SwitchLayout, type TopologyShape } from './shape.js';
import type { NvlinkDomain } from './topology.js';

/**
 * Where GPUs sit in a folded Clos of up to three tiers, and how wide each tier is, as each
 * topology kind computes it from its spec. Leaves are grouped into pods; each leaf has
 * `parallel` uplinks to each spine of its pod; spine j of every pod has one uplink to each
 * core of plane j, and a core one downlink per pod.
 */
export interface ClosDims {
  gpus: number;
  leaves: number;
  /** The leaf GPU h is cabled to, and its port there (0 … GPUs on that leaf − 1, each once). */
  leafOf(h: number): number;
  slotOf(h: number): number;
  leavesPerPod: number;
  /** Spines per pod: every leaf's uplinks go to each of them. */
  spinesPerPod: number;
  /** Parallel links between one leaf and one spine (leaf-spine may have several; fat-tree and rails 1). */
  parallel: number;
  /** Cores per plane: every spine's uplinks, one to each; 0 for two tiers. */
  coresPerPlane: number;
  linkGbps: number;
  linkDelayNs: number;
  nvlink: NvlinkDomain | null;
  /** Spine names seed their hash salts: leaf-spine calls them spine<j>, a Clos pod<p>/spine<j>. */
  spineName(pod: number, j: number): string;
}

const TIER_NAMES = ['leaf', 'spine', 'core'];

/**
 * A folded Clos (leaf-spine, fat-tree and rail-optimized are all one) and its up-down
 * routing on the address: a switch sends a packet down when the destination's leaf is
 * below it, else up along any of its uplinks. Ports of a switch: its down ports first
 * (leaf: one per GPU slot; spine: `parallel` per leaf of its pod; core: one per pod), then
 * its up ports (leaf: `parallel` per spine of its pod; spine: one per core of its plane).
 * Tiers that would carry nothing are left out: one leaf needs no spines, one pod no cores.
 */
export class ClosShape implements TopologyShape {
  readonly gpus: number;
  readonly leaves: number;
  readonly leafOf: (h: number) => number;
  readonly slotOf: (h: number) => number;
  readonly leavesPerPod: number;
  readonly spinesPerPod: number;
  readonly parallel: number;
  readonly coresPerPlane: number;
  readonly pods: number;
  /** Scale-out tiers: 1 (one leaf), 2 (one pod) or 3. */
  readonly tiers: number;
  readonly fabricTiers: number;
  readonly tierNames: readonly string[];
  readonly linkGbps: number;
  readonly linkDelayPs: number;
  readonly nvlink: NvlinkDomain | null;
  readonly gpusPerNode: number;
  readonly maxHops: number;
  /** Uplinks of every leaf. */
  readonly leafUplinks: number;
  readonly spineName: (pod: number, j: number) => string;
  private readonly gpusOnLeaf: Int32Array;

  constructor(d: ClosDims) {
    this.gpus = d.gpus;
    this.leaves = d.leaves;
    this.leafOf = d.leafOf;
    this.slotOf = d.slotOf;
    this.leavesPerPod = d.leavesPerPod;
    this.spinesPerPod = d.spinesPerPod;
    this.parallel = d.parallel;
    this.coresPerPlane = d.coresPerPlane;
    this.pods = Math.ceil(d.leaves / d.leavesPerPod);
    if (this.pods > 1 && d.coresPerPlane === 0) throw new RangeError('clos: several pods need a core tier');
    this.tiers = d.leaves === 1 ? 1 : this.pods === 1 ? 2 : 3;
    this.fabricTiers = this.tiers;
    this.tierNames = [...TIER_NAMES.slice(0, this.tiers), ...(d.nvlink ? ['nvlink'] : [])];
    this.linkGbps = d.linkGbps;
    this.linkDelayPs = psFromNs(d.linkDelayNs);
    this.nvlink = d.nvlink;
    this.gpusPerNode = d.nvlink?.gpusPerNode ?? DEFAULT_GPUS_PER_NODE;
    this.maxHops = 2 * this.tiers;
    this.leafUplinks = this.tiers >= 2 ? d.spinesPerPod * d.parallel : 0;
    this.spineName = d.spineName;
    this.gpusOnLeaf = new Int32Array(d.leaves);
    for (let h = 0; h < d.gpus; h++) this.gpusOnLeaf[d.leafOf(h)]!++;
  }

  sameNode(a: number, b: number): boolean {
    const g = this.nvlink?.gpusPerNode;
    return g !== undefined && a !== b && Math.floor(a / g) === Math.floor(b / g);
  }

  hops(src: number, dst: number): number {
    if (this.sameNode(src, dst)) return 2; // NIC → NVSwitch → NIC
    const a = this.leafOf(src);
    const b = this.leafOf(dst);
    if (a === b) return 2;
    return this.podOf(a) === this.podOf(b) ? 4 : 6;
  }

  podOf(leaf: number): number {
    return Math.floor(leaf / this.leavesPerPod);
  }

  /** Leaves in pod `p` (the last pod may hold fewer). */
  leavesIn(p: number): number {
    return Math.min(this.leavesPerPod, this.leaves - p * this.leavesPerPod);
  }

  /** Positions in switches() order: leaves, then spines pod by pod, cores plane by plane, NVSwitches. */
  private get firstSpine(): number {
    return this.leaves;
  }
  private get firstCore(): number {
    return this.leaves + (this.tiers >= 2 ? this.pods * this.spinesPerPod : 0);
  }
  private get firstNvSwitch(): number {
    return this.firstCore + (this.tiers === 3 ? this.spinesPerPod * this.coresPerPlane : 0);
  }

  switches(): SwitchLayout[] {
    const { leaves, leavesPerPod: lpp, spinesPerPod: S, parallel: P, coresPerPlane: C, linkGbps: gbps, leafOf, slotOf } = this;
    const out: SwitchLayout[] = [];
    for (let l = 0; l < leaves; l++) {
      const down = this.gpusOnLeaf[l]!;
      const up = this.leafUplinks;
      const route = (dst: number) => (leafOf(dst) === l ? portRange(slotOf(dst), 1) : portRange(down, up));
      out.push({ name: `leaf${l}`, tier: 0, index: l, downPorts: down, upPorts: up, gbps, route });
    }
    if (this.tiers >= 2) {
      for (let p = 0; p < this.pods; p++) {
        const first = p * lpp;
        const inPod = this.leavesIn(p);
        const up = this.tiers === 3 ? C : 0;
        for (let j = 0; j < S; j++) {
          const route = (dst: number) => {
            const i = leafOf(dst) - first;
            return i >= 0 && i < inPod ? portRange(i * P, P) : portRange(inPod * P, up);
          };
          out.push({ name: this.spineName(p, j), tier: 1, index: p * S + j, downPorts: inPod * P, upPorts: up, gbps, route });
        }
      }
    }
    if (this.tiers === 3) {
      for (let j = 0; j < S; j++) {
        for (let c = 0; c < C; c++) {
          const route = (dst: number) => portRange(Math.floor(leafOf(dst) / lpp), 1);
          out.push({ name: `plane${j}/core${c}`, tier: 2, index: j * C + c, downPorts: this.pods, upPorts: 0, gbps, route });
        }
      }
    }
    const nv = this.nvlink;
    if (nv) {
      const G = nv.gpusPerNode;
      for (let n = 0; n * G < this.gpus; n++) {
        const lo = n * G;
        const route = (dst: number) => (dst >= lo && dst < lo + G ? portRange(dst - lo, 1) : NO_PORTS);
        out.push({ name: `nvswitch${n}`, tier: this.tiers, index: n, downPorts: G, upPorts: 0, gbps: nv.gbps, route });
      }
    }
    return out;
  }

  forEachCable(cable: (a: number, aPort: number, b: number, bPort: number) => void): void {
    const { leavesPerPod: lpp, spinesPerPod: S, parallel: P, coresPerPlane: C } = this;
    if (this.tiers >= 2) {
      for (let p = 0; p < this.pods; p++) {
        const inPod = this.leavesIn(p);
        for (let j = 0; j < S; j++) {
          const spine = this.firstSpine + p * S + j;
          for (let i = 0; i < inPod; i++) {
            const leaf = p * lpp + i;
            for (let k = 0; k < P; k++) cable(leaf, this.gpusOnLeaf[leaf]! + j * P + k, spine, i * P + k);
          }
        }
      }
    }
    if (this.tiers === 3) {
      for (let j = 0; j < S; j++)
        for (let c = 0; c < C; c++)
          for (let p = 0; p < this.pods; p++) cable(this.firstSpine + p * S + j, this.leavesIn(p) * P + c, this.firstCore + j * C + c, p);
    }
  }

  hostSwitch(h: number): number {
    return this.leafOf(h);
  }

  hostSlot(h: number): number {
    return this.slotOf(h);
  }

  nvSwitch(h: number): number {
    return this.firstNvSwitch + Math.floor(h / this.nvlink!.gpusPerNode);
  }

  nvSlot(h: number): number {
    return h % this.nvlink!.gpusPerNode;
  }
}
