import type { Packet } from '../packet.js';
import type { Port } from '../port.js';

/** Numbers a packet keeps per hop when attribution is on: wait, of which paused, serialization, propagation, tier. */
export const HOP_FIELDS = 5;

/** A data packet's hop log starts empty (called where the NIC makes it). */
export function startHopLog(packet: Packet, nowPs: number, pausedPs: number): void {
  if (packet.hopPorts === null) {
    packet.hopPorts = [];
    packet.hopPs = [];
  } else {
    packet.hopPorts.length = 0;
    packet.hopPs!.length = 0;
  }
  packet.enqueuedPs = nowPs;
  packet.pausedMarkPs = pausedPs;
}

/** The packet joined `port`'s queue now. */
export function stampEnqueued(packet: Packet, port: Port, nowPs: number): void {
  packet.enqueuedPs = nowPs;
  packet.pausedMarkPs = port.pausedPsAt(nowPs);
}

/** The packet starts to leave `port` now, for `txPs`: what its wait there was, and its time on the wire. */
export function stampDeparture(packet: Packet, port: Port, nowPs: number, txPs: number): void {
  const hops = packet.hopPs;
  if (hops === null) return;
  const waitPs = nowPs - packet.enqueuedPs;
  const pausedPs = Math.min(waitPs, port.pausedPsAt(nowPs) - packet.pausedMarkPs);
  packet.hopPorts!.push(port);
  hops.push(waitPs, pausedPs, txPs, port.link.delayPs, port.tier);
}
