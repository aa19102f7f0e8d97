import type { Topology } from './topology/index.js';

/** What sampling and reports read of one egress port. */
export interface PortProbe {
  /** Data bytes queued now, the frame in transmission included. */
  readonly dataQueuedBytes: number;
  /** Picoseconds spent serializing so far: utilization = busyPs / elapsed. */
  readonly busyPs: number;
  pausedPsAt(nowPs: number): number;
}

/** A tier's switch egress ports, whose queue depths the time series show. */
export interface QueueTier {
  readonly name: string;
  readonly ports: readonly PortProbe[];
}

/** Egress ports of one tier in one direction, per switch: a row of the utilization heat-map. */
export interface LinkGroup {
  readonly tier: string;
  /** up: towards the next tier; down: towards hosts or the tier below. */
  readonly direction: 'up' | 'down';
  readonly switches: readonly string[];
  readonly ports: readonly (readonly PortProbe[])[];
}

/**
 * The ports a fabric model lets observers read, so sampling and reports need not know which
 * model runs. A model without queues (the flow model) has none: empty lists, not zeros.
 */
export interface FabricProbes {
  /** Ports whose PFC pause time the time series sums: each NIC's fabric port, every switch port. */
  readonly pausePorts: readonly PortProbe[];
  readonly queueTiers: readonly QueueTier[];
  readonly linkGroups: readonly LinkGroup[];
}

export const NO_PROBES: FabricProbes = { pausePorts: [], queueTiers: [], linkGroups: [] };

/**
 * The probes of a built packet topology. NVSwitch queues are left out of the time series
 * when NVLink is modelled per message (a flat zero line would pass for a measurement);
 * their ports stay in the utilization groups, which the crossbar keeps up to date.
 */
export function packetProbes(t: Topology, nvlinkPerMessage: boolean): FabricProbes {
  return probesOf(t, nvlinkPerMessage, t.nics, t.switches);
}

/**
 * The probes of the nodes `owns` keeps (node index: NICs first, then switches): a threaded
 * part's own ports, whose samples add up with the other parts' to the whole fabric's.
 */
export function ownedProbes(t: Topology, nvlinkPerMessage: boolean, owns: (node: number) => boolean): FabricProbes {
  return probesOf(
    t,
    nvlinkPerMessage,
    t.nics.filter((_, h) => owns(h)),
    t.switches.filter((_, i) => owns(t.nics.length + i)),
  );
}

function probesOf(t: Topology, nvlinkPerMessage: boolean, nics: Topology['nics'], switches: Topology['switches']): FabricProbes {
  const { tierNames } = t;
  const queueTiers = tierNames
    .map((name, tier) => ({ name, ports: switches.filter((s) => s.tier === tier).flatMap((s) => s.ports) }))
    .filter(({ name }) => !(name === 'nvlink' && nvlinkPerMessage));
  const linkGroups: LinkGroup[] = [];
  tierNames.forEach((tier, t) => {
    const members = switches.filter((s) => s.tier === t);
    for (const direction of ['up', 'down'] as const) {
      const ports = members.map((s) => (direction === 'up' ? s.upPorts : s.downPorts));
      if (ports.every((p) => p.length === 0)) continue;
      linkGroups.push({ tier, direction, switches: members.map((s) => s.name), ports });
    }
  });
  return { pausePorts: [...nics.map((n) => n.port), ...switches.flatMap((s) => s.ports)], queueTiers, linkGroups };
}
