import type { BaseFabricConfig } from '../config.js';
import type { Flow } from '../flow.js';
import type { Mechanism } from '../mechanism.js';
import type { FabricMetrics } from '../metrics.js';
import type { Packet } from '../packet.js';

/** What a loss-recovery module asks of the NIC it runs in. */
export interface NicServices {
  /**
   * Sends an ACK or NACK for `flow` carrying the cumulative `psn` back to the flow's
   * sender; `trigger`, the data packet that prompted it, lends its sequence number as a
   * selective ACK and hands over its telemetry to echo (its record moves to the ACK: at
   * most one ACK or NACK per trigger, whose telemetry is not read afterwards).
   */
  sendAck(flow: Flow, psn: number, trigger?: Packet): void;
  sendNack(flow: Flow, psn: number, trigger?: Packet): void;
  /** The receiver holds every packet below `flow.rcvNxt`: complete the messages this finishes. */
  deliverInOrder(flow: Flow): boolean;
  /** The sender may have something to send again. */
  wake(flow: Flow): void;
}

/**
 * How a NIC pair recovers from loss and reordering (go-back-N, selective repeat,
 * out-of-order placement). It owns the sequence-number logic at both ends of a flow.
 */
export interface LossRecovery {
  /** Sender: may `flow` put a data packet on the wire now? */
  canSend(flow: Flow): boolean;
  /** Sender: the sequence number to transmit next; advances the sender state. */
  takeNextPsn(flow: Flow): number;
  onAck(flow: Flow, ack: Packet, nic: NicServices): void;
  onNack(flow: Flow, nack: Packet, nic: NicServices): void;
  onTimeout(flow: Flow, nic: NicServices): void;
  /** Receiver: a data packet of `flow` arrived. */
  onData(flow: Flow, packet: Packet, nic: NicServices): void;
}

/** What a loss-recovery factory gets: the config (its own fields among them) and the fabric's counters. */
export interface LossRecoveryBuild<P extends object> {
  readonly config: BaseFabricConfig & P;
  readonly metrics: FabricMetrics;
}

/** A loss-recovery module of the NIC. */
export type LossRecoveryMechanism<N extends string, P extends object> = Mechanism<N, P, LossRecoveryBuild<P>, LossRecovery>;

/** Declares a loss-recovery module (infers its name and parameter fields). */
export const defineLossRecovery = <N extends string, P extends object = Record<never, never>>(m: LossRecoveryMechanism<N, P>): LossRecoveryMechanism<N, P> => m;
