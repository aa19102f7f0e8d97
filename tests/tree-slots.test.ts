import { describe, expect, it } from 'vitest';
import { SpecError, validateSpec } from '../src/experiment/load-spec.js';
import { NCCL_STEPS, TreeRun } from '../src/workloads/collectives/tree-run.js';

/**
 * NCCL's tree holds at most NCCL_STEPS = 8 slices per connection sent but not yet consumed by
 * the receiver (the sender waits until head − tail < NCCL_STEPS; NCCL src/include/device.h and
 * the primitives' waitPeer). A transport with a fixed delay D per message and no bandwidth
 * makes the law visible: two ranks, rank 1 starts at 0, rank 0 at T = 10 D; each of the two
 * trees carries 16 slices of 128 KiB (4 MiB, one channel).
 */
const D = 1_000;
const T = 10 * D;

function twoRanks(slots: number): { done: number[]; postedAt0: number } {
  const events: { at: number; seq: number; run: () => void }[] = [];
  let now = 0;
  let seq = 0;
  let postedAt0 = 0;
  const at = (t: number, run: () => void) => events.push({ at: t, seq: seq++, run });
  const done: number[] = [];
  const tree = new TreeRun([0, 1], 4 << 20, 1, undefined, (_from, _to, _bytes, _channel, target, tag) => {
    if (now === 0) postedAt0++;
    const arrive = now + D;
    at(arrive, () => target.delivered(tag, arrive));
  }, (member, atPs) => (done[member] = atPs), undefined, slots);
  at(0, () => tree.startRank(1, 0));
  at(T, () => tree.startRank(0, T));
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = events.shift()!;
    now = next.at;
    next.run();
  }
  return { done, postedAt0 };
}

describe('tree slots (NCCL_STEPS)', () => {
  it('is 8, NCCL\'s value', () => expect(NCCL_STEPS).toBe(8));

  it('unlimited: rank 1 sends all 16 slices up at 0; rank 0 turns them around at T (rank 1 done at T + D) and its own 16 go up and come back: T + 2D', () => {
    const { done, postedAt0 } = twoRanks(Infinity);
    expect(postedAt0).toBe(16);
    expect(done).toEqual([T + 2 * D, T + D]);
  });

  it('8 slots: rank 1 sends 8 at 0 and the other 8 when rank 0 consumes the first at T, so each tree takes one round trip more: rank 1 at T + 2D, rank 0 at T + 3D', () => {
    const { done, postedAt0 } = twoRanks(8);
    expect(postedAt0).toBe(8);
    expect(done).toEqual([T + 3 * D, T + 2 * D]);
  });

  it('16 slots hold the whole part: the same as unlimited', () => {
    expect(twoRanks(16)).toEqual(twoRanks(Infinity));
  });

  it('the spec field takes a positive integer or "unlimited", and says so otherwise', () => {
    const base = { name: 'x', seed: 1, fabrics: ['ethernet'], topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4 } };
    expect(validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 'unlimited' } }).workload[0]).toMatchObject({ slots: 'unlimited' });
    expect(() => validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 0 } })).toThrow(SpecError);
    expect(() => validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 'many' } })).toThrow(/slots.*positive integer or "unlimited"/);
  });
});
