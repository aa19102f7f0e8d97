import { describe, expect, it } from 'vitest';
import { SpecError, validateSpec } from '../src/experiment/load-spec.js';
import { Simulator } from '../src/engine/index.js';
import { FlowNetwork, PRESETS } from '../src/fabric/index.js';
import { TreeAllReduce } from '../src/workloads/index.js';
import type { CreditPost } from '../src/workloads/collectives/collective.js';
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

/** With `creditDelay`, slots free by clear-to-sends that take that long (slotCredits: cts); else at once. */
function twoRanks(slots: number, creditDelay?: number): { done: number[]; postedAt0: number; credits: number } {
  const events: { at: number; seq: number; run: () => void }[] = [];
  let now = 0;
  let seq = 0;
  let postedAt0 = 0;
  let credits = 0;
  const at = (t: number, run: () => void) => events.push({ at: t, seq: seq++, run });
  const done: number[] = [];
  const cts: CreditPost | null =
    creditDelay === undefined
      ? null
      : {
          postCredit: (_from, _to, _channel, target, tag) => {
            credits++;
            const arrive = now + creditDelay;
            at(arrive, () => target.delivered(tag, arrive));
          },
        };
  const tree = new TreeRun([0, 1], 4 << 20, 1, undefined, (_from, _to, _bytes, _channel, target, tag) => {
    if (now === 0) postedAt0++;
    const arrive = now + D;
    at(arrive, () => target.delivered(tag, arrive));
  }, (member, atPs) => (done[member] = atPs), undefined, slots, undefined, undefined, cts);
  at(0, () => tree.startRank(1, 0));
  at(T, () => tree.startRank(0, T));
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = events.shift()!;
    now = next.at;
    next.run();
  }
  return { done, postedAt0, credits };
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

  it('8 slots freed by clear-to-sends that take C: the second 8 leave C later, and the turn-around waits C for the down slots, so each rank ends C later (T + 3D + C, T + 2D + C)', () => {
    // Tree A (root 0): rank 0 consumes slices 0–7 at T and sends them down; their CTSs reach rank 1
    // at T + C, its slices 8–15 reach rank 0 at T + C + D, when rank 1's CTSs for the down slices
    // (sent on arrival at T + D) do too; they reach rank 1 at T + C + 2D. Tree B (root 1), from T:
    // the same one D later, so rank 0 holds its last slice at T + 3D + C.
    const C = D / 4;
    const { done, postedAt0, credits } = twoRanks(8, C);
    expect(postedAt0).toBe(8);
    expect(done).toEqual([T + 3 * D + C, T + 2 * D + C]);
    // One CTS per slice consumed: 16 up and 16 down in each of the two trees.
    expect(credits).toBe(64);
  });

  it('clear-to-sends with no slot limit: none is sent, the same as unlimited', () => {
    expect(twoRanks(Infinity, D)).toEqual(twoRanks(Infinity));
  });

  it('flow model, 16 GPUs, 8 slots of 4 KiB: a 64-byte CTS per slice consumed, on top of 2(N−1)·S', () => {
    const run = (slotCredits: 'instant' | 'cts') => {
      const sim = new Simulator();
      const { topology } = validateSpec({ name: 'x', seed: 1, fabrics: ['ethernet'], topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 4, linkGbps: 100 }, workload: { kind: 'permutation', bytes: '1KiB' } });
      const net = new FlowNetwork(sim, topology, PRESETS['ethernet']!, 1);
      const gpus = Array.from({ length: 16 }, (_, i) => i);
      const tree = new TreeAllReduce({ gpus, bytes: 256 << 10, chunkBytes: 4 << 10, qpsPerConnection: 1, slots: 8, slotCredits });
      tree.start(net);
      sim.run();
      return { finished: tree.finished, ps: tree.finishedPs, m: net.metrics, total: tree.totalBytes };
    };
    const instant = run('instant');
    const cts = run('cts');
    // 2 trees of 32 slices; each of the 15 non-root positions consumes every slice once going up and once coming down.
    const slices = 2 * 2 * 15 * 32;
    expect(instant.m.messagesDelivered).toBe(slices);
    expect(cts.m.messagesDelivered).toBe(2 * slices);
    expect(instant.m.bytesDelivered).toBe(2 * 15 * (256 << 10));
    expect(cts.m.bytesDelivered).toBe(2 * 15 * (256 << 10) + 64 * slices);
    expect(cts.total).toBe(cts.m.bytesDelivered);
    expect(cts.finished && instant.finished).toBe(true);
  });

  it('the spec field takes a positive integer or "unlimited", and says so otherwise', () => {
    const base = { name: 'x', seed: 1, fabrics: ['ethernet'], topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4 } };
    expect(validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 'unlimited' } }).workload[0]).toMatchObject({ slots: 'unlimited' });
    expect(() => validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 0 } })).toThrow(SpecError);
    expect(() => validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slots: 'many' } })).toThrow(/slots.*positive integer or "unlimited"/);
    expect(validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slotCredits: 'cts' } }).workload[0]).toMatchObject({ slotCredits: 'cts' });
    expect(() => validateSpec({ ...base, workload: { kind: 'allreduce', algorithm: 'tree', bytes: '1MiB', slotCredits: 'later' } })).toThrow(/slotCredits/);
  });
});
