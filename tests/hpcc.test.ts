import { describe, expect, it } from 'vitest';
import { psFromUs, Simulator } from '../src/engine/index.js';
import { TelemetryCc } from '../src/fabric/cc/index.js';
import { Flow } from '../src/fabric/flow.js';
import { Packet, PRESETS, TelemetrySlab, type Nic, type TelemetryParams } from '../src/fabric/index.js';

// HPCC's rate law (Li et al. SIGCOMM'19; ns-3 rdma-hw.cc UpdateRateHp as run.py runs it),
// fed INT records directly. Line 100 Gb/s, T = 10 µs, so B·T = 125,000 B; η = 0.95.
const T = psFromUs(10);
const BT = 125_000;
const eta = 0.95;
const ai = 0.0004 * 100; // W_AI: 40 Mb/s at 100G (run.py: 10·bw/25 Mb/s)

/** `reuse`: every ACK is one packet object, its hops reset as the pool does (PacketPool.take), so a record the CC kept by reference would be overwritten. */
function harness(overrides: Partial<TelemetryParams> = {}, reuse = false) {
  const params = { ...PRESETS['spectrum-x']!.telemetry, ...overrides };
  const nic = { setRate: (flow: Flow, gbps: number) => (flow.rateGbps = gbps), sendCnp() {} };
  const flow = new Flow(0, nic as unknown as Nic, nic as unknown as Nic, 0, 0, 40, 4096, 100);
  flow.baseRttPs = T;
  const slab = new TelemetrySlab();
  const cc = new TelemetryCc(new Simulator(), params, slab);
  cc.init(flow);
  /** One hop record per entry: [u's tx share, queue bytes]; time advances by `dtPs`. */
  const tx = [0, 0];
  let timePs = 0;
  const pooled = new Packet();
  const ack = (psn: number, dtPs: number, hops: Array<[txShare: number, queueBytes: number]>) => {
    timePs += dtPs;
    const packet = reuse ? pooled : new Packet();
    packet.intHops = 0;
    hops.forEach(([share, queueBytes], j) => {
      tx[j]! += (share * 100 * dtPs) / 8_000; // bytes the port sent in dtPs at share × 100 Gb/s
      packet.stampTelemetry(slab, j, queueBytes, tx[j]!, timePs, 100, 0);
    });
    packet.psn = psn;
    cc.onAck(flow, packet);
  };
  const state = () => flow.ccState as { refRateGbps: number; incStage: number; utilization: number };
  return { flow, ack, state };
}

describe('HPCC rate law', () => {
  it('the previous ACK\'s telemetry survives its packet being reused (records are exchanged, not shared)', () => {
    const steps: Array<[number, number, Array<[number, number]>]> = [
      [1, 0, [[1, BT / 5], [0.5, 0]]],
      [11, T, [[1, BT / 5], [0.9, BT / 10]]],
      [15, T / 2, [[0.5, 0], [1, BT]]],
      [21, T / 2, [[0.85, 0], [0.2, 0]]],
    ];
    const rates = (reuse: boolean) => {
      const h = harness({}, reuse);
      return steps.map(([psn, dtPs, hops]) => {
        h.flow.sndNxt = psn + 5;
        h.ack(psn, dtPs, hops);
        return h.flow.rateGbps;
      });
    };
    const fresh = rates(false);
    expect(fresh[1]).not.toBe(100); // the rate moved, so the comparison below reads the previous records
    expect(rates(true)).toEqual(fresh);
  });

  it('an ACK echoes its data packet\'s telemetry after the data packet is reused', () => {
    const slab = new TelemetrySlab();
    const data = new Packet();
    data.stampTelemetry(slab, 7, 1_000, 2_000, 3_000, 400, 390);
    const ack = new Packet();
    ack.takeIntFrom(data);
    data.intHops = 0;
    data.stampTelemetry(slab, 9, 1, 2, 3, 4, 5); // the pool hands the data packet out again
    const echoed = slab.chunk(ack.intRecord);
    const at = slab.start(ack.intRecord);
    expect(ack.intHops).toBe(1);
    expect([...echoed.subarray(at, at + 6)]).toEqual([7, 1_000, 2_000, 3_000, 400, 390]);
  });

  it('the defaults are the reference run\'s: η 0.95, maxStage 0, W_AI 0.0004 of line, smoothing after the max, variable window, 42 B INT', () => {
    expect(PRESETS['spectrum-x']!.telemetry).toEqual({
      eta: 0.95,
      maxStage: 0,
      rateAiFraction: 0.0004,
      smoothing: 'after-max',
      window: 'variable',
      intHeaderBytes: 42,
    });
  });

  it('a step in load above η: R = R_ref·η/U + W_AI, committed once per RTT; ACKs in between react from the committed R_ref', () => {
    const h = harness();
    h.flow.sndNxt = 10;
    h.ack(1, 0, [[1, BT / 5]]); // first ACK: records only
    expect(h.flow.rateGbps).toBe(100);
    h.flow.sndNxt = 20;
    // Δt = T, so U is the new sample: u = 1 + min(25,000, 25,000)/125,000 = 1.2.
    h.ack(11, T, [[1, BT / 5]]);
    const r1 = (100 * eta) / 1.2 + ai;
    expect(h.state().utilization).toBeCloseTo(1.2, 12);
    expect(h.flow.rateGbps).toBeCloseTo(r1, 9);
    expect(h.state().refRateGbps).toBeCloseTo(r1, 9);
    // Fast react (psn 15 ≤ 20): Δt = T/2, u = 0.5 + min(0, 25,000)/B·T = 0.5, U = (1.2·T/2 + 0.5·T/2)/T = 0.85.
    h.ack(15, T / 2, [[0.5, 0]]);
    expect(h.state().utilization).toBeCloseTo(0.85, 12);
    // maxStage 0: multiplicative even below η.
    expect(h.flow.rateGbps).toBeCloseTo((r1 * eta) / 0.85 + ai, 9);
    expect(h.state().refRateGbps).toBeCloseTo(r1, 9); // not committed
    // Another fast react with the same U reacts from the same R_ref: no compounding.
    h.ack(16, T / 2, [[0.85, 0]]);
    expect(h.state().utilization).toBeCloseTo(0.85, 12);
    expect(h.flow.rateGbps).toBeCloseTo((r1 * eta) / 0.85 + ai, 9);
    // psn 21 > 20: a full update commits.
    h.ack(21, T / 2, [[0.85, 0]]);
    const r2 = (r1 * eta) / 0.85 + ai;
    expect(h.state().refRateGbps).toBeCloseTo(r2, 9);
  });

  it('below η with maxStage 3: three additive steps R_ref + W_AI per RTT, then a multiplicative one even below η', () => {
    const h = harness({ maxStage: 3 });
    h.ack(0, 0, [[1, BT]]);
    h.flow.sndNxt = 10;
    h.ack(11, T, [[1, BT]]); // U = 2: R = 100·0.95/2 + W_AI, stage 0
    let ref = (100 * eta) / 2 + ai;
    expect(h.flow.rateGbps).toBeCloseTo(ref, 9);
    for (let stage = 1; stage <= 3; stage++) {
      h.flow.sndNxt += 10;
      h.ack(h.flow.sndNxt + 1, T, [[0.5, 0]]); // a full update at Δt = T: U = 0.5 < η
      ref += ai;
      expect(h.flow.rateGbps).toBeCloseTo(ref, 9);
      expect(h.state().incStage).toBe(stage);
    }
    h.flow.sndNxt += 10;
    h.ack(h.flow.sndNxt + 1, T, [[0.5, 0]]);
    expect(h.flow.rateGbps).toBeCloseTo((ref * eta) / 0.5 + ai, 9);
    expect(h.state().incStage).toBe(0);
  });

  it('below η from a reduced rate: maxStage 3 adds W_AI per RTT, the reference (0) jumps to R_ref·η/U', () => {
    for (const maxStage of [0, 3]) {
      const h = harness({ maxStage });
      h.ack(0, 0, [[1, BT]]);
      h.flow.sndNxt = 10;
      h.ack(11, T, [[1, BT]]); // U = 2: R = 100·0.95/2 + W_AI
      const r1 = (100 * eta) / 2 + ai;
      expect(h.flow.rateGbps).toBeCloseTo(r1, 9);
      h.flow.sndNxt = 20;
      h.ack(21, T, [[0.5, 0]]); // U = 0.5 < η
      expect(h.flow.rateGbps).toBeCloseTo(maxStage === 0 ? (r1 * eta) / 0.5 + ai : r1 + ai, 9);
    }
  });

  it('U is smoothed after the max over hops (HPCC); per-hop smoothing is the option', () => {
    const run = (smoothing: 'after-max' | 'per-hop') => {
      const h = harness({ smoothing });
      h.ack(0, 0, [[0, 0], [0, 0]]);
      h.flow.sndNxt = 10;
      h.ack(11, T, [[1.2, 0], [0.5, 0]]);
      h.ack(12, T / 2, [[0.5, 0], [1, 0]]);
      return h.state().utilization;
    };
    // After the max: U = 1.2, then (1.2·T/2 + max(0.5, 1)·T/2)/T = 1.1.
    expect(run('after-max')).toBeCloseTo(1.1, 12);
    // Per hop: hop 0 → 1.2 → 0.85, hop 1 → 0.5 → 0.75; max 0.85.
    expect(run('per-hop')).toBeCloseTo(0.85, 12);
  });

  it('the variable window follows the rate, W·R/line (HAS_WIN/VAR_WIN); the fixed window stays W', () => {
    for (const window of ['variable', 'fixed'] as const) {
      const h = harness({ window });
      h.ack(0, 0, [[1, BT]]);
      h.flow.sndNxt = 10;
      h.ack(11, T, [[1, BT]]); // R = 47.54 Gb/s
      const r = (100 * eta) / 2 + ai;
      expect(h.flow.windowPackets).toBe(window === 'variable' ? Math.ceil((40 * r) / 100) : 40);
    }
  });
});
