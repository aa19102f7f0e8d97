import type { Simulator } from '../../engine/index.js';
import type { TelemetryParams } from '../config.js';
import type { Flow } from '../flow.js';
import { INT_FIELDS, type Packet } from '../packet.js';
import type { CongestionControl } from './congestion-control.js';

/** Per-flow state of the HPCC-style controller. */
interface TelemetryState {
  /** Smoothed normalized utilization U of the most loaded hop. */
  utilization: number;
  /** Reference rate R_ref, committed once per round trip. */
  refRateGbps: number;
  incStage: number;
  /** ACKs beyond this sequence number start a new round trip (a committed update). */
  lastUpdatePsn: number;
  lastAckPs: number;
}

/**
 * Telemetry-driven congestion control in the style of HPCC (SIGCOMM'19), as Spectrum-X's
 * NIC-run, switch-fed CC is described (the production algorithm is proprietary).
 * Switches stamp each data packet with each hop's egress queue, measured egress rate and
 * link rate; the ACK echoes them. Per hop j: u_j = txRate_j/B_j + q_j/(B_j·T); U is the
 * max, smoothed over one base RTT T. If U ≥ η (or after maxStage additive steps) the rate
 * becomes R_ref·η/U + R_AI, else R_ref + R_AI; R_ref is committed once per RTT and every
 * ACK in between reacts from it ("fast react").
 *
 * Unlike HPCC, the switch measures its own egress rate rather than the sender differencing
 * two packets' byte counters: under per-packet adaptive routing consecutive packets of a
 * flow cross different ports, so their counters are not comparable.
 */
export class TelemetryCc implements CongestionControl {
  constructor(
    private readonly sim: Simulator,
    private readonly p: TelemetryParams,
  ) {}

  init(flow: Flow): void {
    const state: TelemetryState = {
      utilization: 0,
      refRateGbps: flow.lineRateGbps,
      incStage: 0,
      lastUpdatePsn: -1,
      lastAckPs: this.sim.nowPs,
    };
    flow.ccState = state;
  }

  onSend(): void {}
  onCnp(): void {}
  onData(): void {}

  onAck(flow: Flow, ack: Packet): void {
    const int = ack.int;
    if (ack.intHops === 0 || int === null) return;
    const s = flow.ccState as TelemetryState;
    const T = flow.baseRttPs;
    let u = 0;
    for (let j = 0; j < ack.intHops; j++) {
      const o = j * INT_FIELDS;
      const rateGbps = int[o + 2]!;
      const uj = int[o + 1]! / rateGbps + (int[o]! * 8_000) / (rateGbps * T);
      if (uj > u) u = uj;
    }
    const now = this.sim.nowPs;
    const tau = Math.min(now - s.lastAckPs, T);
    s.lastAckPs = now;
    s.utilization = (s.utilization * (T - tau) + u * tau) / T;
    this.updateRate(flow, s, ack.psn);
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
