/**
 * Hold model: keep P events pending; each operation pops the earliest and pushes one at
 * (popped time + random delay). This is the queue's steady state inside a simulation.
 */
import { performance } from 'node:perf_hooks';
import { HeapEventQueue, rngStream, TypedEventQueue, type EventTarget } from '../src/engine/index.js';
import { median } from './measure.js';

export interface QueueMicroRecord {
  pending: number;
  ops: number;
  typedOpsPerSec: number[];
  heapOpsPerSec: number[];
  /** Medians, and typed / heap-js. */
  typedMedianOpsPerSec: number;
  heapMedianOpsPerSec: number;
  ratio: number;
}

const OPS = 2_000_000;
const MEAN_DELAY_PS = 1_000_000;
const target: EventTarget = { onEvent() {} };

/** Integer picosecond delays, uniform in [0, 2·mean): ties happen, so the seq tie-break is exercised. */
function delays(n: number, name: string): Float64Array {
  const rng = rngStream(1, name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(2 * MEAN_DELAY_PS);
  return out;
}

// One loop per queue class, so each call site stays monomorphic as in Simulator.run; a
// shared loop would make both pay for a polymorphic call.
function holdTyped(q: TypedEventQueue, steps: Float64Array, ops: number): number {
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    q.pop();
    q.push(q.poppedTimePs + steps[i]!, target, 0, undefined);
  }
  return performance.now() - t0;
}

function holdHeap(q: HeapEventQueue, steps: Float64Array, ops: number): number {
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    q.pop();
    q.push(q.poppedTimePs + steps[i]!, target, 0, undefined);
  }
  return performance.now() - t0;
}

function trial(kind: 'typed' | 'heap', initial: Float64Array, steps: Float64Array, ops: number): number {
  if (kind === 'typed') {
    const q = new TypedEventQueue();
    for (const t of initial) q.push(t, target, 0, undefined);
    return ops / (holdTyped(q, steps, ops) / 1000);
  }
  const q = new HeapEventQueue();
  for (const t of initial) q.push(t, target, 0, undefined);
  return ops / (holdHeap(q, steps, ops) / 1000);
}

export function runQueueMicro(pendings = [1e3, 1e5, 1e6], trials = 3): QueueMicroRecord[] {
  const steps = delays(OPS, 'bench/hold-steps');
  // Warm-up so that the first measured trial is not also the one that gets compiled.
  for (const kind of ['typed', 'heap'] as const) trial(kind, delays(1000, 'bench/warm'), steps, 200_000);
  return pendings.map((pending) => {
    const initial = delays(pending, 'bench/hold-initial');
    const typed: number[] = [];
    const heap: number[] = [];
    for (let i = 0; i < trials; i++) {
      // Alternate which queue goes first, so neither always inherits the other's garbage.
      const order = i % 2 === 0 ? (['typed', 'heap'] as const) : (['heap', 'typed'] as const);
      for (const kind of order) (kind === 'typed' ? typed : heap).push(trial(kind, initial, steps, OPS));
    }
    const typedMedian = median(typed);
    const heapMedian = median(heap);
    return {
      pending,
      ops: OPS,
      typedOpsPerSec: typed.map(Math.round),
      heapOpsPerSec: heap.map(Math.round),
      typedMedianOpsPerSec: Math.round(typedMedian),
      heapMedianOpsPerSec: Math.round(heapMedian),
      ratio: typedMedian / heapMedian,
    };
  });
}
