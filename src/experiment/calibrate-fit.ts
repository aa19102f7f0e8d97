import { simulateCurve, specParams, type CalibrationParams, type CurveSetup } from './calibrate-curve.js';
import { SpecError } from './spec-error.js';

/** One measured size: what nccl-tests printed (out-of-place time). */
export interface MeasuredPoint {
  sizeBytes: number;
  timeUs: number;
}

export interface FittedPoint extends MeasuredPoint {
  simulatedUs: number;
  /** (simulated − measured) / measured. */
  residual: number;
}

export interface Calibration {
  params: CalibrationParams;
  /** Where the search began: the spec's delay and overhead, the rate scaled by the alpha-beta slope ratio. */
  start: CalibrationParams;
  points: FittedPoint[];
  /** Root mean square of the relative residuals. */
  rmsResidual: number;
  /** Parameters the curve cannot tell apart from another: held at the spec's value, not fitted. */
  held: (keyof CalibrationParams)[];
  /**
   * How far each fitted parameter can move, relative to itself, per unit of relative noise
   * in the measurement (worst case for noise bounded by that amount, linearized at the fit):
   * 10 means 1% of noise on every size can move it by up to 10%. Infinity: held.
   */
  noiseGain: CalibrationParams;
  iterations: number;
  /** Simulations of the whole curve (one per size each). */
  curves: number;
}

/**
 * Fit coordinates in which a simulated time is close to linear (a sum along the critical path
 * of hop delays, message overheads and bytes over rate): x = [linkDelayNs, nicOverheadNs, psPerBit].
 */
type X = [number, number, number];
const toParams = (x: X): CalibrationParams => ({ linkDelayNs: x[0], nicOverheadNs: x[1], linkGbps: 1000 / x[2] });
/** Bounds the schema accepts: delays ≥ 0, a link rate from 1 to 100,000 Gb/s (psPerBit 0.01 to 1000). */
const LOWER: X = [0, 0, 1000 / 100_000];
const UPPER: X = [1e9, 1e9, 1000];
const clamp = (x: X): X => x.map((v, j) => Math.min(UPPER[j]!, Math.max(LOWER[j]!, v))) as X;
/**
 * Finite-difference steps: 2% of the value, and never below 20 ns of hop delay or 50 ns of
 * overhead: smaller steps see the few-ns kinks of one frame queueing behind another (an
 * 84 B ACK is 4 ns at 170 Gb/s) instead of the curve's trend.
 */
const step = (x: X, j: number): number => Math.max(0.02 * Math.abs(x[j]!), [20, 50, 1e-3][j]!);

/** |cos| between two parameters' effects on the curve above which they are one parameter to it. */
const COLLINEAR = 0.999;

/** Solves the small symmetric system A·z = b by Gaussian elimination with partial pivoting; null if singular. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-300) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * z[k]!;
    z[r] = s / m[r]![r]!;
  }
  return z;
}

/** Weighted least-squares line t = a + b·S through the points, each weighted by 1/t² (relative error). */
export function alphaBetaLine(points: readonly MeasuredPoint[]): { alphaUs: number; betaUsPerByte: number } {
  let [sw, sx, sy, sxx, sxy] = [0, 0, 0, 0, 0];
  for (const { sizeBytes: x, timeUs: y } of points) {
    const w = 1 / (y * y);
    [sw, sx, sy, sxx, sxy] = [sw + w, sx + w * x, sy + w * y, sxx + w * x * x, sxy + w * x * y];
  }
  const det = sw * sxx - sx * sx;
  if (det <= 0) return { alphaUs: sy / sw, betaUsPerByte: 0 };
  return { alphaUs: (sxx * sy - sx * sxy) / det, betaUsPerByte: (sw * sxy - sx * sy) / det };
}

/** A point of the search: the coordinates, the simulated curve there, its relative residuals and their sum of squares. */
interface State {
  x: X;
  t: number[];
  r: number[];
  cost: number;
}

/** The curve machinery of one fit: each evaluation simulates every measured size once. */
class Fitter {
  curves = 0;
  iterations = 0;
  private readonly sizes: number[];
  constructor(
    private readonly setup: CurveSetup,
    private readonly measured: readonly MeasuredPoint[],
  ) {
    this.sizes = measured.map((m) => m.sizeBytes);
  }

  at(x: X): State {
    this.curves++;
    const t = simulateCurve(this.setup, toParams(x), this.sizes);
    const r = t.map((v, i) => (v - this.measured[i]!.timeUs) / this.measured[i]!.timeUs);
    return { x, t, r, cost: r.reduce((s, v) => s + v * v, 0) };
  }

  /** Forward-difference Jacobian of the relative residuals in the free coordinates (a row per coordinate). */
  jacobian(s: State, free: number[]): number[][] {
    return free.map((j) => {
      const h = step(s.x, j);
      const xh = [...s.x] as X;
      xh[j] += h;
      return this.at(xh).r.map((v, i) => (v - s.r[i]!) / h);
    });
  }

  /**
   * Per free coordinate, Σ_i |(JᵀJ)⁻¹Jᵀ|_ji / |x_j|: the largest relative move of x_j that
   * relative residual changes of at most 1 on every size can cause in the linearized fit
   * (x_2 is 1/rate, whose relative change is the rate's to first order). Infinity when held.
   */
  noiseGain(s: State, free: number[], J: number[][]): number[] {
    const JtJ = J.map((a) => J.map((b) => dot(a, b)));
    const gain = [Infinity, Infinity, Infinity];
    free.forEach((j, k) => {
      // Row k of (JᵀJ)⁻¹ from one solve with the unit vector.
      const row = solve(JtJ, free.map((_, m) => (m === k ? 1 : 0)));
      if (!row) return;
      const sum = s.r.reduce((acc, _, i) => acc + Math.abs(row.reduce((t, v, m) => t + v * J[m]![i]!, 0)), 0);
      gain[j] = sum / Math.max(Math.abs(s.x[j]!), step(s.x, j));
    });
    return gain;
  }

  /** Levenberg–Marquardt, a compass search over its kinks, and Levenberg–Marquardt again if that moved. */
  refine(s: State, free: number[], maxIterations: number): State {
    s = this.levenbergMarquardt(s, free, maxIterations);
    const before = s.cost;
    s = this.compass(s, free, 0.1, 1e-3);
    return s.cost < before ? this.levenbergMarquardt(s, free, maxIterations) : s;
  }

  /** Levenberg–Marquardt until a step moves no coordinate by 1e-4 of itself or none lowers the cost. */
  levenbergMarquardt(s: State, free: number[], maxIterations: number): State {
    let lambda = 1e-3;
    for (let it = 0; it < maxIterations; it++, this.iterations++) {
      const J = this.jacobian(s, free);
      const JtJ = J.map((a) => J.map((b) => dot(a, b)));
      const Jtr = J.map((a) => -dot(a, s.r));
      let next: State | undefined;
      for (let tries = 0; tries < 5 && !next; tries++) {
        const dz = solve(JtJ.map((row, i) => row.map((v, k) => (i === k ? v * (1 + lambda) : v))), Jtr);
        if (!dz) return s;
        const x = [...s.x] as X;
        free.forEach((j, k) => (x[j] += dz[k]!));
        const trial = this.at(clamp(x));
        if (trial.cost < s.cost) next = trial;
        else lambda *= 10;
      }
      if (!next) return s;
      const moved = Math.max(...free.map((j) => Math.abs(next.x[j]! - s.x[j]!) / Math.max(Math.abs(s.x[j]!), step(s.x, j))));
      s = next;
      lambda = Math.max(1e-7, lambda / 10);
      if (moved < 1e-4) return s;
    }
    return s;
  }

  /**
   * Compass search (derivative-free): tries each free coordinate up and down by a fraction
   * of itself, keeps any improvement, halves the fraction when none helps. It steps over the
   * kinks (where the critical path changes) that stall a Jacobian-based step.
   */
  compass(s: State, free: number[], fromFraction: number, toFraction: number): State {
    for (let f = fromFraction; f >= toFraction; ) {
      let improved = false;
      for (const j of free)
        for (const sign of [1, -1]) {
          const x = [...s.x] as X;
          x[j] += sign * f * Math.max(Math.abs(x[j]!), 10 * step(x, j));
          const trial = this.at(clamp(x));
          if (trial.cost < s.cost) {
            [s, improved] = [trial, true];
            break;
          }
        }
      if (!improved) f /= 2;
    }
    return s;
  }
}

const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * Fits per-hop latency, per-message NIC overhead and link rate so that the spec's collective,
 * simulated at each measured size, matches the measured times in relative least squares.
 *
 * Start (closed-form alpha-beta): the rate scaled by the ratio of the bandwidth slopes (time
 * per byte between the two largest sizes) measured and simulated at the spec's values; the
 * smallest size's missing latency then split three ways between hops and overhead, a few
 * steps from each, on from the best. Refinement: Levenberg–Marquardt on the
 * simulated curve with forward-difference Jacobians (in these coordinates a time is piecewise
 * linear, so within one piece it converges in a few steps), then a compass search that steps
 * over the pieces' kinks, then Levenberg–Marquardt again from where it stopped. Overhead and
 * per-hop latency whose effects on the curve are collinear (a single message per step on
 * paths of one length adds both alike) cannot be told apart: the overhead is then held at
 * the spec's value.
 */
export function fitCurve(setup: CurveSetup, measured: readonly MeasuredPoint[], maxIterations = 12): Calibration {
  if (measured.length < 3) throw new SpecError(`calibrate: needs at least 3 measured sizes to fit 3 parameters, got ${measured.length}`);
  const fitter = new Fitter(setup, measured);

  // Closed-form start (alpha-beta): the bandwidth term from the two largest sizes' slope,
  // measured against the simulator's at the spec's values; the latency from the smallest size.
  const reference = specParams(setup);
  const n = measured.length;
  const ends = [measured[0]!, measured[n - 2]!, measured[n - 1]!];
  fitter.curves++;
  const simEnds = simulateCurve(setup, reference, ends.map((m) => m.sizeBytes));
  const slope = (t: number[]) => (t[2]! - t[1]!) / (ends[2]!.sizeBytes - ends[1]!.sizeBytes);
  const [simSlope, measSlope] = [slope(simEnds), slope(ends.map((m) => m.timeUs))];
  const rateScale = simSlope > 0 && measSlope > 0 ? simSlope / measSlope : 1;
  const base = fitter.at(clamp([reference.linkDelayNs, reference.nicOverheadNs, 1000 / (reference.linkGbps * rateScale)]));
  const start = toParams(base.x);

  // The smallest size's missing latency (alpha) split three ways between hops and overhead;
  // a few steps from each, then on from the best: kinks make the valley hard to enter from afar.
  const [jd, jo] = fitter.jacobian(base, [0, 1]) as [number[], number[]];
  const split = (w: number): X => clamp([base.x[0] - (w * base.r[0]!) / (jd[0]! || Infinity), base.x[1] - ((1 - w) * base.r[0]!) / (jo[0]! || Infinity), base.x[2]]);
  const all = [0, 1, 2];
  const tries = [1, 0.5, 0].map((w) => fitter.levenbergMarquardt(fitter.at(split(w)), all, 3));
  let s = fitter.refine(tries.reduce((x, y) => (y.cost < x.cost ? y : x)), all, maxIterations);
  let free = all;
  const held: (keyof CalibrationParams)[] = [];
  let J = fitter.jacobian(s, free);
  if (!(Math.abs(dot(J[0]!, J[1]!)) < COLLINEAR * Math.sqrt(dot(J[0]!, J[0]!) * dot(J[1]!, J[1]!)))) {
    // Where the fit ended, overhead and per-hop latency shape the curve alike: hold the overhead at the spec's value.
    held.push('nicOverheadNs');
    free = [0, 2];
    const hops = split(1);
    s = fitter.refine(fitter.at([hops[0], reference.nicOverheadNs, hops[2]]), free, maxIterations);
    J = fitter.jacobian(s, free);
  }
  const points = measured.map((m, i) => ({ ...m, simulatedUs: s.t[i]!, residual: s.r[i]! }));
  const gain = fitter.noiseGain(s, free, J);
  const noiseGain = { linkDelayNs: gain[0]!, nicOverheadNs: gain[1]!, linkGbps: gain[2]! };
  return { params: toParams(s.x), start, points, rmsResidual: Math.sqrt(s.cost / measured.length), held, noiseGain, iterations: fitter.iterations, curves: fitter.curves };
}
