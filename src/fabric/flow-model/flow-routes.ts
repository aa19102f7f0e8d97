import type { FlowPaths } from '../routing/routing-policy.js';
import type { FlowLayout } from './layout.js';
import { LinkGraph } from './link-graph.js';
import { routeOf, type FlowPath } from './paths.js';

/** A topology's links as the flow model indexes them, and each flow's route over them. */
export interface FlowRoutes {
  /** Directed links, numbered 0 … count − 1. */
  readonly count: number;
  capacityGbps(link: number): number;
  /** The route of a new flow (`hash`: its 5-tuple hash; `loadOf`: flows now on a link, for routing by load). */
  route(src: number, dst: number, hash: number, loadOf: (link: number) => number): FlowPath;
}

/** A Clos: links by arithmetic on the layout (link-graph.ts), routes as paths.ts computes them. */
export class ClosRoutes implements FlowRoutes {
  readonly graph: LinkGraph;

  constructor(
    readonly layout: FlowLayout,
    private readonly paths: FlowPaths,
    /** An even split loads every link of an equal-cost group alike: the graph makes each group one link (not under failures). */
    aggregate = paths === 'even-split',
  ) {
    this.graph = new LinkGraph(layout, aggregate);
  }

  get count(): number {
    return this.graph.count;
  }

  capacityGbps(link: number): number {
    return this.graph.capacityGbps(link);
  }

  route(src: number, dst: number, hash: number): FlowPath {
    return routeOf(this.graph, this.paths, src, dst, hash);
  }
}
