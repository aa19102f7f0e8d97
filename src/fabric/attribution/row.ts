import { Port } from '../port.js';
import { MAX_TIERS, Part, QUEUE_TIER0, sumParts, type Breakdown } from './parts.js';

/** Where one completion time went, as results carry it: integer picoseconds that add up to `completionPs`. */
export interface AttributionRow {
  /** What it explains: "workload", a job's name, … */
  label: string;
  completionPs: number;
  partsPs: {
    serialization: number;
    propagation: number;
    /** Waiting in queues: at the sending NIC, then per switch tier by the topology's tier names. */
    queueing: Record<string, number>;
    pfcPaused: number;
    retransmission: number;
    throttled: number;
    windowFull: number;
    nvlink: number;
    stepLatency: number;
    compute: number;
  };
  /** The (at most) five links that cost the critical path most: waiting at, serializing onto and crossing each. */
  topLinks: { link: string; ps: number }[];
}

/** "leaf0→spine1": a link by its sending and receiving node. */
export function linkName(key: object): string {
  return key instanceof Port ? `${key.owner.name}→${key.link.to.name}` : String(key);
}

/** A breakdown as a result row; `tierNames` names the switch tiers (TopologyShape.tierNames). */
export function attributionRow(label: string, b: Breakdown, tierNames: readonly string[]): AttributionRow {
  const p = b.parts;
  const queueing: Record<string, number> = { nic: p[Part.QueueNic]! };
  for (let t = 0; t < MAX_TIERS; t++) {
    const ps = p[QUEUE_TIER0 + t]!;
    if (t < tierNames.length || ps > 0) queueing[tierNames[t] ?? `tier${t}`] = ps;
  }
  const topLinks = [...b.links]
    .map(([key, ps]) => ({ link: linkName(key), ps }))
    .sort((a, c) => c.ps - a.ps || (a.link < c.link ? -1 : 1))
    .slice(0, 5);
  return {
    label,
    completionPs: sumParts(p),
    partsPs: {
      serialization: p[Part.Serialization]!,
      propagation: p[Part.Propagation]!,
      queueing,
      pfcPaused: p[Part.PfcPaused]!,
      retransmission: p[Part.Retransmission]!,
      throttled: p[Part.Throttled]!,
      windowFull: p[Part.WindowFull]!,
      nvlink: p[Part.Nvlink]!,
      stepLatency: p[Part.StepLatency]!,
      compute: p[Part.Compute]!,
    },
    topLinks,
  };
}

/** Every part of a row, flat, in display order (queueing tiers spelled "queue nic", "queue leaf", …). */
export function flatParts(row: AttributionRow): [string, number][] {
  const { queueing, ...rest } = row.partsPs;
  return [
    ['serialization', rest.serialization],
    ['propagation', rest.propagation],
    ...Object.entries(queueing).map(([tier, ps]): [string, number] => [`queue ${tier}`, ps]),
    ['pfc paused', rest.pfcPaused],
    ['retransmission', rest.retransmission],
    ['throttled', rest.throttled],
    ['window full', rest.windowFull],
    ['nvlink', rest.nvlink],
    ['step latency', rest.stepLatency],
    ['compute', rest.compute],
  ];
}
