import { psFromUs, serializationPs, usFromPs } from '../engine/index.js';
import type { FabricModel, PortProbe } from '../fabric/index.js';
import type { TimeSeries } from './result.js';

/** Automatic interval: start fine, halve the resolution each time samples reach twice this. */
const TARGET_SAMPLES = 256;
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

/** Keeps the entries at even indices (time 0, 2·I, 4·I, …): doubles the interval. */
function keepEven(column: number[]): void {
  const kept = Math.ceil(column.length / 2);
  for (let i = 0; i < kept; i++) column[i] = column[2 * i]!;
  column.length = kept;
}

/**
 * Reads a network's counters at sample instants. It schedules nothing: the caller runs the
 * simulator up to `nextSamplePs` and calls `sample`, so sampling cannot perturb the run.
 * Columns hold cumulative counters and instantaneous depths; rates are differences of
 * kept samples, so dropping every other sample still leaves exact interval averages.
 */
export class Sampler {
  nextSamplePs: number;
  private intervalPs: number;
  private readonly adaptive: boolean;
  private readonly ports: readonly PortProbe[];
  private readonly tiers: readonly { name: string; ports: readonly PortProbe[] }[];
  private readonly tPs: number[] = [];
  private readonly deliveredBytes: number[] = [];
  private readonly arrivedBytes: number[] = [];
  private readonly drops: number[] = [];
  private readonly pausedPs: number[] = [];
  private readonly inFlightBytes: number[] = [];
  private readonly queueMax: number[][];
  private readonly queueMean: number[][];

  /** `intervalUs`: fixed sampling interval; default automatic (a few hundred samples a run). */
  constructor(
    private readonly net: FabricModel,
    intervalUs?: number,
  ) {
    this.adaptive = intervalUs === undefined;
    this.intervalPs = intervalUs === undefined ? firstIntervalPs(net) : Math.max(1, psFromUs(intervalUs));
    // A model without queues (the flow model) has no ports: only the counters are sampled.
    this.ports = net.probes.pausePorts;
    this.tiers = net.probes.queueTiers;
    this.queueMax = this.tiers.map(() => []);
    this.queueMean = this.tiers.map(() => []);
    this.record(net.sim.nowPs);
    this.nextSamplePs = net.sim.nowPs + this.intervalPs;
  }

  /** Records the state at `nowPs`: the due sample time, or the end of the run. */
  sample(nowPs: number): void {
    if (this.closed || nowPs <= this.tPs[this.tPs.length - 1]!) return;
    this.record(nowPs);
    const intervals = this.tPs.length - 1;
    if ((this.adaptive && intervals >= 2 * TARGET_SAMPLES) || intervals >= MAX_SAMPLES) {
      for (const column of this.columns()) keepEven(column);
      this.intervalPs *= 2;
    }
    this.nextSamplePs = this.tPs[this.tPs.length - 1]! + this.intervalPs;
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

  private columns(): number[][] {
    return [this.tPs, this.deliveredBytes, this.arrivedBytes, this.drops, this.pausedPs, this.inFlightBytes, ...this.queueMax, ...this.queueMean];
  }

  private record(nowPs: number): void {
    const m = this.net.metrics;
    this.tPs.push(nowPs);
    this.deliveredBytes.push(m.bytesDelivered);
    // The scale-out fabric's traffic, as latency and queue depths: NVLink bytes (whole
    // messages at once when modelled per message) would drown it.
    const fabricSent = m.dataBytesSent - m.nvlinkBytesSent;
    const fabricArrived = m.dataBytesArrived - m.nvlinkBytesArrived;
    this.arrivedBytes.push(fabricArrived);
    this.drops.push(m.drops);
    this.inFlightBytes.push(fabricSent - fabricArrived - m.dataBytesDropped);
    let paused = 0;
    for (const port of this.ports) paused += port.pausedPsAt(nowPs);
    this.pausedPs.push(paused);
    this.tiers.forEach(({ ports }, t) => {
      let max = 0;
      let sum = 0;
      for (const port of ports) {
        const q = port.dataQueuedBytes;
        sum += q;
        if (q > max) max = q;
      }
      this.queueMax[t]!.push(max);
      this.queueMean[t]!.push(ports.length === 0 ? 0 : sum / ports.length);
    });
  }

  /** The series so far, one entry per interval (the state at time 0 is only the baseline). */
  timeSeries(): TimeSeries {
    const n = this.tPs.length;
    const at = <T>(f: (i: number) => T): T[] => Array.from({ length: n - 1 }, (_, k) => f(k + 1));
    const dtPs = (i: number) => this.tPs[i]! - this.tPs[i - 1]!;
    const gbps = (column: number[]) => at((i) => round(((column[i]! - column[i - 1]!) * 8_000) / dtPs(i), 3));
    const ports = this.ports.length;
    return {
      intervalUs: usFromPs(this.intervalPs),
      tUs: at((i) => round(usFromPs(this.tPs[i]!), 6)),
      goodputGbps: gbps(this.deliveredBytes),
      rxGbps: gbps(this.arrivedBytes),
      inFlightBytes: at((i) => this.inFlightBytes[i]!),
      drops: at((i) => this.drops[i]! - this.drops[i - 1]!),
      pfcPausedFraction: at((i) => (ports === 0 ? 0 : round((this.pausedPs[i]! - this.pausedPs[i - 1]!) / (ports * dtPs(i)), 6))),
      queueBytes: this.tiers.map(({ name }, t) => ({
        tier: name,
        max: at((i) => this.queueMax[t]![i]!),
        mean: at((i) => round(this.queueMean[t]![i]!, 1)),
      })),
    };
  }
}
