import { describe, expect, it } from 'vitest';
import { psFromUs, Simulator } from '../src/engine/index.js';
import { Dcqcn } from '../src/fabric/cc/index.js';
import { Flow } from '../src/fabric/flow.js';
import { PRESETS, type Nic, type Packet } from '../src/fabric/index.js';

// DCQCN's laws (Zhu et al. SIGCOMM'15 §3.1; htsim dcqcn.cpp), checked on the controller alone
// against trajectories computed by hand. Line rate 100 Gb/s: R_AI = 5, R_HAI = 10 Gb/s.
const p = PRESETS.roce!.dcqcn;
const g = 1 / 256;
const K = 55; // µs: α period and increase timer

function harness() {
  const sim = new Simulator();
  const cnpsAtUs: number[] = [];
  const nic = {
    setRate: (flow: Flow, gbps: number) => (flow.rateGbps = gbps),
    sendCnp: () => cnpsAtUs.push(sim.nowPs / 1e6),
  };
  const flow = new Flow(0, nic as unknown as Nic, nic as unknown as Nic, 0, 0, 1 << 20, 4096, 100);
  const cc = new Dcqcn(sim, p);
  cc.init(flow);
  /** Runs the simulator to `us` (timers fire on the way). */
  const at = (us: number) => {
    sim.at(psFromUs(us), { onEvent() {} }, 0);
    sim.runUntil(psFromUs(us));
  };
  const state = () => flow.ccState as { targetGbps: number; alpha: number };
  const sent = (payloadBytes: number, isRetransmit = false) => cc.onSend(flow, { payloadBytes, isRetransmit } as Packet);
  const data = (ecn: boolean) => cc.onData(flow, { ecn } as Packet, nic);
  return { sim, flow, cc, at, state, sent, data, cnpsAtUs };
}

describe('DCQCN reaction point', () => {
  it('the defaults are the paper\'s: g 1/256, K 55 µs, B 10,000,000 B, F 5, CNP interval 50 µs', () => {
    expect(p).toMatchObject({ g, alphaIntervalUs: K, increaseIntervalUs: K, byteCounterBytes: 10_000_000, fastRecoverySteps: 5, cnpIntervalUs: 50 });
    expect(p.rateAiFraction).toBe(1 / 20);
    expect(p.rateHaiFraction).toBe(1 / 10);
  });

  it('a CNP cuts R_C to R_C(1 − α/2), sets R_T to the old R_C, and then exactly F = 5 timer periods halve the gap before additive increase', () => {
    const h = harness();
    h.cc.onCnp(h.flow); // α = 1: 100 → 50, R_T = 100
    expect(h.flow.rateGbps).toBe(50);
    expect(h.state().targetGbps).toBe(100);
    const fast = [75, 87.5, 93.75, 96.875, 98.4375];
    fast.forEach((rate, i) => {
      h.at((i + 1) * K);
      expect(h.flow.rateGbps).toBeCloseTo(rate, 12);
      expect(h.state().targetGbps).toBe(100);
    });
    // The sixth period is additive: R_T = 105, R_C = (98.4375 + 105)/2 > line, so line rate.
    h.at(6 * K);
    expect(h.state().targetGbps).toBe(105);
    expect(h.flow.rateGbps).toBe(100);
  });

  it('additive increase after F timer events; hyper increase (min(T, BC) − F)·R_HAI once both counters pass F', () => {
    const h = harness();
    h.cc.onCnp(h.flow); // 100 → 50, R_T 100
    h.at(1);
    h.cc.onCnp(h.flow); // α still 1: R_T = 50, R_C = 25; timer restarts at 1 µs
    expect(h.flow.rateGbps).toBe(25);
    // Six byte-counter events (10,000,000 B each) at 1 µs: BC = 1..5 fast recovery, BC = 6 additive (T = 0).
    const expected = [37.5, 43.75, 46.875, 48.4375, 49.21875];
    for (const rate of expected) {
      h.sent(10_000_000);
      expect(h.flow.rateGbps).toBeCloseTo(rate, 12);
    }
    h.sent(10_000_000);
    expect(h.state().targetGbps).toBe(55);
    expect(h.flow.rateGbps).toBeCloseTo((49.21875 + 55) / 2, 12);
    // Timer T = 1..5: min(T, 6) ≤ 5, additive, R_T + 5 each.
    let rate = (49.21875 + 55) / 2;
    for (let t = 1; t <= 5; t++) {
      h.at(1 + t * K);
      rate = (rate + 55 + 5 * t) / 2;
      expect(h.state().targetGbps).toBe(55 + 5 * t);
      expect(h.flow.rateGbps).toBeCloseTo(rate, 12);
    }
    // T = 6: min(6, 6) = 6 > 5, hyper: R_T = 80 + 1·10.
    h.at(1 + 6 * K);
    rate = (rate + 90) / 2;
    expect(h.state().targetGbps).toBe(90);
    expect(h.flow.rateGbps).toBeCloseTo(rate, 12);
    // BC = 7: min(6, 7) = 6, hyper again: R_T = 100.
    h.sent(10_000_000);
    rate = (rate + 100) / 2;
    expect(h.state().targetGbps).toBe(100);
    expect(h.flow.rateGbps).toBeCloseTo(rate, 12);
    // T = 7: min(7, 7) = 7, R_T += 2·10 = 120 (not capped); R_C = (91.27 + 120)/2 > line → line, and the timer stops.
    h.at(1 + 7 * K);
    expect(h.state().targetGbps).toBe(120);
    expect(h.flow.rateGbps).toBe(100);
    const events = h.sim.events;
    h.at(10_000);
    expect(h.sim.events - events).toBe(1); // only the test's own event: no timer runs at line rate
  });

  it('the byte counter fires at 10,000,000 B of new data (not 10 MiB), and retransmissions do not count', () => {
    const h = harness();
    h.cc.onCnp(h.flow); // 50, R_T 100
    for (let i = 0; i < 2441; i++) h.sent(4096); // 9,998,336 B
    h.sent(4096, true); // a retransmission
    expect(h.flow.rateGbps).toBe(50);
    h.sent(4096); // 10,002,432 B ≥ 10,000,000
    expect(h.flow.rateGbps).toBe(75);
    // The counter restarts from 0: another 2,441 packets do not fire it.
    for (let i = 0; i < 2441; i++) h.sent(4096);
    expect(h.flow.rateGbps).toBe(75);
  });

  it('α decays by (1 − g) per 55 µs without a CNP, also while the flow is back at line rate', () => {
    const h = harness();
    h.cc.onCnp(h.flow); // α = (1 − g)·1 + g = 1
    expect(h.cc.alphaOf(h.flow)).toBe(1);
    h.at(3 * K + 10); // three periods: 75, 87.5, 93.75
    expect(h.cc.alphaOf(h.flow)).toBeCloseTo((1 - g) ** 3, 15);
    h.cc.onCnp(h.flow);
    const alpha3 = (1 - g) ** 3;
    expect(h.flow.rateGbps).toBeCloseTo(93.75 * (1 - alpha3 / 2), 12);
    expect(h.state().alpha).toBeCloseTo((1 - g) * alpha3 + g, 15);
    // Recovered to line rate by 3·55 + 10 + 6·55 µs; the next CNP at 3·55 + 10 + 1000 µs sees ⌊1000/55⌋ = 18 more periods.
    h.at(3 * K + 10 + 1000);
    expect(h.flow.rateGbps).toBe(100);
    const alpha = ((1 - g) * alpha3 + g) * (1 - g) ** 18;
    h.cc.onCnp(h.flow);
    expect(h.flow.rateGbps).toBeCloseTo(100 * (1 - alpha / 2), 12);
  });
});

describe('DCQCN notification point', () => {
  it('sends a CNP for the first mark, defers marks inside the 50 µs interval to one CNP at its end, and none for an interval without marks', () => {
    const h = harness();
    h.data(false);
    expect(h.cnpsAtUs).toEqual([]);
    h.data(true); // t = 0: immediate
    h.at(10);
    h.data(true);
    h.at(20);
    h.data(true); // two marks inside [0, 50): one CNP at 50
    h.at(49);
    expect(h.cnpsAtUs).toEqual([0]);
    h.at(120); // no marks in [50, 100): nothing at 100
    expect(h.cnpsAtUs).toEqual([0, 50]);
    h.data(true); // 70 µs after the last CNP: immediate
    h.at(130);
    h.data(true); // deferred to 170
    h.at(300);
    expect(h.cnpsAtUs).toEqual([0, 50, 120, 170]);
  });
});
