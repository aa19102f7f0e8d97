import type { EventTarget } from '../../engine/index.js';
import type { FabricFlow } from '../fabric-model.js';
import type { SolverFlow } from './max-min.js';
import type { FlowPath } from './paths.js';

/** One message on a fluid flow. */
export interface FluidMessage {
  readonly bytes: number;
  /** On the wire: payload plus a header per MTU-sized frame. */
  readonly wireBytes: number;
  readonly frames: number;
  readonly postedPs: number;
  readonly onDelivered: ((atPs: number) => void) | undefined;
}

/** Event kinds a fluid flow receives. */
export const enum FluidEvent {
  /** The head message's last byte left the sender (arg: the schedule's generation). */
  Sent = 0,
  /** A message reached the receiver (arg: the message). */
  Delivered = 1,
}

/**
 * A queue pair as a fluid: its messages leave one after another at the flow's max-min
 * fair rate; it is active (holds capacity) while it has bytes to send. Bytes left are
 * settled lazily: `remainingBytes` is exact at `settledPs`, and the rate has been
 * constant since.
 */
export class FluidFlow implements SolverFlow, FabricFlow, EventTarget {
  rate = 0;
  prevRate = 0;
  bottleneck = -1;
  mark = 0;
  frozen = 0;
  checked = 0;
  readonly links: number[];
  readonly weights: number[] | null;
  active = false;
  remainingBytes = 0;
  settledPs = 0;
  /** Bumped whenever the pending Sent event is superseded (a rate change). */
  generation = 0;
  readonly messages: FluidMessage[] = [];
  head = 0;

  constructor(
    readonly id: number,
    readonly src: number,
    readonly dst: number,
    readonly path: FlowPath,
    private readonly onFlowEvent: (flow: FluidFlow, kind: FluidEvent, arg: unknown) => void,
  ) {
    this.links = path.links;
    this.weights = path.weights;
  }

  onEvent(kind: number, arg: unknown): void {
    this.onFlowEvent(this, kind, arg);
  }
}
