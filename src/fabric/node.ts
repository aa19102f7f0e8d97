import type { Packet } from './packet.js';

/** A NIC or a switch: receives a packet that arrived on its port number `ingress`. */
export interface NetworkNode {
  readonly name: string;
  receive(packet: Packet, ingress: number): void;
  /** Called by one of its ports when a packet has left the port (buffer accounting). */
  onDeparted(packet: Packet, port: number): void;
}

/** Pulled by an idle port that has nothing queued: how a NIC paces data onto its wire. */
export interface PacketSource {
  pull(): Packet | null;
}
