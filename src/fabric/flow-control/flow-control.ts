import type { Packet } from '../packet.js';

/**
 * A switch's buffer admission and, for PFC, pause generation. One instance per switch,
 * which owns the shared-buffer accounting (per-ingress counters live here, in one place,
 * so lossless accounting cannot drift between modules).
 */
export interface BufferPolicy {
  /** Charges the packet arriving on `ingress` to the buffer; false = drop it. */
  admit(packet: Packet, ingress: number): boolean;
  /** A packet of `sizeBytes` that came in on `ingress` has left the switch: release what it was charged. */
  release(ingress: number, sizeBytes: number): void;
  /** Could a release on `ingress` change what the switch signals upstream (a PFC RESUME)? Then it must happen on time. */
  releaseSignals(ingress: number): boolean;
  readonly usedBytes: number;
}

/** How a switch sends a PFC frame out of one of its ports. */
export type SendPause = (port: number, pause: boolean) => void;
