import type { Rng } from '../engine/index.js';

/** A flow-size distribution as (bytes, cumulative probability 0..1) points, linearly interpolated. */
export type SizeCdf = readonly (readonly [bytes: number, cumulative: number])[];

/** The CDFs of the HPCC simulator's traffic generator (FABRIC-NOTES §8), probabilities in %. */
const PERCENT_CDFS: Record<string, [number, number][]> = {
  /** DCTCP web search, mean ≈ 1.7 MB. */
  websearch: [
    [0, 0], [10e3, 15], [20e3, 20], [30e3, 30], [50e3, 40], [80e3, 53], [200e3, 60], [1e6, 70], [2e6, 80], [5e6, 90], [10e6, 97], [30e6, 100],
  ],
  /** Facebook Hadoop, mean ≈ 120 KB. */
  hadoop: [
    [0, 0], [100, 1], [200, 2], [300, 5], [350, 15], [400, 20], [500, 30], [600, 40], [700, 50], [1000, 60], [2000, 67], [7000, 70],
    [30e3, 72], [50e3, 82], [80e3, 87], [120e3, 90], [300e3, 95], [1e6, 97.5], [2e6, 99], [10e6, 100],
  ],
  /** Alibaba storage 2019, mean ≈ 41 KB. */
  alistorage: [
    [0, 0], [4000, 22.93], [8000, 69.21], [16000, 80.61], [32000, 90.47], [64000, 93.53], [128000, 96.77], [256000, 97.53], [2e6, 100],
  ],
};

export const NAMED_CDFS: Record<string, SizeCdf> = Object.fromEntries(
  Object.entries(PERCENT_CDFS).map(([name, points]) => [name, points.map(([b, p]) => [b, p / 100] as const)]),
);

/**
 * Why points [bytes, cumulative %] are not a CDF, or undefined if they are: sizes and
 * cumulative shares never decrease (a decreasing CDF has no inverse to sample) and the
 * last point is 100% (else the remaining probability has no size).
 */
export function cdfPointsProblem(points: readonly (readonly [number, number])[]): string | undefined {
  for (let i = 1; i < points.length; i++) {
    const [[b0, p0], [b1, p1]] = [points[i - 1]!, points[i]!];
    if (b1 < b0) return `point ${i}: sizes must not decrease, got ${b0} then ${b1} bytes`;
    if (p1 < p0) return `point ${i}: cumulative % must not decrease, got ${p0}% then ${p1}%`;
  }
  const last = points[points.length - 1]?.[1];
  if (last !== 100) return `the last point must be at 100%, got ${last}%`;
  return undefined;
}

/** Mean flow size: the trapezoid rule over the CDF's segments (as the HPCC generator computes it). */
export function cdfMeanBytes(cdf: SizeCdf): number {
  let mean = 0;
  for (let i = 1; i < cdf.length; i++) mean += ((cdf[i]![0] + cdf[i - 1]![0]) / 2) * (cdf[i]![1] - cdf[i - 1]![1]);
  return mean;
}

/** A size drawn by inverting the CDF at a uniform draw; at least 1 byte. */
export function sampleSize(cdf: SizeCdf, rng: Rng): number {
  const u = rng.next();
  for (let i = 1; i < cdf.length; i++) {
    const [b1, p1] = cdf[i]!;
    if (u <= p1) {
      const [b0, p0] = cdf[i - 1]!;
      const bytes = p1 === p0 ? b1 : b0 + ((u - p0) / (p1 - p0)) * (b1 - b0);
      return Math.max(1, Math.round(bytes));
    }
  }
  return Math.max(1, Math.round(cdf[cdf.length - 1]![0]));
}
