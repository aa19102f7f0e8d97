import type { FlowLayout } from './layout.js';

/**
 * Every directed link of a fabric as one integer, by arithmetic on the layout (no objects
 * per link, so a million GPUs cost a few typed arrays). Ranges, in order:
 *   GPU h → its leaf (h), leaf → GPU h, leaf → spine and spine → leaf per leaf–spine cable,
 *   spine → core and core → spine per spine–core cable, GPU → NVSwitch and NVSwitch → GPU.
 * A leaf–spine cable is l·S·P + s·P + k (leaf l, spine s of its pod, parallel link k), the
 * order of the leaf's uplink ports in the packet model; a spine–core cable is
 * (pod·S + j)·C + c, the order of spine j's uplinks.
 */
export class LinkGraph {
  readonly hostUp = 0;
  readonly hostDown: number;
  readonly leafUp: number;
  readonly leafDown: number;
  readonly spineUp: number;
  readonly spineDown: number;
  readonly nvUp: number;
  readonly nvDown: number;
  readonly count: number;
  /** Uplinks per leaf: spines of its pod × parallel links to each. */
  readonly leafUplinks: number;
  /** Spine–core cables of one pod, each way. */
  readonly podCoreCables: number;
  /**
   * `aggregated` (spraying): every flow that loads one of a leaf's uplinks loads all of them
   * equally (and likewise a leaf's downlinks, and a pod's spine–core cables each way), so
   * each such group is one link of the group's capacity, numbered by its first cable:
   * U identical constraints Σ rate/U ≤ B are the one constraint Σ rate ≤ U·B, exactly.
   */
  constructor(
    readonly layout: FlowLayout,
    readonly aggregated = false,
  ) {
    const { gpus, leaves, leavesPerPod, spinesPerPod, parallel, coresPerPlane, tiers, nvlink } = layout;
    this.leafUplinks = tiers >= 2 ? spinesPerPod * parallel : 0;
    const leafCables = leaves * this.leafUplinks;
    const spineCables = tiers === 3 ? Math.ceil(leaves / leavesPerPod) * spinesPerPod * coresPerPlane : 0;
    this.hostDown = gpus;
    this.leafUp = 2 * gpus;
    this.leafDown = this.leafUp + leafCables;
    this.spineUp = this.leafDown + leafCables;
    this.spineDown = this.spineUp + spineCables;
    this.nvUp = this.spineDown + spineCables;
    this.nvDown = this.nvUp + (nvlink ? gpus : 0);
    this.count = this.nvDown + (nvlink ? gpus : 0);
    this.podCoreCables = spinesPerPod * coresPerPlane;
  }

  /** Each link's capacity while failures change some (flow-failures.ts); null: the nominal rates. */
  rateGbps: Float64Array | null = null;

  capacityGbps(link: number): number {
    if (this.rateGbps !== null) return this.rateGbps[link]!;
    if (link >= this.nvUp) return this.layout.nvlink!.gbps;
    const gbps = this.layout.linkGbps;
    if (!this.aggregated || link < this.leafUp) return gbps;
    return link < this.spineUp ? gbps * this.leafUplinks : gbps * this.podCoreCables;
  }

  /** Which tier and direction a link belongs to, as the packet model's utilization groups name them. */
  tierOf(link: number): { tier: string; direction: 'up' | 'down' } {
    if (link < this.hostDown) return { tier: 'host', direction: 'up' };
    if (link < this.leafUp) return { tier: 'leaf', direction: 'down' };
    if (link < this.leafDown) return { tier: 'leaf', direction: 'up' };
    if (link < this.spineUp) return { tier: 'spine', direction: 'down' };
    if (link < this.spineDown) return { tier: 'spine', direction: 'up' };
    if (link < this.nvUp) return { tier: 'core', direction: 'down' };
    return { tier: 'nvlink', direction: link < this.nvDown ? 'up' : 'down' };
  }
}
