import type { LatencyHistogram } from '../engine/index.js';
import { FlowNetwork, type Network, type Port } from '../fabric/index.js';
import type { CdfUs, FabricDetail, LinkUtilization } from './result.js';
import type { AnyNetwork } from './runner.js';
import type { Sampler } from './sampler.js';

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Busy time over `elapsedPs` of every switch egress port, grouped by tier and direction:
 * a tier's up ports (towards the spine) and its down ports (towards hosts or leaves).
 */
export function linkUtilization(net: Network, elapsedPs: number): LinkUtilization[] {
  const { switches, tierNames } = net.topology;
  const groups: LinkUtilization[] = [];
  tierNames.forEach((tier, t) => {
    const members = switches.filter((s) => s.tier === t);
    const group = (direction: 'up' | 'down', portsOf: (s: (typeof members)[number]) => Port[]) => {
      if (members.every((s) => portsOf(s).length === 0)) return;
      groups.push({
        tier,
        direction,
        switches: members.map((s) => s.name),
        utilization: members.map((s) => portsOf(s).map((p) => (elapsedPs > 0 ? round(p.busyPs / elapsedPs, 4) : 0))),
      });
    };
    group('up', (s) => s.upPorts);
    group('down', (s) => s.downGroups.flat());
  });
  return groups;
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
export function fabricDetail(net: AnyNetwork, sampler: Sampler, elapsedPs: number): FabricDetail {
  return {
    timeSeries: sampler.timeSeries(),
    // The flow model keeps no per-link busy time (yet): no heat-map for it.
    links: net instanceof FlowNetwork ? [] : linkUtilization(net, elapsedPs),
    latencyCdf: cdfUs(net.metrics.packetLatencyNs),
    fctCdf: cdfUs(net.metrics.messageFctNs),
  };
}
