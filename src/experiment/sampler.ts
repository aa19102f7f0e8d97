import { psFromUs, serializationPs, usFromPs } from '../engine/index.js';
import type { FabricModel, FabricProbes } from '../fabric/index.js';
import type { TimeSeries } from './result.js';

/** Automatic interval: start fine, halve the resolution each time samples reach twice this. */
export const TARGET_SAMPLES = 256;
/** Even a fixed interval keeps a bounded series: aggregates by default, never a trace. */
const MAX_SAMPLES = 100_000;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * The first automatic interval: one full data packet's time on a host link, rounded up to
 * 1, 2 or 5 × 10^k ps. A rate sampled over less than a packet time is only quantization noise.
 */
export function firstIntervalPs(net: FabricModel): number {
  const packetPs = serializationPs(net.config.mtuBytes + net.config.headerBytes, net.hostGbps);
  const decade = 10 ** Math.floor(Math.log10(packetPs));
  return [1, 2, 5, 10].map((m) => m * decade).find((nice) => nice >= packetPs)!;
}

/** The counters a sample holds before the per-tier queue depths, in column order (after the time). */
const COUNTERS = ['deliveredBytes', 'arrivedBytes', 'drops', 'pausedPs', 'inFlightBytes'] as const;
const FIRST_QUEUE = 1 + COUNTERS.length;

/**
 * What a sampler reads at an instant: `read` appends, in column order, the cumulative
 * counters then each tier's deepest and summed egress queue (a mean is a sum over `tierPorts`,
 * so the parts of a threaded run add up to the whole).
 */
export interface SampleSource {
  readonly tiers: readonly string[];
  readonly tierPorts: readonly number[];
  /** Ports whose paused time is summed. */
  readonly pausePorts: number;
  read(nowPs: number, into: number[][]): void;
}

/**
 * A series as recorded: `columns[0]` the sample times, then the counters and queue depths
 * (plain data: it crosses threads). `intervalPs` is the interval the sampler had reached.
 */
export interface SampleColumns {
  tiers: string[];
  tierPorts: number[];
  pausePorts: number;
  intervalPs: number;
  columns: number[][];
}

/** When to sample: every `intervalPs`, halving the resolution at twice `target` intervals when adaptive. */
export interface SampleSchedule {
  intervalPs: number;
  adaptive: boolean;
  target?: number;
}

/** The schedule `--sample-us` asks for (undefined: automatic), on this network. */
export function scheduleOf(net: FabricModel, intervalUs?: number): SampleSchedule {
  return intervalUs === undefined ? { intervalPs: firstIntervalPs(net), adaptive: true } : { intervalPs: Math.max(1, psFromUs(intervalUs)), adaptive: false };
}

/** Reads a network's counters and the queues of `probes` (default: every port). */
export function networkSource(net: FabricModel, probes: FabricProbes = net.probes): SampleSource {
  // A model without queues (the flow model) has no ports: only the counters are sampled.
  const ports = probes.pausePorts;
  const tiers = probes.queueTiers;
  return {
    tiers: tiers.map((t) => t.name),
    tierPorts: tiers.map((t) => t.ports.length),
    pausePorts: ports.length,
    read(nowPs, into) {
      const m = net.metrics;
      // The scale-out fabric's traffic, as latency and queue depths: NVLink bytes (whole
      // messages at once when modelled per message) would drown it.
      const fabricSent = m.dataBytesSent - m.nvlinkBytesSent;
      const fabricArrived = m.dataBytesArrived - m.nvlinkBytesArrived;
      let paused = 0;
      for (const port of ports) paused += port.pausedPsAt(nowPs);
      const values = [m.bytesDelivered, fabricArrived, m.drops, paused, fabricSent - fabricArrived - m.dataBytesDropped];
      values.forEach((v, i) => into[1 + i]!.push(v));
      tiers.forEach(({ ports }, t) => {
        let max = 0;
        let sum = 0;
        for (const port of ports) {
          const q = port.dataQueuedBytes;
          sum += q;
          if (q > max) max = q;
        }
        into[FIRST_QUEUE + t]!.push(max);
        into[FIRST_QUEUE + tiers.length + t]!.push(sum);
      });
    },
  };
}

/** Keeps the entries at even indices (time 0, 2·I, 4·I, …): doubles the interval. */
function keepEven(column: number[]): void {
  const kept = Math.ceil(column.length / 2);
  for (let i = 0; i < kept; i++) column[i] = column[2 * i]!;
  column.length = kept;
}

/**
 * Reads a source at sample instants. It schedules nothing: the caller runs the simulator
 * up to `nextSamplePs` and calls `sample`, so sampling cannot perturb the run. Columns hold
 * cumulative counters and instantaneous depths; rates are differences of kept samples, so
 * dropping every other sample still leaves exact interval averages.
 */
export class Sampler {
  nextSamplePs: number;
  private intervalPs: number;
  private readonly columns: number[][];

  /** `net`'s counters every `intervalUs`; default automatic (a few hundred samples a run). */
  static of(net: FabricModel, intervalUs?: number): Sampler {
    return new Sampler(networkSource(net), scheduleOf(net, intervalUs), net.sim.nowPs);
  }

  constructor(
    private readonly source: SampleSource,
    private readonly schedule: SampleSchedule,
    startPs: number,
  ) {
    this.intervalPs = schedule.intervalPs;
    this.columns = Array.from({ length: FIRST_QUEUE + 2 * source.tiers.length }, () => []);
    this.record(startPs);
    this.nextSamplePs = startPs + this.intervalPs;
  }

  /**
   * Records the state at `nowPs`: the due sample time, or the end of the run. `coarsen`
   * false leaves halving the resolution to a later `coarsen()` (a threaded part that may be
   * past the run's end): the samples kept in the end are the same, all multiples of the
   * final interval, as long as no halving comes before the samples call for it.
   */
  sample(nowPs: number, coarsen = true): void {
    if (this.closed || nowPs <= this.lastPs) return;
    this.record(nowPs);
    if (coarsen) this.coarsen();
    else this.nextSamplePs = this.lastPs + this.intervalPs;
  }

  /** Halves the resolution while the samples reach the schedule's bound. */
  coarsen(): void {
    const target = this.schedule.target ?? TARGET_SAMPLES;
    for (;;) {
      const intervals = this.columns[0]!.length - 1;
      if (!((this.schedule.adaptive && intervals >= 2 * target) || intervals >= MAX_SAMPLES)) break;
      for (const column of this.columns) keepEven(column);
      this.intervalPs *= 2;
    }
    if (!this.closed) this.nextSamplePs = this.lastPs + this.intervalPs;
  }

  /** Takes the last sample (once the workload is done: an idle tail says nothing). */
  close(nowPs: number): void {
    if (this.closed) return;
    this.sample(nowPs);
    this.nextSamplePs = Infinity;
  }

  get closed(): boolean {
    return this.nextSamplePs === Infinity;
  }

  private get lastPs(): number {
    return this.columns[0]!.at(-1)!;
  }

  /** Forgets the samples after `endPs` (a threaded part samples past the run's end until it knows it). */
  forgetAfter(endPs: number): void {
    const times = this.columns[0]!;
    let keep = times.length;
    while (keep > 1 && times[keep - 1]! > endPs) keep--;
    for (const column of this.columns) column.length = keep;
    this.nextSamplePs = this.lastPs + this.intervalPs;
  }

  private record(nowPs: number): void {
    this.columns[0]!.push(nowPs);
    this.source.read(nowPs, this.columns);
  }

  /** The samples as recorded (a copy). */
  recorded(): SampleColumns {
    const { tiers, tierPorts, pausePorts } = this.source;
    return { tiers: [...tiers], tierPorts: [...tierPorts], pausePorts, intervalPs: this.intervalPs, columns: this.columns.map((c) => [...c]) };
  }

  /** The series so far, one entry per interval (the state at time 0 is only the baseline). */
  timeSeries(): TimeSeries {
    return timeSeriesOf(this.recorded());
  }
}

/** Rates, depths and fractions per interval from recorded samples. */
export function timeSeriesOf({ tiers, tierPorts, pausePorts, intervalPs, columns }: SampleColumns): TimeSeries {
  const [tPs, deliveredBytes, arrivedBytes, drops, pausedPs, inFlightBytes] = columns as [number[], number[], number[], number[], number[], number[]];
  const at = <T>(f: (i: number) => T): T[] => Array.from({ length: tPs.length - 1 }, (_, k) => f(k + 1));
  const dtPs = (i: number) => tPs[i]! - tPs[i - 1]!;
  const gbps = (column: number[]) => at((i) => round(((column[i]! - column[i - 1]!) * 8_000) / dtPs(i), 3));
  return {
    intervalUs: usFromPs(intervalPs),
    tUs: at((i) => round(usFromPs(tPs[i]!), 6)),
    goodputGbps: gbps(deliveredBytes),
    rxGbps: gbps(arrivedBytes),
    inFlightBytes: at((i) => inFlightBytes[i]!),
    drops: at((i) => drops[i]! - drops[i - 1]!),
    pfcPausedFraction: at((i) => (pausePorts === 0 ? 0 : round((pausedPs[i]! - pausedPs[i - 1]!) / (pausePorts * dtPs(i)), 6))),
    queueBytes: tiers.map((tier, t) => {
      const max = columns[FIRST_QUEUE + t]!;
      const sum = columns[FIRST_QUEUE + tiers.length + t]!;
      const ports = tierPorts[t]!;
      return { tier, max: at((i) => max[i]!), mean: at((i) => round(ports === 0 ? 0 : sum[i]! / ports, 1)) };
    }),
  };
}

/**
 * The samples of a run's parts as one run's (`--threads`): each part read only the ports of
 * its own nodes and counted only its own events, at the same instants, so counters and
 * queue sums add up, maxima take the greatest, and port counts add up to the whole fabric's.
 */
export function mergeSamples(parts: readonly SampleColumns[]): SampleColumns {
  const first = parts[0]!;
  const times = first.columns[0]!;
  for (const p of parts)
    if (p.columns[0]!.length !== times.length || p.columns[0]!.some((t, i) => t !== times[i]))
      throw new Error('--threads: the parts sampled at different instants');
  const tiers = first.tiers.length;
  const columns = first.columns.map((column, c) =>
    column.map((_, i) => {
      const isMax = c >= FIRST_QUEUE && c < FIRST_QUEUE + tiers;
      if (c === 0) return times[i]!;
      let v = 0;
      for (const p of parts) v = isMax ? Math.max(v, p.columns[c]![i]!) : v + p.columns[c]![i]!;
      return v;
    }),
  );
  return {
    tiers: [...first.tiers],
    tierPorts: first.tierPorts.map((_, t) => parts.reduce((sum, p) => sum + p.tierPorts[t]!, 0)),
    pausePorts: parts.reduce((sum, p) => sum + p.pausePorts, 0),
    intervalPs: first.intervalPs,
    columns,
  };
}

/**
 * The series a sequential run would have kept, taken from finer recorded samples: the
 * sequential sampler replayed over them (`schedule`, from the recording's start). As the live
 * run does, it samples at each due instant, closes at the first instant at or after
 * `finishedPs` (the workload's end; Infinity: it never finished), or at the last recorded
 * sample, the run's end, when that comes first. Early instants the recording coarsened away
 * are ones the sequential sampler drops too by the end (it coarsens no later than the
 * recording did, unless timers outlived the workload several times over: such instants are
 * left out).
 */
export function replaySamples(recorded: SampleColumns, schedule: SampleSchedule, finishedPs: number): SampleColumns {
  const times = recorded.columns[0]!;
  const endPs = times.at(-1)!;
  const rowAt = new Map(times.map((t, row) => [t, row]));
  const source: SampleSource = {
    tiers: recorded.tiers,
    tierPorts: recorded.tierPorts,
    pausePorts: recorded.pausePorts,
    read(nowPs, into) {
      const row = rowAt.get(nowPs);
      for (let c = 1; c < into.length; c++) into[c]!.push(row === undefined ? NaN : recorded.columns[c]![row]!);
    },
  };
  const sampler = new Sampler(source, schedule, times[0]!);
  while (!sampler.closed) {
    const t = sampler.nextSamplePs;
    if (t > endPs) sampler.close(endPs);
    else if (finishedPs <= t) sampler.close(t);
    else sampler.sample(t);
  }
  const replayed = sampler.recorded();
  const kept = replayed.columns[1]!.map((v, row) => !Number.isNaN(v) || row === 0);
  return { ...replayed, columns: replayed.columns.map((column) => column.filter((_, row) => kept[row])) };
}
