import { psFromUs, Timer, type Simulator } from '../../engine/index.js';
import type { DcqcnParams } from '../config.js';
import type { Flow } from '../flow.js';
import type { Packet } from '../packet.js';
import type { CcServices, CongestionControl } from './congestion-control.js';

/** Per-flow reaction-point state. */
interface DcqcnState {
  /** Target rate R_T. */
  targetGbps: number;
  alpha: number;
  /** A CNP arrived since the last α update. */
  cnpSinceAlphaUpdate: boolean;
  /** Rate-increase events since the last decrease: from the timer (T) and the byte counter (BC). */
  timerStage: number;
  byteStage: number;
  bytesSinceIncrease: number;
  alphaTimer: Timer;
  increaseTimer: Timer;
  /** When the receiver last sent a CNP for this flow (notification-point side). */
  lastCnpPs: number;
}

/**
 * DCQCN (Zhu et al., SIGCOMM'15). Receiver: a CE-marked packet triggers a CNP, at most one
 * per flow per interval. Sender: on a CNP, R_T = R_C, R_C = R_C(1 − α/2), α = (1 − g)α + g;
 * without CNPs α decays by (1 − g) per period; the rate recovers on timer and byte-counter
 * events — fast recovery (R_C = (R_T + R_C)/2) for F events, then additive (R_T += R_AI)
 * and hyper (R_T += i·R_HAI) increase. Timers run only while the flow is below line rate.
 */
export class Dcqcn implements CongestionControl {
  private readonly alphaIntervalPs: number;
  private readonly increaseIntervalPs: number;
  private readonly cnpIntervalPs: number;

  constructor(
    private readonly sim: Simulator,
    private readonly p: DcqcnParams,
  ) {
    this.alphaIntervalPs = psFromUs(p.alphaIntervalUs);
    this.increaseIntervalPs = psFromUs(p.increaseIntervalUs);
    this.cnpIntervalPs = psFromUs(p.cnpIntervalUs);
  }

  private state(flow: Flow): DcqcnState {
    return flow.ccState as DcqcnState;
  }

  init(flow: Flow): void {
    const state: DcqcnState = {
      targetGbps: flow.lineRateGbps,
      alpha: 1,
      cnpSinceAlphaUpdate: false,
      timerStage: 0,
      byteStage: 0,
      bytesSinceIncrease: 0,
      alphaTimer: new Timer(this.sim, () => this.updateAlpha(flow)),
      increaseTimer: new Timer(this.sim, () => {
        state.timerStage++;
        this.increase(flow);
      }),
      lastCnpPs: -Infinity,
    };
    flow.ccState = state;
  }

  onData(flow: Flow, packet: Packet, nic: CcServices): void {
    if (!packet.ecn) return;
    const s = this.state(flow);
    if (this.sim.nowPs - s.lastCnpPs < this.cnpIntervalPs) return;
    s.lastCnpPs = this.sim.nowPs;
    nic.sendCnp(flow);
  }

  onCnp(flow: Flow): void {
    const s = this.state(flow);
    s.targetGbps = flow.rateGbps;
    flow.rateGbps = Math.max(flow.lineRateGbps * this.p.minRateFraction, flow.rateGbps * (1 - s.alpha / 2));
    s.alpha = (1 - this.p.g) * s.alpha + this.p.g;
    s.cnpSinceAlphaUpdate = true;
    s.timerStage = 0;
    s.byteStage = 0;
    s.bytesSinceIncrease = 0;
    s.alphaTimer.set(this.alphaIntervalPs);
    s.increaseTimer.set(this.increaseIntervalPs);
  }

  onSend(flow: Flow, packet: Packet): void {
    if (flow.rateGbps >= flow.lineRateGbps) return;
    const s = this.state(flow);
    s.bytesSinceIncrease += packet.sizeBytes;
    if (s.bytesSinceIncrease >= this.p.byteCounterBytes) {
      s.bytesSinceIncrease = 0;
      s.byteStage++;
      this.increase(flow);
    }
  }

  onAck(): void {}

  private updateAlpha(flow: Flow): void {
    const s = this.state(flow);
    if (!s.cnpSinceAlphaUpdate) s.alpha *= 1 - this.p.g;
    s.cnpSinceAlphaUpdate = false;
    if (flow.rateGbps < flow.lineRateGbps) s.alphaTimer.set(this.alphaIntervalPs);
  }

  private increase(flow: Flow): void {
    const s = this.state(flow);
    const line = flow.lineRateGbps;
    const f = this.p.fastRecoverySteps;
    const low = Math.min(s.timerStage, s.byteStage);
    if (Math.max(s.timerStage, s.byteStage) < f) {
      // fast recovery: towards the rate before the last cut
    } else if (low > f) s.targetGbps += (low - f) * this.p.rateHaiFraction * line;
    else s.targetGbps += this.p.rateAiFraction * line;
    s.targetGbps = Math.min(s.targetGbps, line);
    flow.rateGbps = (flow.rateGbps + s.targetGbps) / 2;
    // Within 0.1% of line rate counts as recovered, so timers stop and the run can end.
    if (line - flow.rateGbps < line * 1e-3) flow.rateGbps = line;
    else s.increaseTimer.set(this.increaseIntervalPs);
  }
}
