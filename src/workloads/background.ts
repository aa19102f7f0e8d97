import { LatencyHistogram, serializationPs, Timer, type Rng } from '../engine/index.js';
import type { FabricModel } from '../fabric/index.js';
import { cdfMeanBytes, sampleSize, type SizeCdf } from './flow-size-cdf.js';

export interface BackgroundReport {
  flows: number;
  completed: number;
  /** FCT over the FCT the same flow would have on an idle fabric (see idealFctPs). */
  slowdown: { p50: number; p99: number; max: number };
}

/**
 * FCT of `bytes` from src to dst on an idle fabric: all frames serialized at line rate,
 * then the last one crosses the remaining hops store-and-forward, plus every link's delay.
 */
export function idealFctPs(net: FabricModel, src: number, dst: number, bytes: number): number {
  const { mtuBytes, headerBytes } = net.config;
  const frames = Math.max(1, Math.ceil(bytes / mtuBytes));
  const lastFrame = bytes - (frames - 1) * mtuBytes + headerBytes;
  const hops = net.topology.hops(src, dst);
  return (
    serializationPs(bytes + frames * headerBytes, net.hostGbps) +
    (hops - 1) * serializationPs(lastFrame, net.hostGbps) +
    hops * net.topology.linkDelayPs
  );
}

/**
 * Background traffic: every host starts flows in a Poisson process at `load` × its line
 * rate (mean gap = mean size / (rate · load)), sizes from a CDF, destinations uniform among
 * the other hosts, as the HPCC simulator's generator does. Each flow is its own queue pair.
 * New arrivals stop when `stop()` is called (the foreground is done) or at `untilPs`.
 */
export class Background {
  private readonly slowdownMilli = new LatencyHistogram();
  private started = 0;
  private completed = 0;
  private stopped = false;
  private net!: FabricModel;

  constructor(
    private readonly hosts: number[],
    private readonly load: number,
    private readonly cdf: SizeCdf,
    private readonly rng: Rng,
    private readonly untilPs: number,
  ) {}

  start(net: FabricModel): void {
    this.net = net;
    const meanGapPs = (cdfMeanBytes(this.cdf) * 8_000) / (net.hostGbps * this.load);
    for (const src of this.hosts) {
      const timer: Timer = new Timer(net.sim, () => {
        if (this.stopped || net.sim.nowPs >= this.untilPs) return;
        this.startFlow(src);
        timer.set(this.exponential(meanGapPs));
      });
      timer.set(this.exponential(meanGapPs));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private exponential(meanPs: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.rng.next()) * meanPs));
  }

  private startFlow(src: number): void {
    const hosts = this.hosts;
    let dst = hosts[this.rng.int(hosts.length - 1)]!;
    if (dst === src) dst = hosts[hosts.length - 1]!; // uniform over the others
    const bytes = sampleSize(this.cdf, this.rng);
    const net = this.net;
    const startPs = net.sim.nowPs;
    const idealPs = idealFctPs(net, src, dst, bytes);
    this.started++;
    net.send(net.openFlow(src, dst), bytes, (atPs) => {
      this.completed++;
      this.slowdownMilli.record((1000 * (atPs - startPs)) / idealPs);
    });
  }

  report(): BackgroundReport {
    const p = this.slowdownMilli.percentiles();
    return { flows: this.started, completed: this.completed, slowdown: { p50: p.p50 / 1000, p99: p.p99 / 1000, max: p.max / 1000 } };
  }
}
