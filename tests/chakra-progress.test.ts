import { describe, expect, it } from 'vitest';
import { buildModel, loadSpec, resolveFabric } from '../src/experiment/index.js';
import { progressOf } from '../src/experiment/live-run.js';
import type { NodeToWrite } from '../src/workloads/index.js';
import { everyRank, writeChakraSpec } from './chakra-helpers.js';

const KiB = 1024;

describe('progress of a Chakra trace', () => {
  it('its total is known before it starts (each collective by its law, each send once); progress rises below 100% and ends at exactly 100%', () => {
    // 4 ranks: compute, an all-reduce of 256 KiB, then rank r sends 64 KiB to rank r+1 (the last receives from the one before).
    const perRank = everyRank(4, []).map((_, r): NodeToWrite[] => [
      { id: 1, type: 'COMP_NODE', durationMicros: 5 },
      { id: 2, type: 'COMM_COLL_NODE', attrs: { comm_type: 0, comm_size: 256 * KiB }, dataDeps: [1] },
      ...(r < 3 ? [<NodeToWrite>{ id: 3, type: 'COMM_SEND_NODE', attrs: { comm_dst: r + 1, comm_size: 64 * KiB, comm_tag: 0 }, dataDeps: [2] }] : []),
      ...(r > 0 ? [<NodeToWrite>{ id: 4, type: 'COMM_RECV_NODE', attrs: { comm_src: r - 1, comm_size: 64 * KiB, comm_tag: 0 }, dataDeps: [2] }] : []),
    ]);
    const spec = loadSpec(writeChakraSpec(perRank, {}, undefined, '[ethernet]'));
    const setup = buildModel(spec, resolveFabric(spec.fabrics[0]!));
    // By hand: an all-reduce over 4 ranks moves 2·3·S; three sends of 64 KiB.
    expect(setup.workload.plannedBytes).toBe(2 * 3 * 256 * KiB + 3 * 64 * KiB);
    const seen = [progressOf(setup, 1, 1).delivered];
    const unfinished: number[] = [];
    while (setup.sim.run({ maxEvents: setup.sim.events + 300 }) !== 'idle') {
      const share = progressOf(setup, 1, 1).delivered;
      seen.push(share);
      if (!setup.workload.finished) unfinished.push(share);
    }
    seen.push(progressOf(setup, 1, 1).delivered);
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(unfinished.length).toBeGreaterThan(2);
    for (const share of unfinished) expect(share).toBeLessThan(1);
    expect(seen.at(-1)).toBe(1);
  });
});
