import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network, PRESETS } from '../src/fabric/index.js';
import { runExperiment } from '../src/experiment/index.js';
import { spec } from './helpers.js';

const withoutWall = (r: ReturnType<typeof runExperiment>) =>
  JSON.stringify({ ...r, results: r.results.map(({ wallMs: _wallMs, ...rest }) => rest) });

describe('determinism', () => {
  const s = spec({
    topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, oversubscription: 2, linkGbps: 100 },
    fabrics: ['ethernet', { preset: 'ethernet', routing: 'spray', bufferBytesPerPort: '32KiB' }, 'roce', 'spectrum-x'],
    workload: { kind: 'permutation', bytes: '256KiB' },
  });

  it('the same spec and seed give identical results (but wall time)', () => {
    expect(withoutWall(runExperiment(s))).toBe(withoutWall(runExperiment(s)));
  });

  it('another seed gives another outcome', () => {
    expect(withoutWall(runExperiment({ ...s, seed: 2 }))).not.toBe(withoutWall(runExperiment(s)));
  });

  it('another seed changes the ECMP paths of the same flows', () => {
    const uplinksUsed = (seed: number): number[] => {
      const sim = new Simulator();
      const net = new Network(
        sim,
        { kind: 'leaf-spine', gpus: 64, gpusPerLeaf: 8, oversubscription: 1, linkGbps: 100, linkDelayNs: 100 },
        PRESETS.ethernet!,
        seed,
      );
      // GPU 0 sends one packet to each GPU on the other leaves, one flow each.
      for (let dst = 8; dst < 64; dst++) net.send(net.openFlow(0, dst), 100);
      sim.run();
      return net.topology.switches[0]!.upPorts.map((p) => p.txBytes);
    };
    expect(uplinksUsed(1)).toEqual(uplinksUsed(1));
    expect(uplinksUsed(2)).not.toEqual(uplinksUsed(1));
  });
});
