import type { Simulator } from '../engine/index.js';
import type { FailureEvent } from './failures.js';
import type { FabricMetrics } from './metrics.js';
import type { FabricProbes } from './probes.js';
import type { CriticalPath } from './attribution/critical-path.js';
import type { NvlinkDomain, TopologyShape } from './topology/index.js';

/** Which model simulates a fabric: packets through queues (the ground truth), or max-min fair fluid flows. */
export type FabricModelName = 'packet' | 'flow';

/** A queue pair as a workload holds it: an opaque handle it sends messages on. */
export interface FabricFlow {
  readonly id: number;
  /**
   * Counts the bytes of each message delivered on this queue pair, when its opener sets it
   * (a collective's progress): one shared counter, no closure per message.
   */
  deliveredTo: DeliveredBytes | null;
}

/** Receives deliveries by tag: one object for many messages, told apart by the tag (no closure per message). */
export interface DeliveryTarget {
  delivered(tag: number, atPs: number): void;
}

/** Who hears that a message arrived: a callback, or a target told with the message's tag. */
export type Receiver = ((atPs: number) => void) | DeliveryTarget;

/** Tells `receiver` that its message arrived at `atPs`. */
export function deliver(receiver: Receiver, tag: number, atPs: number): void {
  if (typeof receiver === 'function') receiver(atPs);
  else receiver.delivered(tag, atPs);
}

/** What a queue pair's deliveries add to (see FabricFlow.deliveredTo). */
export interface DeliveredBytes {
  deliveredBytes: number;
}

/**
 * Everything a workload, the runner, sampling and reports may use of a fabric, whichever
 * model simulates it: open a queue pair between two GPUs, send messages on it, read the
 * clock, a few constants of the topology, the counters and the ports to sample. The packet
 * `Network` and the fluid `FlowNetwork` both implement it; nothing outside src/fabric
 * needs to know which one it holds.
 */
export interface FabricModel {
  readonly model: FabricModelName;
  readonly sim: Simulator;
  readonly gpus: number;
  /** Per-GPU line rate of the scale-out fabric. */
  readonly hostGbps: number;
  readonly config: { readonly mtuBytes: number; readonly headerBytes: number };
  readonly topology: {
    /** The topology's shape (sameNode, hops, tiers), the same object for either model. */
    readonly shape: TopologyShape;
    /** Links on the path between two hosts, NVLink included. */
    hops(src: number, dst: number): number;
    readonly linkDelayPs: number;
    readonly nvlink: NvlinkDomain | null;
  };
  readonly metrics: FabricMetrics;
  /** Time ports spent paused by PFC up to `nowPs`, summed over every egress port, NICs' included. */
  pausedPsAt(nowPs: number): number;
  /** Deepest egress queue the scale-out fabric's switches held (NVSwitch ports inside servers are not the fabric). */
  readonly maxQueueBytes: number;
  readonly probes: FabricProbes;
  /** Set when the run asks where the time goes: the messages' critical-path records (attribution/). */
  readonly attribution?: CriticalPath | undefined;
  /** A new queue pair from `src` to `dst`, with its own UDP source port (its own ECMP hash). */
  openFlow(src: number, dst: number): FabricFlow;
  /** Schedules link and switch failures; the packet model has it (the schema refuses failures on the flow model). */
  scheduleFailures?(events: readonly FailureEvent[], seed: number): void;
  /** Sends `bytes` on `flow` after the messages already posted on it; `onDelivered` fires when its last byte has arrived. */
  send(flow: FabricFlow, bytes: number, onDelivered?: (atPs: number) => void): void;
  /** `send`, its delivery reported as `target.delivered(tag, atPs)`: one object for many messages, not a closure each. */
  sendTagged(flow: FabricFlow, bytes: number, target: DeliveryTarget, tag: number): void;
}
