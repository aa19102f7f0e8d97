import { z } from 'zod';
import type { Simulator } from '../../engine/index.js';
import type { Flow } from '../flow.js';
import { INT_FIELDS, MAX_INT_HOPS, type Packet, type TelemetrySlab } from '../packet.js';
import { defineCc, type CongestionControl } from './congestion-control.js';

/** Per-flow state of the HPCC controller. */
interface TelemetryState {
  /** The previous ACK's telemetry, per hop position: a record of the fabric's TelemetrySlab. */
  prevRecord: number;
  prevHops: number;
  /** `per-hop` smoothing: each hop position's utilization, smoothed over one base RTT (null with `after-max`: a typed array per queue pair for nothing). */
  hopUtilization: Float64Array | null;
  /** U: the smoothed utilization the rate follows (HPCC starts it at 1). */
  utilization: number;
  /** Reference rate R_ref (HPCC's m_curRate), committed once per round trip. */
  refRateGbps: number;
  incStage: number;
  /** ACKs beyond this sequence number start a new round trip (a committed update); −1 before the first ACK. */
  lastUpdatePsn: number;
  /** The window at line rate, W (a variable window is W·R/line). */
  baseWindowPackets: number;
}

/**
 * HPCC (Li et al., SIGCOMM'19) as its authors' ns-3 code runs it (`rdma-hw.cc` UpdateRateHp
 * with run.py's settings), standing in for Spectrum-X's NIC-run, switch-fed CC (the
 * production algorithm is proprietary). Switches stamp each data packet with each hop's
 * port, queue, tx byte counter, time and link rate; the ACK echoes them. Per hop j:
 * u_j = txRate_j/B_j + min(q_j, q'_j)/(B_j·T), with txRate_j from the difference to the
 * previous ACK's record of the same hop and q'_j that record's queue. T is the base RTT of
 * the longest path, for every flow, so B·T is the window (HPCC's GLOBAL_T). `after-max`
 * (HPCC's MULTI_RATE 0): U ← (U·(T − τ) + max_j u_j·τ)/T, τ = min(the max hop's Δt, T).
 * If U/η ≥ 1 or incStage ≥ maxStage the rate is R_ref·η/U + W_AI (stage reset), else
 * R_ref + W_AI (stage + 1). The first ACK only records its telemetry. R_ref and the stage
 * are committed once per RTT (an ACK beyond the sequence number sent at the last commit);
 * every ACK in between reacts from the committed R_ref ("fast react"). With a `variable`
 * window (VAR_WIN) the window follows the rate: W·R/line.
 *
 * One necessary change for per-packet adaptive routing, where consecutive packets cross
 * different ports: a hop whose port changed reports the rate the switch measured (byte
 * counters of two ports cannot be differenced). `per-hop` smoothing is an option.
 */
export class TelemetryCc implements CongestionControl {
  constructor(
    private readonly sim: Simulator,
    private readonly p: TelemetryParams,
    private readonly slab: TelemetrySlab,
  ) {}

  init(flow: Flow): void {
    const state: TelemetryState = {
      prevRecord: this.slab.take(),
      prevHops: 0,
      hopUtilization: this.p.smoothing === 'per-hop' ? new Float64Array(MAX_INT_HOPS).fill(1) : null,
      utilization: 1,
      refRateGbps: flow.lineRateGbps,
      incStage: 0,
      lastUpdatePsn: -1,
      baseWindowPackets: flow.windowPackets,
    };
    flow.ccState = state;
  }

  onSend(): void {}
  onCnp(): void {}
  onData(): void {}

  onAck(flow: Flow, ack: Packet): void {
    const hops = ack.intHops;
    if (hops === 0) return;
    const s = flow.ccState as TelemetryState;
    const slab = this.slab;
    const int = slab.chunk(ack.intRecord);
    const at = slab.start(ack.intRecord);
    const prev = slab.chunk(s.prevRecord);
    const prevAt = slab.start(s.prevRecord);
    const T = flow.baseRttPs;
    if (s.lastUpdatePsn < 0) {
      // HPCC's first RTT: record the telemetry, no rate change.
      s.lastUpdatePsn = flow.sndNxt;
    } else if (s.prevHops === hops) {
      const perHop = this.p.smoothing === 'per-hop';
      let maxU = 0;
      let maxTauPs = 0;
      let any = false;
      for (let j = 0; j < hops; j++) {
        const o = at + j * INT_FIELDS;
        const q = prevAt + j * INT_FIELDS;
        const dtPs = int[o + 3]! - prev[q + 3]!;
        if (dtPs <= 0) continue;
        const samePort = int[o] === prev[q];
        const rateGbps = int[o + 4]!;
        const txGbps = samePort ? ((int[o + 2]! - prev[q + 2]!) * 8_000) / dtPs : int[o + 5]!;
        // HPCC's min(q, q') is taken per hop position, whatever port the two ACKs crossed:
        // only a queue both samples saw counts as load, a transient one is filtered out.
        const queueBytes = Math.min(int[o + 1]!, prev[q + 1]!);
        let u = txGbps / rateGbps + (queueBytes * 8_000) / (rateGbps * T);
        if (perHop) {
          const tau = Math.min(dtPs, T);
          const hopUtilization = s.hopUtilization!;
          u = (hopUtilization[j]! * (T - tau) + u * tau) / T;
          hopUtilization[j] = u;
        }
        // As HPCC: τ is the Δt of the hop with the largest u (U and τ stay 0 if every u is 0).
        if (u > maxU) {
          maxU = u;
          maxTauPs = dtPs;
        }
        any = true;
      }
      if (any) {
        if (perHop) s.utilization = maxU;
        else {
          const tau = Math.min(maxTauPs, T);
          s.utilization = (s.utilization * (T - tau) + maxU * tau) / T;
        }
        this.updateRate(flow, s, ack.psn);
      }
    }
    // The NIC releases the ACK once this returns: keep its record and give it ours (no copy).
    // Beyond prevHops hops the record holds stale numbers, never read (prevHops must match).
    s.prevRecord = ack.exchangeInt(s.prevRecord);
    s.prevHops = hops;
  }

  private updateRate(flow: Flow, s: TelemetryState, ackPsn: number): void {
    const line = flow.lineRateGbps;
    const ai = this.p.rateAiFraction * line;
    const load = s.utilization / this.p.eta;
    const multiplicative = load >= 1 || s.incStage >= this.p.maxStage;
    const rate = multiplicative ? s.refRateGbps / Math.max(load, 1e-9) + ai : s.refRateGbps + ai;
    const bounded = Math.min(line, Math.max(line * 1e-3, rate));
    flow.src.setRate(flow, bounded);
    if (this.p.window === 'variable') flow.windowPackets = Math.max(1, Math.ceil((s.baseWindowPackets * bounded) / line));
    if (ackPsn > s.lastUpdatePsn) {
      // A full round trip since the last commit: this rate becomes the new reference.
      s.refRateGbps = bounded;
      s.incStage = multiplicative ? 0 : s.incStage + 1;
      s.lastUpdatePsn = Math.max(s.lastUpdatePsn, flow.sndNxt);
    }
  }
}

/** HPCC telemetry congestion control (Li et al. SIGCOMM'19; defaults as its ns-3 `run.py`). */
export interface TelemetryParams {
  /** Target utilization η. */
  eta: number;
  /** Additive-increase stages before a multiplicative update is forced (HPCC's maxStage / MI_THRESH: 0). */
  maxStage: number;
  /** Additive increase W_AI, as a fraction of line rate (HPCC's run.py: 10·bw/25 Mb/s = 0.0004). */
  rateAiFraction: number;
  /**
   * `after-max` (HPCC, MULTI_RATE 0): U = max over hops of the instant u_j, then smoothed
   * over T. `per-hop`: each hop smoothed, then the max (a departure, see README).
   */
  smoothing: 'after-max' | 'per-hop';
  /** `variable` (HPCC's VAR_WIN): the window is W·R/line; `fixed`: W whatever the rate. */
  window: 'variable' | 'fixed';
  /** INT bytes each fabric data packet and its ACK carry (HPCC's IntHeader: 5 hops × 8 B + 2 B = 42). */
  intHeaderBytes: number;
}

export const telemetry = defineCc<'telemetry', { telemetry: TelemetryParams }>({
  name: 'telemetry',
  overrides: (checked) => ({
    telemetry: z
      .strictObject({
        eta: z.number().gt(0).max(1).optional(),
        maxStage: z.number().int().nonnegative().optional(),
        rateAiFraction: z.number().gt(0).max(1).optional(),
        smoothing: z.enum(['after-max', 'per-hop']).optional(),
        window: z.enum(['variable', 'fixed']).optional(),
        intHeaderBytes: checked.size.optional(),
      })
      .optional(),
  }),
  // HPCC's ns-3 run.py: η 0.95 (the paper's), MI_THRESH 0 (the authors: the paper's
  // maxStage = 5 is a typo, their simulations use 0), W_AI = 10·bw/25 Mb/s, MULTI_RATE 0,
  // VAR_WIN 1; the IntHeader is 5 × 8 B hop records + a 2 B hop count.
  defaults: { telemetry: { eta: 0.95, maxStage: 0, rateAiFraction: 0.0004, smoothing: 'after-max', window: 'variable', intHeaderBytes: 42 } },
  create: ({ config, sim, telemetrySlab }) => new TelemetryCc(sim, config.telemetry, telemetrySlab),
  // Switches stamp telemetry; the INT header rides on every fabric data packet and its ACK.
  telemetryHeaderBytes: (config) => config.telemetry.intHeaderBytes,
});
