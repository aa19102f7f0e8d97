import { describe, expect, it } from 'vitest';
import { rngStream } from '../src/engine/index.js';
import { curveSetup, simulateCurve, type CalibrationParams } from '../src/experiment/calibrate-curve.js';
import { fitCurve } from '../src/experiment/calibrate-fit.js';
import { spec } from './helpers.js';

// Two GPUs under one leaf, ring all-reduce on two channels: each step posts two messages per
// NIC, so the per-message overhead (paid one message at a time) weighs twice per step at small
// sizes and hides behind the wire at large ones, while the per-hop latency weighs the same at
// every size: the curve tells the three parameters apart. The spec's own values are far off.
const doc = (channels: number) => ({
  topology: { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, linkGbps: 400, linkDelayNs: 500 },
  workload: { kind: 'allreduce', algorithm: 'ring', bytes: 4096, channels },
});
const SIZES = [4096, 16384, 65536, 262144, 1048576, 2097152];
const TRUTH: CalibrationParams = { linkDelayNs: 800, nicOverheadNs: 2000, linkGbps: 170 };
const KEYS = ['linkDelayNs', 'nicOverheadNs', 'linkGbps'] as const;
const relativeError = (fit: CalibrationParams, truth: CalibrationParams) => KEYS.map((k) => Math.abs(fit[k] - truth[k]) / truth[k]);

const setup = curveSetup(spec(doc(2)));
const exact = simulateCurve(setup, TRUTH, SIZES);

/**
 * Worst-case relative error of each parameter per unit of relative noise bounded on every size,
 * for a least-squares fit linearized at the truth: Σ_i |(JᵀJ)⁻¹Jᵀ|_ji, J the relative change of
 * each time per relative change of each parameter (the rate through 1/rate).
 */
function noiseGainAtTruth(): number[] {
  const x = [TRUTH.linkDelayNs, TRUTH.nicOverheadNs, 1 / TRUTH.linkGbps];
  const J = x.map((_, j) => {
    const xh = [...x];
    xh[j]! *= 1.01;
    const t = simulateCurve(setup, { linkDelayNs: xh[0]!, nicOverheadNs: xh[1]!, linkGbps: 1 / xh[2]! }, SIZES);
    return t.map((v, i) => (v - exact[i]!) / exact[i]! / 0.01);
  });
  const A = J.map((a) => J.map((b) => a.reduce((s, v, i) => s + v * b[i]!, 0)));
  const [[a, b, c], [d, e, f], [g, h, k]] = A as [number[], number[], number[]] as [[number, number, number], [number, number, number], [number, number, number]];
  const det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
  const inv = [
    [e * k - f * h, c * h - b * k, b * f - c * e],
    [f * g - d * k, a * k - c * g, c * d - a * f],
    [d * h - e * g, b * g - a * h, a * e - b * d],
  ].map((row) => row.map((v) => v / det));
  return inv.map((row) => SIZES.reduce((s, _, i) => s + Math.abs(row.reduce((t, v, m) => t + v * J[m]![i]!, 0)), 0));
}

describe('fabsim calibrate: fitting a measured curve', () => {
  it('recovers the parameters fabsim produced a curve with (within 2%), from the spec\'s values far off', () => {
    const fit = fitCurve(setup, SIZES.map((sizeBytes, i) => ({ sizeBytes, timeUs: exact[i]! })));
    expect(fit.held).toEqual([]);
    for (const e of relativeError(fit.params, TRUTH)) expect(e).toBeLessThan(0.02);
    expect(fit.rmsResidual).toBeLessThan(1e-3);
  });

  it('with ±0.1% seeded noise on every size: each parameter within the noise amplitude times its linearized gain, and no worse a fit than the truth', () => {
    const amplitude = 0.001;
    const rng = rngStream(7, 'calibrate-noise');
    const noisy = exact.map((t) => t * (1 + amplitude * (2 * rng.next() - 1)));
    const fit = fitCurve(setup, SIZES.map((sizeBytes, i) => ({ sizeBytes, timeUs: noisy[i]! })));
    const gain = noiseGainAtTruth();
    relativeError(fit.params, TRUTH).forEach((e, j) => {
      expect(e).toBeLessThanOrEqual(amplitude * gain[j]!);
      expect(e).toBeLessThan(0.02);
    });
    // The truth leaves exactly the noise as residual; a least-squares minimum can only do better.
    const truthCost = noisy.reduce((s, m, i) => s + ((exact[i]! - m) / m) ** 2, 0);
    expect(fit.rmsResidual ** 2 * SIZES.length).toBeLessThanOrEqual(truthCost * (1 + 1e-9));
  });
});
