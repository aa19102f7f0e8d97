import type { Simulator } from '../../engine/index.js';
import type { TelemetryParams } from '../config.js';
import type { Flow } from '../flow.js';
import { INT_FIELDS, MAX_INT_HOPS, type Packet } from '../packet.js';
import type { CongestionControl } from './congestion-control.js';

/** Per-flow state of the HPCC-style controller. */
interface TelemetryState {
  /** The previous ACK's telemetry, per hop position. */
  prev: Float64Array;
  prevHops: number;
  /** Normalized utilization of each hop position, each smoothed over one base RTT. */
  hopUtilization: Float64Array;
  /** U: the most loaded hop's smoothed utilization. */
  utilization: number;
  /** Reference rate R_ref, committed once per round trip. */
  refRateGbps: number;
  incStage: number;
  /** ACKs beyond this sequence number start a new round trip (a committed update). */
  lastUpdatePsn: number;
}

/**
 * Telemetry-driven congestion control after HPCC (SIGCOMM'19), as Spectrum-X's NIC-run,
 * switch-fed CC is described (the production algorithm is proprietary). Switches stamp
 * each data packet with each hop's port, queue, tx byte counter, time and link rate; the
 * ACK echoes them. Per hop j: u_j = txRate_j/B_j + min(q_j, q'_j)/(B_j·T), with txRate_j
 * from the difference to the previous ACK's record of the same port and q'_j the previous
 * ACK's queue at hop j, smoothed over T; U is the largest. T is the base RTT of the
 * longest path, for every flow, so that B·T is the window (HPCC's GLOBAL_T, its default).
 * If U ≥ η (or after maxStage additive steps) the rate is R_ref·η/U + R_AI, else
 * R_ref + R_AI; R_ref is committed once per RTT and every ACK in between reacts from it
 * ("fast react").
 *
 * Two departures from HPCC, both for per-packet adaptive routing, where consecutive packets
 * cross different ports: a hop whose port changed reports the rate the switch measured
 * (byte counters of two ports cannot be differenced), and each hop is smoothed before the
 * max is taken — HPCC smooths after it, which on a path that changes every packet turns
 * the noise of several hops into a systematic overestimate of the load.
 */
export class TelemetryCc implements CongestionControl {
  constructor(
    private readonly sim: Simulator,
    private readonly p: TelemetryParams,
  ) {}

  init(flow: Flow): void {
    const state: TelemetryState = {
      prev: new Float64Array(MAX_INT_HOPS * INT_FIELDS),
      prevHops: 0,
      hopUtilization: new Float64Array(MAX_INT_HOPS),
      utilization: 0,
      refRateGbps: flow.lineRateGbps,
      incStage: 0,
      lastUpdatePsn: -1,
    };
    flow.ccState = state;
  }

  onSend(): void {}
  onCnp(): void {}
  onData(): void {}

  onAck(flow: Flow, ack: Packet): void {
    const int = ack.int;
    const hops = ack.intHops;
    if (hops === 0 || int === null) return;
    const s = flow.ccState as TelemetryState;
    const prev = s.prev;
    const T = flow.baseRttPs;
    if (s.prevHops === hops) {
      let u = 0;
      for (let j = 0; j < hops; j++) {
        const o = j * INT_FIELDS;
        const dtPs = int[o + 3]! - prev[o + 3]!;
        if (dtPs <= 0) continue;
        const samePort = int[o] === prev[o];
        const rateGbps = int[o + 4]!;
        const txGbps = samePort ? ((int[o + 2]! - prev[o + 2]!) * 8_000) / dtPs : int[o + 5]!;
        // HPCC's min(q, q') is taken per hop position, whatever port the two ACKs crossed:
        // only a queue both samples saw counts as load, a transient one is filtered out.
        const queueBytes = Math.min(int[o + 1]!, prev[o + 1]!);
        const uj = txGbps / rateGbps + (queueBytes * 8_000) / (rateGbps * T);
        const tau = Math.min(dtPs, T);
        const smoothed = (s.hopUtilization[j]! * (T - tau) + uj * tau) / T;
        s.hopUtilization[j] = smoothed;
        if (smoothed > u) u = smoothed;
      }
      s.utilization = u;
      this.updateRate(flow, s, ack.psn);
    }
    prev.set(int.subarray(0, hops * INT_FIELDS));
    s.prevHops = hops;
  }

  private updateRate(flow: Flow, s: TelemetryState, ackPsn: number): void {
    const line = flow.lineRateGbps;
    const ai = this.p.rateAiFraction * line;
    const load = s.utilization / this.p.eta;
    const multiplicative = load >= 1 || s.incStage >= this.p.maxStage;
    const rate = multiplicative ? s.refRateGbps / Math.max(load, 1e-9) + ai : s.refRateGbps + ai;
    flow.rateGbps = Math.min(line, Math.max(line * 1e-3, rate));
    if (ackPsn > s.lastUpdatePsn) {
      // A full round trip since the last commit: this rate becomes the new reference.
      s.refRateGbps = flow.rateGbps;
      s.incStage = multiplicative ? 0 : s.incStage + 1;
      s.lastUpdatePsn = flow.sndNxt;
    }
  }
}
