import type { DragonflyShape } from '../topology/index.js';

/**
 * Every directed link of a dragonfly as one integer, by arithmetic on its shape: GPU h → its
 * router (h), router → GPU h (gpus + h), then per router its egress links in port order —
 * a − 1 local links (to the other routers of its group), then its cabled global links.
 */
export class DragonflyLinks {
  readonly hostUp = 0;
  readonly hostDown: number;
  readonly routerBase: number;
  /** Router egress links of one group. */
  readonly perGroup: number;
  readonly count: number;
  /** Per egress link of a group (by offset): 1 if global, 0 if local. */
  private readonly isGlobal: Uint8Array;

  constructor(readonly shape: DragonflyShape) {
    const { gpus, groups, routersPerGroup: a } = shape;
    this.hostDown = gpus;
    this.routerBase = 2 * gpus;
    this.perGroup = a * (a - 1) + shape.links.used;
    this.count = this.routerBase + groups * this.perGroup;
    this.isGlobal = new Uint8Array(this.perGroup);
    for (let r = 0; r < a; r++) this.isGlobal.fill(1, this.offset(r) + a - 1, this.offset(r) + a - 1 + shape.globalOn(r));
  }

  /** First egress link of the r-th router of a group, counted from its group's first. */
  private offset(r: number): number {
    const s = this.shape;
    return r * (s.routersPerGroup - 1) + Math.min(s.links.used, r * s.globalPerRouter);
  }

  private base(R: number): number {
    const a = this.shape.routersPerGroup;
    return this.routerBase + Math.floor(R / a) * this.perGroup + this.offset(R % a);
  }

  /** Router R → router `to` of its group. */
  local(R: number, to: number): number {
    const a = this.shape.routersPerGroup;
    const r = R % a;
    const t = to % a;
    return this.base(R) + (t < r ? t : t - 1);
  }

  /** Group-level global port j of R's group, which R owns. */
  global(R: number, j: number): number {
    const s = this.shape;
    return this.base(R) + s.routersPerGroup - 1 + (j % s.globalPerRouter);
  }

  isHostLink(link: number): boolean {
    return link < this.routerBase;
  }

  capacityGbps(link: number): number {
    const s = this.shape;
    if (link < this.routerBase) return s.linkGbps;
    return this.isGlobal[(link - this.routerBase) % this.perGroup] ? s.globalGbps : s.localGbps;
  }
}
