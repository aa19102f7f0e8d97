import { z } from 'zod';
import { psFromUs, Timer, type Simulator } from '../../engine/index.js';
import type { Flow } from '../flow.js';
import type { Packet } from '../packet.js';
import { defineCc, type CcServices, type CongestionControl } from './congestion-control.js';

/** Per-flow state: the reaction point (sender) and the notification point (receiver). */
interface DcqcnState {
  // Reaction point.
  /** Target rate R_T. */
  targetGbps: number;
  /** α as of `alphaSincePs`; it decays by (1 − g) per full α interval after that. */
  alpha: number;
  alphaSincePs: number;
  /** Rate-increase events since the last cut: timer (T) and byte counter (BC). */
  timerStage: number;
  byteStage: number;
  bytesSinceIncrease: number;
  increaseTimer: Timer<Flow>;
  // Notification point.
  /** When the receiver last sent a CNP for this flow (−∞: never). */
  lastCnpPs: number;
  /** CE-marked packets that arrived since then, inside the CNP interval. */
  marksSinceCnp: number;
  cnpTimer: Timer<Flow>;
  np: CcServices | null;
}

/**
 * DCQCN as published (Zhu et al., SIGCOMM'15, §3.1 and Fig. 8) and as htsim implements it
 * (`dcqcn.cpp`, whose constants are the paper's).
 *
 * Notification point: a CE-marked packet triggers a CNP at once if none was sent for this
 * flow in the last `cnpIntervalUs`; otherwise the mark is remembered and one CNP goes out
 * at the end of the interval ("at most one CNP every N µs, if any packet that arrived within
 * that window was marked"; htsim's DCQCNSink::doNextEvent).
 *
 * Reaction point, on a CNP: R_T = R_C, R_C = R_C(1 − α/2), α = (1 − g)α + g, and both
 * increase counters restart. Without a CNP for K = `alphaIntervalUs`, α = (1 − g)α — kept
 * exactly by applying (1 − g)^⌊Δt/K⌋ when α is next needed, so no timer runs while the
 * flow is at line rate. The rate rises on each increase-timer period (T++) and each
 * `byteCounterBytes` of new data sent (BC++): while max(T, BC) ≤ F fast recovery
 * R_C = (R_T + R_C)/2 — exactly F halvings, the paper's "F = 5 successive iterations"
 * (htsim: `max(_T,_BC) <= _F`; HPCC's ns-3 `m_rpTimeStage < F` before its increment);
 * when min(T, BC) > F hyper increase R_T += (min(T, BC) − F)·R_HAI; otherwise additive
 * increase R_T += R_AI; each then R_C = (R_T + R_C)/2, R_C capped at line rate (R_T is not
 * capped, as in htsim, so R_C reaches line rate and the timers stop).
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

  /** Timer handlers shared by every queue pair (no closure per queue pair). */
  private readonly onIncreaseTimer = (flow: Flow): void => {
    const state = this.state(flow);
    state.timerStage++;
    // The timer keeps its own period: a byte-counter event does not restart it (htsim).
    if (this.increase(flow)) state.increaseTimer.set(this.increaseIntervalPs);
  };
  private readonly onCnpInterval = (flow: Flow): void => this.endOfCnpInterval(flow);

  init(flow: Flow): void {
    const state: DcqcnState = {
      targetGbps: flow.lineRateGbps,
      alpha: 1,
      alphaSincePs: this.sim.nowPs,
      timerStage: 0,
      byteStage: 0,
      bytesSinceIncrease: 0,
      increaseTimer: new Timer(this.sim, this.onIncreaseTimer, flow),
      lastCnpPs: -Infinity,
      marksSinceCnp: 0,
      cnpTimer: new Timer(this.sim, this.onCnpInterval, flow),
      np: null,
    };
    flow.ccState = state;
  }

  /** α now: the stored value decayed once per full α interval without a CNP. */
  alphaOf(flow: Flow): number {
    const s = this.state(flow);
    const periods = Math.floor((this.sim.nowPs - s.alphaSincePs) / this.alphaIntervalPs);
    return s.alpha * (1 - this.p.g) ** periods;
  }

  onData(flow: Flow, packet: Packet, nic: CcServices): void {
    if (!packet.ecn) return;
    const s = this.state(flow);
    s.np = nic;
    if (this.sim.nowPs - s.lastCnpPs >= this.cnpIntervalPs) this.sendCnp(flow, s);
    else s.marksSinceCnp++;
  }

  private sendCnp(flow: Flow, s: DcqcnState): void {
    s.lastCnpPs = this.sim.nowPs;
    s.marksSinceCnp = 0;
    s.np!.sendCnp(flow);
    s.cnpTimer.set(this.cnpIntervalPs);
  }

  private endOfCnpInterval(flow: Flow): void {
    const s = this.state(flow);
    if (s.marksSinceCnp > 0) this.sendCnp(flow, s);
  }

  onCnp(flow: Flow): void {
    const s = this.state(flow);
    const alpha = this.alphaOf(flow);
    s.targetGbps = flow.rateGbps;
    flow.src.setRate(flow, Math.max(flow.lineRateGbps * this.p.minRateFraction, flow.rateGbps * (1 - alpha / 2)));
    s.alpha = (1 - this.p.g) * alpha + this.p.g;
    s.alphaSincePs = this.sim.nowPs;
    s.timerStage = 0;
    s.byteStage = 0;
    s.bytesSinceIncrease = 0;
    s.increaseTimer.set(this.increaseIntervalPs);
  }

  onSend(flow: Flow, packet: Packet): void {
    // htsim counts new data only (its highest sequence sent), not retransmissions.
    if (flow.rateGbps >= flow.lineRateGbps || packet.isRetransmit) return;
    const s = this.state(flow);
    s.bytesSinceIncrease += packet.payloadBytes;
    if (s.bytesSinceIncrease >= this.p.byteCounterBytes) {
      s.bytesSinceIncrease = 0;
      s.byteStage++;
      this.increase(flow);
    }
  }

  onAck(): void {}

  /** One rate-increase event; false once the flow is back at line rate (its timer stops). */
  private increase(flow: Flow): boolean {
    const s = this.state(flow);
    const line = flow.lineRateGbps;
    const f = this.p.fastRecoverySteps;
    const low = Math.min(s.timerStage, s.byteStage);
    if (Math.max(s.timerStage, s.byteStage) <= f) {
      // fast recovery: R_T unchanged
    } else if (low > f) s.targetGbps += (low - f) * this.p.rateHaiFraction * line;
    else s.targetGbps += this.p.rateAiFraction * line;
    const rate = Math.min(line, (flow.rateGbps + s.targetGbps) / 2);
    flow.src.setRate(flow, rate);
    if (rate < line) return true;
    s.increaseTimer.cancel();
    return false;
  }
}

/** DCQCN (Zhu et al. SIGCOMM'15), defaults as the DCQCN paper's and htsim's (`dcqcn.cpp`). */
export interface DcqcnParams {
  /** The receiver sends at most one CNP per flow per interval; marks inside it yield one CNP at its end. */
  cnpIntervalUs: number;
  /** α gain g. */
  g: number;
  /** K: α decays by (1 − g) per this period without a CNP. */
  alphaIntervalUs: number;
  /** Rate-increase timer period T. */
  increaseIntervalUs: number;
  /** Byte counter B: an increase event per B bytes of new data sent (paper and htsim: 10,000,000). */
  byteCounterBytes: number;
  /** Fast-recovery stages F: exactly F halvings towards R_T after a cut. */
  fastRecoverySteps: number;
  /** Additive and hyper increase steps, as fractions of line rate (htsim: 1/20 and 1/10). */
  rateAiFraction: number;
  rateHaiFraction: number;
  /** Floor of the rate, as a fraction of line rate. */
  minRateFraction: number;
}

export const dcqcn = defineCc<'dcqcn', { dcqcn: DcqcnParams }>({
  name: 'dcqcn',
  overrides: (checked) => ({
    dcqcn: z
      .strictObject({
        cnpIntervalUs: checked.intervalUs.optional(),
        g: z.number().gt(0).lt(1).optional(),
        alphaIntervalUs: checked.timerUs.optional(),
        increaseIntervalUs: checked.timerUs.optional(),
        byteCounterBytes: checked.positiveSize.optional(),
        fastRecoverySteps: z.number().int().nonnegative().optional(),
        rateAiFraction: z.number().gt(0).max(1).optional(),
        rateHaiFraction: z.number().gt(0).max(1).optional(),
        minRateFraction: z.number().gt(0).max(1).optional(),
      })
      .optional(),
  }),
  defaults: {
    dcqcn: {
      cnpIntervalUs: 50,
      g: 1 / 256,
      alphaIntervalUs: 55,
      increaseIntervalUs: 55,
      byteCounterBytes: 10_000_000, // the paper's B = 10 MB, htsim's _B = 10000000
      fastRecoverySteps: 5,
      rateAiFraction: 1 / 20,
      rateHaiFraction: 1 / 10,
      minRateFraction: 1 / 1000,
    },
  },
  create: ({ config, sim }) => new Dcqcn(sim, config.dcqcn),
});
