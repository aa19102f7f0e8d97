import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network, PRESETS } from '../src/fabric/index.js';
import { createWorkload, resolveFabric, validateSpec, type ExperimentSpec } from '../src/experiment/index.js';
import { simulate, spec } from './helpers.js';


describe('incast on lossless fabrics', () => {
  it.each(['roce', 'spectrum-x'])('%s: 24→1 with a shallow buffer drops nothing, pauses, and completes every flow', (preset) => {
    const { workload, m, net } = simulate(
      spec({
        topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 200 },
        fabrics: [{ preset, bufferBytesPerPort: '64KiB' }],
        workload: { kind: 'incast', senders: 24, bytes: '512KiB' },
      }),
    );
    expect(workload.finished).toBe(true);
    expect(m.drops).toBe(0);
    expect(m.pfcPauses).toBeGreaterThan(0);
    expect(m.messagesDelivered).toBe(24);
    expect(m.bytesDelivered).toBe(24 * 512 * 1024);
    const paused = net.topology.switches.some((sw) => sw.ports.some((p) => p.pausesReceived > 0));
    expect(paused || net.topology.nics.some((n) => n.port.pausesReceived > 0)).toBe(true);
  });

  it('the same incast on lossy ethernet with that buffer drops', () => {
    const { m, workload } = simulate(
      spec({
        topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 200 },
        fabrics: [{ preset: 'ethernet', bufferBytesPerPort: '64KiB' }],
        workload: { kind: 'incast', senders: 24, bytes: '512KiB' },
      }),
    );
    expect(workload.finished).toBe(true);
    expect(m.drops).toBeGreaterThan(0);
  });
});

describe('PFC never drops', () => {
  it('on random small topologies, buffers and workloads (property-based)', () => {
    const scenario = fc.record({
      gpusPerLeaf: fc.constantFrom(2, 4, 8),
      leaves: fc.integer({ min: 1, max: 4 }),
      oversubscription: fc.constantFrom(1, 2),
      linkGbps: fc.constantFrom(100, 400),
      linkDelayNs: fc.integer({ min: 0, max: 1000 }),
      bufferKiB: fc.integer({ min: 40, max: 512 }),
      preset: fc.constantFrom('roce', 'spectrum-x'),
      routing: fc.constantFrom('ecmp', 'spray', 'adaptive'),
      cc: fc.constantFrom('none', 'dcqcn', 'telemetry'),
      kind: fc.constantFrom('incast', 'permutation', 'allreduce'),
      kiB: fc.integer({ min: 1, max: 256 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(scenario, (x) => {
        const gpus = x.gpusPerLeaf * x.leaves;
        const workload =
          x.kind === 'incast'
            ? { kind: 'incast', senders: gpus - 1, bytes: x.kiB * 1024 }
            : x.kind === 'permutation'
              ? { kind: 'permutation', bytes: x.kiB * 1024 }
              : { kind: 'allreduce', bytes: x.kiB * 1024, channels: 2 };
        let s: ExperimentSpec;
        try {
          s = validateSpec({
            name: 'prop',
            seed: x.seed,
            topology: { kind: 'leaf-spine', gpus: Math.max(2, gpus), gpusPerLeaf: x.gpusPerLeaf, oversubscription: x.oversubscription, linkGbps: x.linkGbps, linkDelayNs: x.linkDelayNs },
            fabrics: [{ preset: x.preset, routing: x.routing, cc: x.cc, bufferBytesPerPort: x.bufferKiB * 1024 }],
            workload,
          });
        } catch {
          return true; // an invalid combination (e.g. oversubscription not dividing) is not a case
        }
        let result;
        try {
          result = simulate(s);
        } catch (error) {
          if (error instanceof RangeError && /headroom/.test(error.message)) return true;
          throw error;
        }
        expect(result.m.drops).toBe(0);
        expect(result.workload.finished).toBe(true);
        return true;
      }),
      { numRuns: 60, seed: 42 },
    );
  });
});

describe('PFC headroom', () => {
  it('a buffer smaller than the headroom PFC needs is refused with the field named', () => {
    const sim = new Simulator();
    expect(
      () =>
        new Network(
          sim,
          { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 400, linkDelayNs: 1000 },
          { ...PRESETS.roce!, bufferBytesPerPort: 8 * 1024 },
          1,
        ),
    ).toThrow(/bufferBytesPerPort/);
  });
});
