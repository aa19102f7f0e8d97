import type { LatencyHistogram } from '../engine/index.js';
import type { FabricModel } from '../fabric/index.js';
import type { CdfUs, FabricDetail, LinkUtilization } from './result.js';
import type { Sampler } from './sampler.js';

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Busy time over `elapsedPs` of every switch egress port, grouped by tier and direction:
 * a tier's up ports (towards the spine) and its down ports (towards hosts or leaves).
 * A model without ports (the flow model keeps no per-link busy time) has none.
 */
export function linkUtilization(net: FabricModel, elapsedPs: number): LinkUtilization[] {
  return net.probes.linkGroups.map(({ tier, direction, switches, ports }) => ({
    tier,
    direction,
    switches: [...switches],
    utilization: ports.map((group) => group.map((p) => (elapsedPs > 0 ? round(p.busyPs / elapsedPs, 4) : 0))),
  }));
}

/** A histogram (recording ns) as a CDF in µs, rounded as the result's percentiles are. */
function cdfUs(histogram: LatencyHistogram): CdfUs {
  const { fraction, value } = histogram.cdf();
  return { fraction, us: value.map((ns) => round(ns / 1e3, 3)) };
}

/**
 * Everything the HTML report draws for one run, besides its result row. Utilization is
 * over the workload's time (`elapsedPs`), not the idle tail of timers after it.
 */
export function fabricDetail(net: FabricModel, sampler: Sampler, elapsedPs: number): FabricDetail {
  return {
    timeSeries: sampler.timeSeries(),
    links: linkUtilization(net, elapsedPs),
    latencyCdf: cdfUs(net.metrics.packetLatencyNs),
    fctCdf: cdfUs(net.metrics.messageFctNs),
  };
}
