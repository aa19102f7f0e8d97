import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { FlowNetwork, Network, PRESETS, type FabricModel } from '../src/fabric/index.js';

// Two queue pairs on one NIC, each with k slices queued at t = 0 (what a tree rank with two
// channels posts): the mechanism behind "flow model slower with channels > 1" (README, "Flow
// model and packet model at the same shape"). The packet NIC serves ready QPs round-robin,
// one frame each, so one QP's slice ends a few frames before the other's; the fluid shares the
// NIC max-min, so both slices end together, between the two packet times. Symmetric
// channels thus stay in lockstep in the fluid for ever, while in the packet model that frame
// of head start is the seed the tree's pipeline amplifies (README).
const topology = { kind: 'leaf-spine' as const, gpus: 4, gpusPerLeaf: 4, oversubscription: 1, linkGbps: 400, linkDelayNs: 500 };
const config = { ...PRESETS.ethernet!, cc: 'none' as const };
const SLICE = 128 * 1024;
const FRAMES = SLICE / 4096; // 32 full frames per slice
const frame = 4096 + 82;
const t = serializationPs(frame, 400);
const d = psFromNs(500);

/** QP A (GPU 0 → 1) and QP B (GPU 0 → 2), each with `k` slices posted at 0: each slice's delivery time, A's then B's. */
function twoQps(net: FabricModel, k: number): [number[], number[]] {
  const a = net.openFlow(0, 1);
  const b = net.openFlow(0, 2);
  const at: [number[], number[]] = [[], []];
  for (let s = 0; s < k; s++) {
    net.send(a, SLICE, (x) => at[0].push(x));
    net.send(b, SLICE, (x) => at[1].push(x));
  }
  net.sim.run();
  return at;
}

describe('two QPs on one NIC, k slices each: packet round-robin vs fluid max-min', () => {
  it('packet: A (posted first) sends frame 1 alone and is re-queued before B, then frames alternate B, A, …: A leads B by three frames', () => {
    const sim = new Simulator();
    const [a, b] = twoQps(new Network(sim, topology, config, 1), 3);
    // A frame that is the p-th on the NIC's wire ends at p·t, crosses the link (d), the
    // leaf's egress (t; idle, the other QP's frames go to another port) and the last link (d).
    const arrive = (p: number) => p * t + t + 2 * d;
    // Wire order A A B A B …: A's frame i (i ≥ 2) is the 2(i − 1)-th, B's frame i the (2i + 1)-th
    // until A runs dry; B's last two frames then follow back to back (positions 191, 192).
    expect(a).toEqual([1, 2, 3].map((s) => arrive(2 * (FRAMES * s - 1))));
    expect(b).toEqual([arrive(2 * FRAMES + 1), arrive(4 * FRAMES + 1), arrive(6 * FRAMES)]);
  });

  it('fluid: both QPs at half the NIC; both slices end together, between the packet model\'s A and B', () => {
    const sim = new Simulator();
    const [a, b] = twoQps(new FlowNetwork(sim, topology, config, 1), 3);
    const arrive = (s: number) => Math.ceil((s * FRAMES * frame * 8_000) / 200) + d + t + d;
    expect(a).toEqual([1, 2, 3].map(arrive));
    expect(b).toEqual(a);
    // 2 × 32 frames at line rate, then the last frame's store-and-forward hop: 2 frames after
    // the packet model's A, 1 before its B (2·32 + 1 against 2·32 − 1 and 2·32 + 2); the fluid never lets one QP lead.
    expect(a[0]).toBe(2 * FRAMES * t + t + 2 * d);
  });
});

describe('fluid: channels forwarded at a busy rank stay in lockstep, each hop at the NIC share of all its backlogged QPs', () => {
  it('2 channels relay one slice 0 → 1 → 2 while GPU 1 sends 2 long QPs to GPU 3: hop 1 at 1/2 of the NIC, hop 2 at 1/4, both channels together', () => {
    const sim = new Simulator();
    const net = new FlowNetwork(sim, topology, config, 1);
    for (let q = 0; q < 2; q++) net.send(net.openFlow(1, 3), 64 * SLICE); // backlog, still running when the relays end
    const arrived: number[][] = [[], []];
    for (let c = 0; c < 2; c++) {
      const forward = net.openFlow(1, 2);
      net.send(net.openFlow(0, 1), SLICE, (at) => {
        arrived[c]!.push(at);
        net.send(forward, SLICE, (at2) => arrived[c]!.push(at2));
      });
    }
    sim.run();
    const wirePs = (gbps: number) => Math.ceil((FRAMES * frame * 8_000) / gbps);
    const hop1 = wirePs(200) + t + 2 * d;
    const hop2 = hop1 + wirePs(100) + t + 2 * d;
    expect(arrived).toEqual([[hop1, hop2], [hop1, hop2]]);
  });
});

