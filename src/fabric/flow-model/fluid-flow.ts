import type { EventTarget } from '../../engine/index.js';
import type { DeliveredBytes, FabricFlow } from '../fabric-model.js';
import type { SolverFlow } from './max-min.js';
import type { FlowPath } from './paths.js';

/** Event kinds a fluid flow receives. */
export const enum FluidEvent {
  /** The head message's last byte left the sender (arg: the schedule's generation). */
  Sent = 0,
  /** A message reached the receiver (arg: its slot in the network's message pool). */
  Delivered = 1,
}

/**
 * A queue pair as a fluid: its messages leave one after another at the flow's max-min
 * fair rate; it is active (holds capacity) while it has bytes to send. Bytes left are
 * settled lazily: `remainingBytes` is exact at `settledPs`, and the rate has been
 * constant since. Its messages wait in a FIFO of slots of the network's message pool
 * (`first` … `last`, linked by the pool; −1: none), so a message is no object.
 */
export class FluidFlow implements SolverFlow, FabricFlow, EventTarget {
  rate = 0;
  prevRate = 0;
  slot = -1;
  links: number[];
  weights: number[] | null;
  active = false;
  remainingBytes = 0;
  settledPs = 0;
  /** Bumped whenever the pending Sent event is superseded (a rate change), when the queue cannot cancel it. */
  generation = 0;
  /** A Sent event at the current rate is pending. */
  sentPending = false;
  /** See FabricFlow.deliveredTo. */
  deliveredTo: DeliveredBytes | null = null;
  /** Pool slots of the messages not yet sent, oldest first. */
  first = -1;
  last = -1;

  constructor(
    readonly id: number,
    readonly src: number,
    readonly dst: number,
    public path: FlowPath,
    private readonly onFlowEvent: (flow: FluidFlow, kind: FluidEvent, arg: number) => void,
  ) {
    this.links = path.links;
    this.weights = path.weights;
  }

  /** Moves the flow (failures reroute it; the solver must not hold it meanwhile). */
  setPath(path: FlowPath): void {
    this.path = path;
    this.links = path.links;
    this.weights = path.weights;
  }

  onEvent(kind: number, arg: unknown): void {
    this.onFlowEvent(this, kind, arg as number);
  }
}
