/**
 * How a dragonfly's global links join its groups, by arithmetic (no per-link tables).
 *
 * A group has a·h global ports, numbered j = r·h + k (router r, its global port k). With
 * g groups every pair of groups is joined by L = ⌊a·h / (g − 1)⌋ links (1 at the maximum
 * size g = a·h + 1); the first U = L·(g − 1) ports of a group are cabled, the rest are
 * left dark (so a group of fewer groups spreads its spare links evenly over the pairs).
 *
 * - consecutive (Camarero, Vallejo, Beivide, ACM TACO 2014, the arrangement of Kim et al.
 *   ISCA 2008's figures): port j of group G goes to the (j mod (g−1))-th other group in
 *   order, skipping G itself — to group t if t < G, else t + 1. The k-th link of a pair
 *   is port t + k·(g−1) on each side.
 * - palmtree (García et al.; as the CAMINOS simulator extends it to any size): port j of
 *   group G goes to group G + 1 + ((U − 1 − j) mod (g − 1)), arriving on its port
 *   U − 1 − j. At g = a·h + 1 this is the published G − j − 1 (mod g), port a·h − 1 − j.
 */
export type DragonflyArrangement = 'consecutive' | 'palmtree';

export class GlobalLinks {
  /** Links between every pair of groups. */
  readonly perPair: number;
  /** Cabled global ports per group (the first `used`; the rest dark). */
  readonly used: number;

  constructor(
    readonly groups: number,
    readonly portsPerGroup: number,
    readonly arrangement: DragonflyArrangement,
  ) {
    this.perPair = groups > 1 ? Math.floor(portsPerGroup / (groups - 1)) : 0;
    this.used = this.perPair * (groups - 1);
  }

  /** The group that port `j` of group `G` leads to. */
  target(G: number, j: number): number {
    const n = this.groups - 1;
    if (this.arrangement === 'consecutive') {
      const t = j % n;
      return t < G ? t : t + 1;
    }
    return (G + 1 + ((this.used - 1 - j) % n)) % this.groups;
  }

  /** The port at the far end (in group target(G, j)) of port `j` of group `G`. */
  peerPort(G: number, j: number): number {
    const n = this.groups - 1;
    if (this.arrangement === 'consecutive') {
      const T = this.target(G, j);
      return (G < T ? G : G - 1) + (j - (j % n));
    }
    return this.used - 1 - j;
  }

  /** The port of group `G` carrying its k-th link to group `T` (T ≠ G, k < perPair). */
  portTo(G: number, T: number, k: number): number {
    const n = this.groups - 1;
    if (this.arrangement === 'consecutive') return (T < G ? T : T - 1) + k * n;
    const d = (T - G - 1 + this.groups) % this.groups;
    return this.used - 1 - d - k * n;
  }
}
