import type { LatencyHistogram } from '../engine/index.js';
import type { FabricModel, LinkGroup } from '../fabric/index.js';
import type { CdfUs, FabricDetail, LinkUtilization } from './result.js';
import { timeSeriesOf, type SampleColumns } from './sampler.js';

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/** A utilization group's busy time per port, as counted (plain data: the parts of a threaded run add theirs up). */
export type LinkBusy = Omit<LinkUtilization, 'utilization' | 'switches'> & { switches: string[]; busyPs: number[][] };

/** Busy time so far of every switch egress port, by tier and direction. A model without ports (the flow model) has none. */
export function linkBusy(groups: readonly LinkGroup[]): LinkBusy[] {
  return groups.map(({ tier, direction, switches, ports }) => ({
    tier,
    direction,
    switches: [...switches],
    busyPs: ports.map((group) => group.map((p) => p.busyPs)),
  }));
}

/**
 * Busy time over `elapsedPs` of every switch egress port, grouped by tier and direction:
 * a tier's up ports (towards the spine) and its down ports (towards hosts or leaves).
 */
export function linkUtilization(groups: readonly LinkBusy[], elapsedPs: number): LinkUtilization[] {
  return groups.map(({ tier, direction, switches, busyPs }) => ({
    tier,
    direction,
    switches,
    utilization: busyPs.map((group) => group.map((busy) => (elapsedPs > 0 ? round(busy / elapsedPs, 4) : 0))),
  }));
}

/** A histogram (recording ns) as a CDF in µs, rounded as the result's percentiles are. */
function cdfUs(histogram: LatencyHistogram): CdfUs {
  const { fraction, value } = histogram.cdf();
  return { fraction, us: value.map((ns) => round(ns / 1e3, 3)) };
}

/**
 * Everything the HTML report draws for one run, besides its result row: its samples, its
 * links' busy time, its latency histograms. Utilization is over the workload's time
 * (`elapsedPs`), not the idle tail of timers after it.
 */
export function fabricDetail(
  metrics: Pick<FabricModel['metrics'], 'packetLatencyNs' | 'messageFctNs'>,
  samples: SampleColumns,
  links: readonly LinkBusy[],
  elapsedPs: number,
): FabricDetail {
  return {
    timeSeries: timeSeriesOf(samples),
    links: linkUtilization(links, elapsedPs),
    latencyCdf: cdfUs(metrics.packetLatencyNs),
    fctCdf: cdfUs(metrics.messageFctNs),
  };
}
