import type { Packet } from './packet.js';

/** A NIC or a switch: receives a packet that arrived on its port number `ingress`. */
export interface NetworkNode {
  readonly name: string;
  receive(packet: Packet, ingress: number): void;
  /** Called by one of its ports when a packet starts to leave it (ECN, telemetry); its last bit leaves at `endPs`. */
  onDeparted(packet: Packet, port: number, endPs: number): void;
}

/** Pulled by an idle port that has nothing queued: how a NIC paces data onto its wire. */
export interface PacketSource {
  pull(): Packet | null;
  /** Might `pull` return a packet now? (False lets a busy port skip its end-of-frame event; the source kicks it when that changes.) */
  readonly hasWork: boolean;
}
