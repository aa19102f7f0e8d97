import type { Simulator } from '../../engine/index.js';
import type { BaseFabricConfig } from '../config.js';
import type { Flow } from '../flow.js';
import type { Mechanism } from '../mechanism.js';
import type { Packet, TelemetrySlab } from '../packet.js';

/** What a congestion-control module asks of the NIC it runs in (the flow's `src` at the sender). */
export interface CcServices {
  sendCnp(flow: Flow): void;
  /** Sets the flow's sending rate; the pacer rescales a pending inter-packet gap. */
  setRate(flow: Flow, rateGbps: number): void;
}

/**
 * Sender rate (and window) control of a queue pair. The module sets the rate through
 * `flow.src.setRate` (the NIC paces packets at it) and may write `flow.windowPackets`; per-flow state lives
 * in `flow.ccState`, created by `init`.
 */
export interface CongestionControl {
  init(flow: Flow): void;
  /** Sender: a data packet of `flow` goes on the wire. */
  onSend(flow: Flow, packet: Packet): void;
  /** Sender: an ACK (carrying echoed telemetry, if any) arrived. */
  onAck(flow: Flow, ack: Packet): void;
  /** Sender: a congestion notification arrived. */
  onCnp(flow: Flow): void;
  /** Receiver: a data packet arrived (a CNP may be due). */
  onData(flow: Flow, packet: Packet, nic: CcServices): void;
}

/** No congestion control: line rate within the fixed window. */
export class NoCongestionControl implements CongestionControl {
  init(): void {}
  onSend(): void {}
  onAck(): void {}
  onCnp(): void {}
  onData(): void {}
}

/** What a congestion-control factory gets: the config (its own fields among them), the clock, and where the fabric's telemetry records live. */
export interface CcBuild<P extends object> {
  readonly config: BaseFabricConfig & P;
  readonly sim: Simulator;
  readonly telemetrySlab: TelemetrySlab;
}

/**
 * A congestion-control module. `telemetryHeaderBytes`, if declared, is what it needs from
 * the fabric: switches stamp in-band telemetry on data packets, and each fabric data
 * packet and its ACK carry a header of that many bytes.
 */
export interface CcMechanism<N extends string, P extends object> extends Mechanism<N, P, CcBuild<P>, CongestionControl> {
  telemetryHeaderBytes?(config: BaseFabricConfig & P): number;
}

/** Declares a congestion-control module (infers its name and parameter fields). */
export const defineCc = <N extends string, P extends object = Record<never, never>>(m: CcMechanism<N, P>): CcMechanism<N, P> => m;
