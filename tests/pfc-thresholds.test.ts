import { describe, expect, it } from 'vitest';
import { bytesInPs, psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { Network, pfcHeadroomBytes, PRESETS, type FabricConfig, type Switch } from '../src/fabric/index.js';
import { Pfc } from '../src/fabric/flow-control/index.js';
import { Packet } from '../src/fabric/packet.js';

const packet = (sizeBytes: number) => Object.assign(new Packet(), { sizeBytes });

describe('PFC thresholds on the shared buffer (HPCC MMU: XOFF at α × free shared buffer, XON resumeOffsetBytes below)', () => {
  // Two ports, 900,000 B shared once each port's 20,000 B of headroom is set aside.
  const shared = 900_000;
  const headroom = 20_000;
  const alpha = 1 / 8;
  const offset = 3072;
  const size = 1000;
  const make = () => {
    const sent: { port: number; pause: boolean; fed: number }[] = [];
    let fed = 0;
    const pfc = new Pfc(2, shared + 2 * headroom, headroom, alpha, offset, (port, pause) => sent.push({ port, pause, fed }));
    const feed = (ingress: number) => {
      fed += size; // counted before admit, which sends the PAUSE
      const ok = pfc.admit(packet(size), ingress);
      if (!ok) fed -= size;
      return ok;
    };
    const drain = (ingress: number) => {
      fed -= size;
      pfc.release(ingress, size);
    };
    return { pfc, sent, feed, drain };
  };

  it('one ingress: PAUSE when its shared use u first satisfies u ≥ α(S − u), RESUME when u + offset ≤ α(S − u) again', () => {
    // The law, in 1000 B steps: XOFF at the first u with u ≥ α(S − u); XON at the first u, going down, with u + 3072 ≤ α(S − u).
    let xoff = 0;
    while (xoff < alpha * (shared - xoff)) xoff += size;
    let xon = xoff;
    while (xon + offset > alpha * (shared - xon)) xon -= size;
    expect([xoff, xon]).toEqual([100_000, 97_000]); // 9u ≥ 900,000; 9u ≤ 900,000 − 8·3072

    const { pfc, sent, feed, drain } = make();
    while (sent.length === 0) expect(feed(0)).toBe(true);
    expect(sent).toEqual([{ port: 0, pause: true, fed: xoff }]);
    // What is still on the wire lands in headroom: 20 frames fit, the 21st is dropped; no second PAUSE.
    for (let i = 0; i < headroom / size; i++) expect(feed(0)).toBe(true);
    expect(feed(0)).toBe(false);
    expect(pfc.headroomOverflows).toBe(1);
    expect(pfc.pausesSent).toBe(1);
    expect(pfc.usedBytes).toBe(xoff + headroom);
    // Draining empties headroom first; XON only once headroom is empty and u is `offset` below the threshold.
    while (sent.length === 1) drain(0);
    expect(sent[1]).toEqual({ port: 0, pause: false, fed: xon });
  });

  it('the threshold is α × the free shared buffer: with another ingress holding 100,000 B, XOFF comes at 89,000 B', () => {
    const { sent, feed } = make();
    while (sent.length === 0) feed(1); // ingress 1 stops at its own XOFF, 100,000 B
    const other = 100_000;
    let xoff = 0;
    while (xoff < alpha * (shared - other - xoff)) xoff += size;
    expect(xoff).toBe(89_000);
    let fed0 = 0;
    while (sent.length === 1) {
      expect(feed(0)).toBe(true);
      fed0 += size;
    }
    expect(sent[1]!.port).toBe(0);
    expect(sent[1]!.pause).toBe(true);
    expect(fed0).toBe(xoff);
  });
});

describe('PFC headroom', () => {
  const config: FabricConfig = { ...PRESETS.roce!, cc: 'none', ecn: { ...PRESETS.roce!.ecn, enabled: false }, windowBytes: 64 << 20, bufferBytesPerPort: 128 << 10 };
  const frame = config.mtuBytes + config.headerBytes;

  it('is 3 frames + the PAUSE frame + a cable round trip at line rate, to the byte', () => {
    for (const [gbps, delayNs] of [[100, 1000], [400, 500], [800, 37]] as const) {
      const roundTripBytes = (2 * delayNs * gbps) / 8; // ns × Gb/s / 8 = bytes
      const pauseBytes = config.controlBytes;
      expect(pfcHeadroomBytes(config, gbps, psFromNs(delayNs))).toBe(Math.ceil(roundTripBytes + pauseBytes) + 3 * frame);
    }
  });

  /**
   * Host 0 streams to host 2 across one leaf whose port to host 2 is paused, so nothing drains.
   * Returns the drops when the leaf's headroom is `headroomBytes` (null: the formula's).
   */
  function stream(delayNs: number, headroomBytes: number | null, reverse = false) {
    const sim = new Simulator();
    // No ACK until a message ends, so host 0 sends nothing but its data stream.
    const net = new Network(sim, { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 100, linkDelayNs: delayNs }, { ...config, ackEveryPackets: 1 << 30 }, 1);
    const leaf = net.topology.switches[0] as Switch;
    const capacity = 4 * config.bufferBytesPerPort;
    const formula = pfcHeadroomBytes(config, 100, psFromNs(delayNs));
    if (headroomBytes !== null) {
      const sendPause = (leaf as unknown as { sendPause(port: number, pause: boolean): void }).sendPause.bind(leaf);
      leaf.buffer = new Pfc(4, capacity, headroomBytes, config.pfc.alpha, config.pfc.resumeOffsetBytes, sendPause);
    }
    leaf.candidatesFor(2)[0]!.setPaused(true);
    if (reverse) {
      // Host 1 streams to host 0 one picosecond ahead, so the leaf's port back to host 0 has just
      // started a data frame whenever a frame of host 0 arrives: a PAUSE waits τ − 1 ps for it.
      net.send(net.openPacketFlow(1, 0), 400 * config.mtuBytes);
      sim.runUntil(1);
    }
    net.send(net.openPacketFlow(0, 2), 200 * config.mtuBytes);
    sim.runUntil(psFromNs(100_000)); // long after the PAUSE took effect (nothing drains, so it never resumes)
    return { drops: net.metrics.drops, pauses: net.metrics.pfcPauses, formula, shared: capacity - 4 * (headroomBytes ?? formula) };
  }

  it('holds exactly what is in flight after the PAUSE: the crossing frame plus every frame the sender starts before the PAUSE reaches it', () => {
    // Frames of τ ps leave host 0 back to back. The frame that crosses the threshold (the n-th) fully arrives at
    // n·τ + d; the PAUSE leaves at once (the port back to host 0 is idle), serializes in p and reaches host 0 at
    // n·τ + p + 2d. Frames n, n+1, … (0-based) started before then: ⌈(p + 2d)/τ⌉ of them (not an integer here).
    const delayNs = 1000;
    const tauPs = serializationPs(frame, 100);
    const y = (serializationPs(config.controlBytes, 100) + 2 * psFromNs(delayNs)) / tauPs;
    expect(Number.isInteger(y)).toBe(false);
    // Whether the crossing frame itself went to headroom: the law replayed on the shared pool with this headroom.
    const inFlight = (headroomBytes: number) => {
      const shared = 4 * config.bufferBytesPerPort - 4 * headroomBytes;
      let used = 0;
      for (;;) {
        if (used + frame > config.pfc.alpha * (shared - used)) return (Math.ceil(y) + 1) * frame; // crossing frame in headroom
        used += frame;
        if (used >= config.pfc.alpha * (shared - used)) return Math.ceil(y) * frame;
      }
    };
    const formula = stream(delayNs, null);
    expect(formula.drops).toBe(0);
    expect(formula.pauses).toBe(1);
    // The formula also covers a data frame the port back to the sender may be serializing when the PAUSE is due.
    expect(formula.formula).toBeGreaterThanOrEqual(inFlight(formula.formula) + frame);
    // Less headroom leaves more shared buffer, which can move the crossing frame into headroom: take the
    // headroom that holds its own in-flight bytes, and check one byte less needs the same (same crossing case).
    let need = inFlight(formula.formula);
    if (inFlight(need) > need) need = inFlight(need);
    expect(inFlight(need)).toBe(need);
    expect(inFlight(need - 1)).toBe(need);
    // The exact need, found independently of the formula, is tight: as headroom it loses nothing, one byte less loses a frame.
    expect(stream(delayNs, need).drops).toBe(0);
    expect(stream(delayNs, need - 1).drops).toBe(1);
  });

  it('with a data frame in the PAUSE\'s way (the worst case), the formula is one byte above what arrives at d = 999.4 ns', () => {
    // 2d + p = 6τ + 80 ps, and 80 ps is one byte at 100 Gb/s: the formula is ⌈25,069.0⌉ + 3 frames = 37,603 B.
    const delayNs = 999.4;
    const tauPs = serializationPs(frame, 100);
    const pPs = serializationPs(config.controlBytes, 100);
    expect(2 * psFromNs(delayNs) + pPs).toBe(6 * tauPs + 80);
    const formula = pfcHeadroomBytes(config, 100, psFromNs(delayNs));
    expect(formula).toBe(6 * frame + 1 + 3 * frame);
    // The PAUSE for the crossing frame leaves τ − 1 ps late and reaches host 0 at (n+7)τ + 79 ps:
    // frames n … n+7 started before, 8 of them, after the crossing frame itself, which lands in
    // headroom (replayed below with one host-1 frame in the shared pool): 9 frames = 37,602 B.
    const crossesIntoHeadroom = (headroomBytes: number) => {
      const shared = 4 * config.bufferBytesPerPort - 4 * headroomBytes;
      const other = frame; // host 1's frame being forwarded
      let own = 0;
      for (;;) {
        if (own + frame > config.pfc.alpha * (shared - other - own)) return true;
        own += frame;
        if (own >= config.pfc.alpha * (shared - other - own)) return false;
      }
    };
    expect(crossesIntoHeadroom(formula - 1)).toBe(true);
    expect(crossesIntoHeadroom(formula - 2)).toBe(true);
    const worst = 9 * frame;
    expect(formula - worst).toBe(1);
    expect(stream(delayNs, null, true).drops).toBe(0);
    expect(stream(delayNs, formula - 1, true).drops).toBe(0);
    expect(stream(delayNs, formula - 2, true).drops).toBe(1);
    // Without the frame in the way one frame less arrives, so the same headroom has a frame to spare.
    expect(stream(delayNs, worst - frame, false).drops).toBe(0);
  });
});
