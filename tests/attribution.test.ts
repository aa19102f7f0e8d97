import { describe, expect, it } from 'vitest';
import { psFromNs, psFromUs, serializationPs, Simulator } from '../src/engine/index.js';
import { buildModel, finishRun, resolveFabric, type FabricResult } from '../src/experiment/index.js';
import { Network, Part, PRESETS, sumParts, type AttributionRow } from '../src/fabric/index.js';
import { spec } from './helpers.js';

/** Runs the spec's first fabric with attribution on: its result row and the workload-level attribution row. */
function explain(document: Record<string, unknown>): { result: FabricResult; row: AttributionRow; finishedPs: number } {
  const s = spec(document);
  const setup = buildModel(s, resolveFabric(s.fabrics[0]!), s.workload[0]!, undefined, { attribution: true });
  const result = finishRun(setup, setup.sim.run());
  expect(setup.workload.finished).toBe(true);
  return { result, row: result.attribution![0]!, finishedPs: setup.workload.finishedPs };
}

/** The row's parts add up to its completion time, which is the workload's, to the picosecond. */
function expectExact(row: AttributionRow, completionPs: number): void {
  const { queueing, ...rest } = row.partsPs;
  const total = Object.values(rest).reduce((a, b) => a + b, 0) + Object.values(queueing).reduce((a, b) => a + b, 0);
  expect(total).toBe(completionPs);
  expect(row.completionPs).toBe(completionPs);
  for (const v of [...Object.values(rest), ...Object.values(queueing)]) expect(v).toBeGreaterThanOrEqual(0);
}

const frame = 4096 + 82; // a full packet on the wire: payload + headers
const oneLeaf = (gpus: number) => ({ kind: 'leaf-spine', gpus, gpusPerLeaf: gpus, linkGbps: 100, linkDelayNs: 200 });
const zero = { pfcPaused: 0, retransmission: 0, throttled: 0, windowFull: 0, nvlink: 0, stepLatency: 0, compute: 0 };

describe('where the time goes, packet model', () => {
  it('a lone message on an idle fabric is serialization + propagation only: its packets at the NIC, its last one again at each later hop', () => {
    // gpu → leaf → spine → leaf → gpu: 4 cables; 16 full packets.
    const { row, finishedPs } = explain({
      topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 2, linkGbps: 100, linkDelayNs: 200 },
      workload: { kind: 'incast', senders: 1, bytes: '64KiB', target: 0 },
    });
    const ser = serializationPs(frame, 100);
    expect(row.partsPs).toEqual({ serialization: (16 + 3) * ser, propagation: 4 * psFromNs(200), queueing: { nic: 0, leaf: 0, spine: 0 }, ...zero });
    expectExact(row, finishedPs);
    expect(row.topLinks[0]!.ps).toBe(16 * ser + psFromNs(200)); // the sender's own link
  });

  it('a per-message NIC overhead (nicOverheadNs) waited before the first packet counts as time at the NIC, and the parts still add up', () => {
    const o = 700;
    const { row, finishedPs } = explain({
      topology: { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 2, linkGbps: 100, linkDelayNs: 200 },
      fabrics: [{ preset: 'ethernet', nicOverheadNs: o }],
      workload: { kind: 'incast', senders: 1, bytes: '64KiB', target: 0 },
    });
    const ser = serializationPs(frame, 100);
    expect(finishedPs).toBe(psFromNs(o) + (16 + 3) * ser + 4 * psFromNs(200));
    expect(row.partsPs).toEqual({ serialization: (16 + 3) * ser, propagation: 4 * psFromNs(200), queueing: { nic: psFromNs(o), leaf: 0, spine: 0 }, ...zero });
    expectExact(row, finishedPs);
  });

  it('an incast waits at the last hop: on one leaf, the last packet queues behind every other sender\'s message', () => {
    // N senders of P packets, all at once, window and buffer large enough: the leaf's port to
    // the target drains N·P packets back to back from the first arrival (ser + d), so the
    // last one left its NIC at (P−1)·ser, arrived at P·ser + d and waited (N−1)·P·ser.
    const N = 4;
    const P = 16;
    const { row, finishedPs } = explain({
      topology: oneLeaf(8),
      fabrics: [{ preset: 'ethernet', bufferBytesPerPort: '4MiB', windowBytes: '4MiB' }],
      workload: { kind: 'incast', senders: N, bytes: P * 4096, target: 0 },
    });
    const ser = serializationPs(frame, 100);
    const d = psFromNs(200);
    expect(finishedPs).toBe(2 * d + (N * P + 1) * ser);
    expect(row.partsPs).toEqual({ serialization: (P + 1) * ser, propagation: 2 * d, queueing: { nic: 0, leaf: (N - 1) * P * ser }, ...zero });
    expectExact(row, finishedPs);
    expect(row.topLinks[0]).toEqual({ link: 'leaf0→gpu0', ps: (N - 1) * P * ser + ser + d });
  });

  it('a PFC incast: the time the senders sat PAUSEd shows as paused time, within what the ports were paused in all', () => {
    const incast = (preset: string) =>
      explain({
        topology: oneLeaf(16),
        fabrics: [{ preset, cc: 'none', ecn: { enabled: false }, bufferBytesPerPort: '64KiB', windowBytes: '4MiB' }],
        workload: { kind: 'incast', senders: 12, bytes: '256KiB', target: 0 },
      });
    const lossless = incast('roce');
    expect(lossless.result.drops).toBe(0);
    expect(lossless.result.pfcPauses).toBeGreaterThan(0);
    expectExact(lossless.row, lossless.finishedPs);
    expect(lossless.row.partsPs.pfcPaused).toBeGreaterThan(0);
    expect(lossless.row.partsPs.pfcPaused).toBeLessThanOrEqual(psFromUs(lossless.result.pfcPausedUs) + 1000);
    // The bottleneck never idles, so what the last packet did not spend crossing is shared by queueing and pauses:
    const ser = serializationPs(frame, 100);
    const P = 64;
    const { queueing, pfcPaused } = lossless.row.partsPs;
    expect(queueing.nic! + queueing.leaf! + pfcPaused).toBe(lossless.finishedPs - (P + 1) * ser - 2 * psFromNs(200));
    // A FIFO port that is never paused (the NIC absorbs everything) holds a packet at most
    // as long as it takes to drain the whole shared buffer (16 ports × 64 KiB): the rest was pauses.
    const drainPs = serializationPs(16 * 64 * 1024, 100);
    expect(queueing.leaf).toBeLessThanOrEqual(drainPs);
    // The bottleneck never idles (12 × 64 packets, as the closed form of the incast above), and
    // a sender's one queue pair waits behind nothing at its NIC: most of the time was PAUSEd.
    expect(lossless.finishedPs).toBe(2 * psFromNs(200) + (12 * P + 1) * ser);
    expect(queueing.nic).toBe(0);
    expect(pfcPaused).toBeGreaterThanOrEqual(lossless.finishedPs - (P + 1) * ser - 2 * psFromNs(200) - drainPs);
    expect(pfcPaused).toBeGreaterThan(lossless.finishedPs / 2);
  });

  it('a lossy incast that drops: the completing message pays retransmission and timeout time; without drops none', () => {
    const incast = (bufferBytesPerPort: string) =>
      explain({
        topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 200 },
        fabrics: [{ preset: 'ethernet', bufferBytesPerPort }],
        workload: { kind: 'incast', senders: 24, bytes: '256KiB' },
      });
    const lossy = incast('64KiB');
    expect(lossy.result.drops).toBeGreaterThan(0);
    expectExact(lossy.row, lossy.finishedPs);
    expect(lossy.row.partsPs.retransmission).toBeGreaterThan(0);
    const deep = incast('16MiB');
    expect(deep.result.drops).toBe(0);
    expectExact(deep.row, deep.finishedPs);
    expect(deep.row.partsPs.retransmission).toBe(0);
  });

  it('a message whose every packet is lost on a failed link pays exactly one retransmission timeout, then goes again at line rate', () => {
    // gpu0 → leaf → gpu1 with the leaf's link to gpu1 down for the first 10 µs: all 16 packets
    // are lost; the timer armed by the first (t = 0) fires at RTO and go-back-N resends all.
    const { result, row, finishedPs } = explain({
      topology: oneLeaf(2),
      fabrics: [{ preset: 'ethernet', rtoUs: 320, windowBytes: '4MiB' }],
      failures: [
        { atUs: 0, link: { tier: 'leaf', switch: 0, port: 1 }, state: 'down' },
        { atUs: 10, link: { tier: 'leaf', switch: 0, port: 1 }, state: 'up' },
      ],
      workload: { kind: 'incast', senders: 1, bytes: 16 * 4096, target: 1 },
    });
    const ser = serializationPs(frame, 100);
    expect([result.timeouts, result.retransmits]).toEqual([1, 16]);
    expect(row.partsPs).toEqual({ ...zero, serialization: 17 * ser, propagation: 2 * psFromNs(200), retransmission: psFromUs(320), queueing: { nic: 0, leaf: 0 } });
    expectExact(row, finishedPs);
  });

  it('a flow paced at half line rate is throttled by exactly the gap beyond line rate of each packet after the first', () => {
    const sim = new Simulator();
    const net = new Network(sim, { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 500 }, PRESETS.ethernet!, 1, { attribution: true });
    const flow = net.openPacketFlow(0, 1);
    flow.src.setRate(flow, 50);
    const P = 8;
    let deliveredPs = -1;
    net.send(flow, P * 4096, (t) => (deliveredPs = t));
    sim.run();
    const node = net.attribution!.last!;
    const parts = node.parts!;
    const lineSer = serializationPs(frame, 100);
    expect(parts[Part.Throttled]).toBe((P - 1) * (serializationPs(frame, 50) - lineSer));
    expect(parts[Part.Serialization]).toBe((P + 1) * lineSer);
    expect(parts[Part.Propagation]).toBe(2 * psFromNs(500));
    expect(sumParts(parts)).toBe(deliveredPs);
  });

  it('DCQCN throttles an incast\'s senders (throttled time on its critical path); without congestion control there is none', () => {
    const incast = (cc: string) =>
      explain({
        topology: oneLeaf(16),
        fabrics: [{ preset: 'roce', cc, bufferBytesPerPort: '256KiB' }],
        workload: { kind: 'incast', senders: 8, bytes: '256KiB', target: 0 },
      });
    const dcqcn = incast('dcqcn');
    expect(dcqcn.result.cnps).toBeGreaterThan(0);
    expectExact(dcqcn.row, dcqcn.finishedPs);
    expect(dcqcn.row.partsPs.throttled).toBeGreaterThan(0);
    const none = incast('none');
    expectExact(none.row, none.finishedPs);
    expect(none.row.partsPs.throttled).toBe(0);
  });

  it('a message posted behind the flow\'s earlier one takes on what held the earlier one: pacing, not waiting at the NIC', () => {
    const sim = new Simulator();
    const net = new Network(sim, { kind: 'leaf-spine', gpus: 2, gpusPerLeaf: 2, oversubscription: 1, linkGbps: 100, linkDelayNs: 500 }, PRESETS.ethernet!, 1, {
      attribution: true,
    });
    const flow = net.openPacketFlow(0, 1);
    flow.src.setRate(flow, 50);
    const P = 4;
    const delivered: number[] = [];
    net.send(flow, P * 4096, (t) => delivered.push(t));
    net.send(flow, P * 4096, (t) => delivered.push(t));
    sim.run();
    const parts = net.attribution!.last!.parts!;
    const lineSer = serializationPs(frame, 100);
    expect(parts[Part.Throttled]).toBe((2 * P - 1) * (serializationPs(frame, 50) - lineSer));
    expect(parts[Part.QueueNic]).toBe(0);
    expect(parts[Part.Serialization]).toBe((2 * P + 1) * lineSer);
    expect(sumParts(parts)).toBe(delivered[1]);
  });
});

describe('where the time goes over NVLink, on the flow model, and along a collective', () => {
  const railed = (nvlinkModel: string) => ({ kind: 'rail-optimized', radix: 16, gpus: 16, gpusPerNode: 8, nvlinkGbps: 3600, nvlinkDelayNs: 300, nvlinkModel });

  it('a collective inside one server is NVLink time, whole, with either NVLink model', () => {
    for (const nvlinkModel of ['message', 'packet']) {
      const { row, finishedPs } = explain({ topology: railed(nvlinkModel), workload: { kind: 'allreduce', ranks: 8, bytes: '1MiB' } });
      expect(row.partsPs.nvlink).toBe(finishedPs);
      expectExact(row, finishedPs);
    }
  });

  it('the flow model: a lone message is path propagation + serialization; two sharing the target link are throttled by half', () => {
    const flow = (senders: number) =>
      explain({ topology: oneLeaf(4), fabrics: [{ preset: 'ethernet', model: 'flow' }], workload: { kind: 'incast', senders, bytes: '1MiB', target: 0 } });
    const lone = flow(1);
    const wire = 1024 * 1024 + 256 * 82;
    expect(lone.row.partsPs.propagation).toBe(2 * psFromNs(200));
    expect(lone.row.partsPs.serialization).toBe(serializationPs(wire, 100) + serializationPs(frame, 100));
    expect(lone.row.partsPs.throttled).toBe(0);
    expectExact(lone.row, lone.finishedPs);
    const two = flow(2);
    expectExact(two.row, two.finishedPs);
    expect(Math.abs(two.row.partsPs.throttled - serializationPs(wire, 100))).toBeLessThanOrEqual(2);
  });

  it('a ring all-reduce\'s critical path pays NCCL\'s launch and every step\'s latency, 2(n−1) steps, and adds up', () => {
    const n = 8;
    const { row, finishedPs } = explain({
      topology: { kind: 'leaf-spine', gpus: n, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 200 },
      workload: { kind: 'allreduce', algorithm: 'ring', protocol: 'simple', bytes: '256KiB' },
    });
    expectExact(row, finishedPs);
    expect(row.partsPs.stepLatency).toBe(psFromUs(8.4) + 2 * (n - 1) * psFromUs(14));
    expect(row.topLinks.length).toBe(5);
  });

  it('a job: its compute and its collectives add up to its JCT, and each collective of its iteration has its own row', () => {
    const s = spec({
      topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 200 },
      workload: { kind: 'jobs', jobs: [{ name: 'a', ranks: 8, iterations: 3, computeUs: 5, collectives: [{ kind: 'allreduce', bytes: '64KiB' }] }] },
    });
    const setup = buildModel(s, resolveFabric(s.fabrics[0]!), s.workload[0]!, undefined, { attribution: true });
    const result = finishRun(setup, setup.sim.run());
    const [row, collective] = result.attribution!;
    expect(row!.label).toBe('a');
    expect(row!.partsPs.compute).toBe(3 * psFromUs(5));
    expectExact(row!, Math.round(result.jobs![0]!.jctUs * 1e6));
    // Its one collective, over the three iterations: the JCT less the compute.
    expect(collective!.label).toBe('a collective 1');
    expectExact(collective!, row!.completionPs - 3 * psFromUs(5));
    expect(collective!.partsPs.compute).toBe(0);
  });

  it('asking changes nothing in the run: same events, same completion; not asking adds no attribution', () => {
    const document = { topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 200 }, fabrics: ['roce'], workload: { kind: 'allreduce', bytes: '512KiB' } };
    const s = spec(document);
    const run = (attribution: boolean) => {
      const setup = buildModel(s, resolveFabric(s.fabrics[0]!), s.workload[0]!, undefined, { attribution });
      return finishRun(setup, setup.sim.run());
    };
    const off = run(false);
    const on = run(true);
    expect(off.attribution).toBeUndefined();
    expect([on.events, on.completionUs, on.fctUs]).toEqual([off.events, off.completionUs, off.fctUs]);
  });
});

describe('the parts add up on every collective, NVLink model and loss recovery', () => {
  const topologies = [
    { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 200 },
    { kind: 'rail-optimized', radix: 16, gpus: 16, gpusPerNode: 8, nvlinkGbps: 3600, nvlinkDelayNs: 300, nvlinkModel: 'packet' },
  ];
  const workloads = [
    { kind: 'allreduce', algorithm: 'tree', bytes: '128KiB' },
    { kind: 'allreduce', algorithm: 'hierarchical', bytes: '128KiB', gpusPerNode: 8 },
    { kind: 'allreduce', algorithm: 'ring', protocol: 'll128', bytes: '128KiB' },
    { kind: 'alltoall', bytes: '128KiB' },
  ];
  // Go-back-N with drops (a 16 KiB buffer), PFC + DCQCN, out-of-order placement with adaptive routing.
  const fabrics = [{ preset: 'ethernet', bufferBytesPerPort: '16KiB' }, 'roce', 'spectrum-x'];
  for (const topology of topologies)
    it(`on ${topology.kind}: each row is non-negative whole picoseconds that add up to the completion time`, () => {
      let drops = 0;
      for (const workload of workloads)
        for (const fabric of fabrics) {
          const { result, row, finishedPs } = explain({ topology, fabrics: [fabric], workload });
          expectExact(row, finishedPs);
          const { queueing, ...rest } = row.partsPs;
          for (const v of [...Object.values(rest), ...Object.values(queueing)]) expect(Number.isInteger(v)).toBe(true);
          drops += result.drops;
        }
      if (topology.kind === 'leaf-spine') expect(drops).toBeGreaterThan(0);
    });
});
