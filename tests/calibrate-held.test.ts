import { describe, expect, it } from 'vitest';
import { curveSetup, simulateCurve, type CalibrationParams } from '../src/experiment/calibrate-curve.js';
import { fitCurve } from '../src/experiment/calibrate-fit.js';
import { spec } from './helpers.js';

// Two GPUs under one leaf, ring all-reduce on one channel, a window far above the
// bandwidth-delay product (so the hop delay does not also set the rate): every step is one
// message over two hops, o + 2d, at every size.
const single = curveSetup(
  spec({
    topology: { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, linkGbps: 400, linkDelayNs: 500 },
    fabrics: [{ preset: 'ethernet', windowBytes: 16777216 }],
    workload: { kind: 'allreduce', algorithm: 'ring', bytes: 4096, channels: 1 },
  }),
);
const SIZES = [4096, 16384, 65536, 262144, 1048576, 2097152];
const TRUTH: CalibrationParams = { linkDelayNs: 800, nicOverheadNs: 2000, linkGbps: 170 };

describe('fabsim calibrate: a curve that cannot tell overhead from hops', () => {
  it('one message per step on paths of one length: overhead and per-hop latency add alike, so the overhead is held and the hops take it (d + o/2 on two-hop paths)', () => {
    const t = simulateCurve(single, TRUTH, SIZES);
    const fit = fitCurve(single, SIZES.map((sizeBytes, i) => ({ sizeBytes, timeUs: t[i]! })));
    expect(fit.held).toEqual(['nicOverheadNs']);
    expect(fit.params.nicOverheadNs).toBe(0);
    const effectiveDelayNs = TRUTH.linkDelayNs + TRUTH.nicOverheadNs / 2;
    expect(Math.abs(fit.params.linkDelayNs - effectiveDelayNs) / effectiveDelayNs).toBeLessThan(0.02);
    expect(Math.abs(fit.params.linkGbps - TRUTH.linkGbps) / TRUTH.linkGbps).toBeLessThan(0.02);
  });
});
