import type { BaseFabricConfig } from '../config.js';
import type { Mechanism } from '../mechanism.js';
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

/** What a flow-control factory gets for one switch. */
export interface FlowControlBuild<P extends object> {
  readonly config: BaseFabricConfig & P;
  readonly ports: number;
  /** The switch's shared buffer: ports × bufferBytesPerPort. */
  readonly capacityBytes: number;
  /** Per port: what can still arrive after a PAUSE is due (see pfcHeadroomBytes); 0 unless lossless. */
  readonly headroomBytes: number;
  readonly sendPause: SendPause;
}

/**
 * A flow-control module. `lossless` is what it needs from the fabric: a per-port headroom
 * reserve (a buffer too small to hold it is refused when the spec is checked).
 */
export interface FlowControlMechanism<N extends string, P extends object> extends Mechanism<N, P, FlowControlBuild<P>, BufferPolicy> {
  readonly lossless: boolean;
}

/** Declares a flow-control module (infers its name and parameter fields). */
export const defineFlowControl = <N extends string, P extends object = Record<never, never>>(m: FlowControlMechanism<N, P>): FlowControlMechanism<N, P> => m;
