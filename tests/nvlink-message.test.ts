import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { NVLINK_PORT, type Switch } from '../src/fabric/index.js';
import { resolveFabric, Sampler, simulateFabric, validateSpec } from '../src/experiment/index.js';
import { build } from './topology-helpers.js';

/**
 * `nvlinkModel: message` (the default) moves a message through a server's NVSwitch as a
 * whole, through a FIFO per GPU egress and per NVSwitch port down to a GPU; `packet` sends
 * it frame by frame. Uncontended, both give the same time to the picosecond; contended or
 * inside a collective, the same totals; the message model costs a fraction of the events.
 */
const RAILS = { kind: 'rail-optimized', radix: 16, gpusPerNode: 8, gpus: 64, nvlinkGbps: 3600, nvlinkDelayNs: 300 };
const rails = (nvlinkModel: 'packet' | 'message') => ({ ...RAILS, nvlinkModel });

/** Posts every [src, dst, bytes] at time 0 and returns each delivery time and the events it took. */
function deliver(nvlinkModel: 'packet' | 'message', messages: [number, number, number][]) {
  const { sim, net } = build(rails(nvlinkModel));
  const doneAtPs = messages.map(() => -1);
  messages.forEach(([src, dst, bytes], i) => net.send(net.openFlow(src, dst), bytes, (t) => (doneAtPs[i] = t)));
  sim.run();
  return { doneAtPs, events: sim.events, net };
}

describe('NVLink per message', () => {
  it.each([1, 1000, 4096, 4097, 3 * 4096 + 17, 1 << 20])('one %i-byte message: the packet model’s time to the ps', (bytes) => {
    const packet = deliver('packet', [[1, 6, bytes]]).doneAtPs[0];
    const message = deliver('message', [[1, 6, bytes]]);
    expect(message.doneAtPs[0]).toBe(packet);
    // Two events per message (at the NVSwitch port, delivered), whatever its size.
    expect(message.events).toBe(2);
  });

  it('messages queued on one GPU leave back to back: the k-th of equal size ends k wire times after the first starts', () => {
    const bytes = 256 << 10;
    const { net } = build(rails('message'));
    const { mtuBytes, headerBytes } = net.config;
    const wirePs = (bytes / mtuBytes) * serializationPs(mtuBytes + headerBytes, 3600);
    const { doneAtPs } = deliver('message', [
      [0, 1, bytes],
      [0, 2, bytes],
      [0, 3, bytes],
    ]);
    const alone = deliver('message', [[0, 1, bytes]]).doneAtPs[0]!;
    expect(doneAtPs).toEqual([alone, alone + wirePs, alone + 2 * wirePs]);
  });

  it('the port down to a GPU serves messages in arrival order: one posted later but arriving first does not wait', () => {
    const big = 1 << 20;
    const small = 4096;
    // GPU 1's egress is busy with a big message to GPU 2, so its message to GPU 0 reaches
    // GPU 0's port late; GPU 3's message to GPU 0, posted after it, gets there first.
    const { doneAtPs } = deliver('message', [
      [1, 2, big],
      [1, 0, small],
      [3, 0, small],
    ]);
    const alone = deliver('message', [[3, 0, small]]).doneAtPs[0]!;
    expect(doneAtPs[2]).toBe(alone);
    expect(doneAtPs[1]).toBeGreaterThan(doneAtPs[0]!); // behind the big one on GPU 1's egress
  });

  it('seven GPUs into one (in-server incast): the last delivery matches the packet model within 1%, and bytes are conserved', () => {
    const bytes = 1 << 20;
    const senders: [number, number, number][] = [1, 2, 3, 4, 5, 6, 7].map((src) => [src, 0, bytes]);
    const packet = deliver('packet', senders);
    const message = deliver('message', senders);
    const last = (t: number[]) => Math.max(...t);
    expect(last(message.doneAtPs) / last(packet.doneAtPs)).toBeGreaterThan(0.99);
    expect(last(message.doneAtPs) / last(packet.doneAtPs)).toBeLessThan(1.01);
    // The receiving GPU's NVSwitch port is the bottleneck: 7 messages at NVLink rate, plus latency.
    const { mtuBytes, headerBytes } = message.net.config;
    const framePs = serializationPs(mtuBytes + headerBytes, 3600);
    expect(last(message.doneAtPs)).toBeGreaterThanOrEqual(7 * (bytes / mtuBytes) * framePs + 2 * psFromNs(300));
    const m = message.net.metrics;
    expect(m.bytesDelivered).toBe(7 * bytes);
    expect(m.dataBytesSent).toBe(m.dataBytesArrived);
    expect(m.dataPacketsSent).toBe(7 * (bytes / mtuBytes));
    // Busy time lands on the NVLink ports, so utilization reports still see the load.
    const toGpu0 = message.net.topology.nics[0]!.ports[NVLINK_PORT]!.link;
    const nvswitchPort = (toGpu0.to as Switch).ports[toGpu0.toPort]!;
    expect(nvswitchPort.busyPs).toBe(7 * (bytes / mtuBytes) * framePs);
    expect(message.net.topology.nics[3]!.ports[NVLINK_PORT]!.busyPs).toBe((bytes / mtuBytes) * framePs);
  });

  it.each([
    ['tree', 'spectrum-x'],
    ['ring', 'roce'],
  ])('hierarchical all-reduce (%s across nodes, %s): within 2 percent of the packet model, at under a quarter of the events', (interNode, fabric) => {
    const run = (nvlinkModel: string) => {
      const spec = validateSpec({
        name: 'nvlink',
        seed: 1,
        topology: { ...RAILS, gpus: 128, linkGbps: 400, linkDelayNs: 500, nvlinkModel },
        fabrics: [fabric],
        workload: { kind: 'allreduce', algorithm: 'hierarchical', interNode, bytes: '4MiB' },
      });
      const { workload, net } = simulateFabric(spec, resolveFabric(spec.fabrics[0]!), spec.workload[0]);
      expect(workload.finished).toBe(true);
      expect(net.metrics.bytesDelivered).toBe(workload.totalBytes);
      return { ps: workload.finishedPs, events: net.sim.events };
    };
    const packet = run('packet');
    const message = run('message');
    expect(Math.abs(message.ps / packet.ps - 1)).toBeLessThan(0.02);
    expect(message.events * 4).toBeLessThan(packet.events);
  });

  it('the throughput series count the scale-out fabric only, however NVLink is modelled', () => {
    const arrived = (nvlinkModel: 'packet' | 'message') => {
      const { sim, net } = build(rails(nvlinkModel));
      const sampler = Sampler.of(net, 1);
      net.send(net.openFlow(0, 1), 1 << 20); // NVLink
      net.send(net.openFlow(0, 8), 64 << 10); // over the fabric, same rail
      for (let t = 1; sim.pendingEvents > 0; t++) {
        sim.runUntil(t * 1_000_000);
        sampler.sample(sim.nowPs);
      }
      const gbps = sampler.timeSeries().rxGbps;
      return gbps.reduce((a, b) => a + b, 0) * 1e-6 * (1e9 / 8); // Σ Gb/s × 1 µs → bytes
    };
    for (const model of ['packet', 'message'] as const) expect(arrived(model)).toBeCloseTo(64 << 10, -1);
  });

  it('the time series has NVSwitch queues only when NVLink is modelled per frame', () => {
    const tiers = (nvlinkModel: 'packet' | 'message') => {
      const { net } = build(rails(nvlinkModel));
      return Sampler.of(net).timeSeries().queueBytes.map((q) => q.tier);
    };
    expect(tiers('packet')).toContain('nvlink');
    expect(tiers('message')).not.toContain('nvlink');
    expect(tiers('message')).toContain('leaf');
  });

  it('rejects an unknown nvlinkModel, naming the field', () => {
    expect(() => build({ ...RAILS, nvlinkModel: 'flit' })).toThrow(/nvlinkModel.*"packet" or "message"/);
  });
});
