import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { createFabricModel, PRESETS } from '../src/fabric/index.js';
import { spec } from './helpers.js';

// Four GPUs on one 100 Gb/s leaf, 1 µs cables: every path is GPU → leaf → GPU.
const s = spec({ topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 1000 }, workload: { kind: 'allreduce', bytes: 4096 } });
const BYTES = 4096;
/** One 4096 B message unloaded: two serializations of its one frame and two cables. */
const BASE_PS = 2 * serializationPs(BYTES + PRESETS.ethernet!.headerBytes, 100) + 2 * psFromNs(1000);

/** GPU 0 posts one message to each of `dsts` at time 0; their delivery times. */
function deliveries(nicOverheadNs: number, dsts: number[]): number[] {
  const sim = new Simulator();
  const net = createFabricModel('packet', sim, s.topology, { ...PRESETS.ethernet!, nicOverheadNs }, 1);
  const times: number[] = [];
  for (const dst of dsts) net.send(net.openFlow(0, dst), BYTES, (t) => times.push(t));
  sim.run();
  return times;
}

describe('the per-message NIC overhead (nicOverheadNs)', () => {
  it('is 0 by default in every preset, so no result changes', () => {
    for (const preset of Object.values(PRESETS)) expect(preset.nicOverheadNs).toBe(0);
    expect(deliveries(0, [1])).toEqual([BASE_PS]);
  });

  it('delays one message by exactly the overhead', () => {
    expect(deliveries(2500, [1])).toEqual([BASE_PS + psFromNs(2500)]);
  });

  it('is paid one message at a time per NIC (LogP o): the k-th of messages posted together starts k overheads later', () => {
    // 10 µs ≫ the 0.33 µs frame, so the messages never meet on the wire.
    const o = psFromNs(10_000);
    expect(deliveries(10_000, [1, 2, 3])).toEqual([1, 2, 3].map((k) => k * o + BASE_PS));
  });

  it('is refused for the flow model, which does not model it', () => {
    expect(() => spec({ topology: s.topology, fabrics: [{ preset: 'ethernet', model: 'flow', nicOverheadNs: 100 }], workload: { kind: 'allreduce', bytes: 4096 } })).toThrow(
      /nicOverheadNs: the flow model does not model/,
    );
  });
});
