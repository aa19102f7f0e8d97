import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { NVLINK_PORT } from '../src/fabric/index.js';
import { runFirst, spec } from './helpers.js';
import { build } from './topology-helpers.js';

/** Two-tier rail-optimized, 8 GPUs per server; GPUs 0–7 share server 0, GPU 8 is server 1's GPU 0. */
const RAILS = { kind: 'rail-optimized', radix: 16, gpusPerNode: 8, gpus: 64, nvlinkGbps: 3600, nvlinkDelayNs: 300 };

function send(net: ReturnType<typeof build>['net'], src: number, dst: number, bytes: number) {
  const took = { ps: -1 };
  net.send(net.openFlow(src, dst), bytes, (t) => (took.ps = t));
  return took;
}

describe('NVLink inside a rail-optimized server', () => {
  const { mtuBytes, headerBytes } = build(RAILS).net.config;
  const frame = mtuBytes + headerBytes;

  it('a one-packet message between GPUs of one server takes 2 NVLink hops, at NVLink rate and latency', () => {
    const { sim, net } = build(RAILS);
    const took = send(net, 1, 6, 1000);
    sim.run();
    expect(took.ps).toBe(2 * (serializationPs(1000 + headerBytes, 3600) + psFromNs(300)));
  });

  it('a 4 MiB message streams at NVLink rate: (packets + 1) serializations at 3600 Gb/s plus two hops of latency', () => {
    const { sim, net } = build(RAILS);
    const bytes = 4 << 20;
    const packets = bytes / mtuBytes;
    const took = send(net, 2, 5, bytes);
    sim.run();
    // Store-and-forward pipeline: the NVSwitch forwards packet i while the NIC sends i+1.
    expect(took.ps).toBe((packets + 1) * serializationPs(frame, 3600) + 2 * psFromNs(300));
    // Nine times faster than the same message over the fabric would be at best.
    expect(took.ps * 8).toBeLessThan(packets * serializationPs(frame, 400));
    // Neither NIC's fabric port carried anything, ACKs included.
    expect(net.topology.nics[2]!.port.txBytes + net.topology.nics[5]!.port.txBytes).toBe(0);
    expect(net.topology.nics[2]!.ports[NVLINK_PORT]!.txBytes).toBe(packets * frame);
  });

  it('each NIC port has its own ready queue: NVLink and fabric traffic from one GPU do not wait for each other', () => {
    const bytes = 2 << 20;
    const alone = (dst: number) => {
      const { sim, net } = build(RAILS);
      const took = send(net, 0, dst, bytes);
      sim.run();
      return took.ps;
    };
    const { sim, net } = build(RAILS);
    const nvlink = send(net, 0, 3, bytes);
    const fabric = send(net, 0, 8, bytes); // same rail, next server: through rail 0's leaf
    sim.run();
    expect(nvlink.ps).toBe(alone(3));
    expect(fabric.ps).toBe(alone(8));
    expect(fabric.ps).toBe((bytes / mtuBytes + 1) * serializationPs(frame, 400) + 2 * psFromNs(500));
  });

  it('GPUs on different servers never use NVLink, even on the same rail', () => {
    const { sim, net } = build(RAILS);
    send(net, 3, 11, 64 << 10);
    send(net, 3, 12, 64 << 10);
    sim.run();
    for (const nic of net.topology.nics) expect(nic.ports[NVLINK_PORT]!.txBytes).toBe(0);
    expect(net.topology.hops(3, 11)).toBe(2); // rail 3's leaf
    expect(net.topology.hops(3, 12)).toBe(4); // rail 3 → spine → rail 4
  });

  it('latency percentiles and maxQueueBytes are the scale-out fabric\'s: NVLink packets and NVSwitch queues are left out', () => {
    const ring = (gpus: number) =>
      runFirst(spec({ topology: { ...RAILS, gpus }, workload: { kind: 'allreduce', bytes: '1MiB' } }));
    // One server: everything crosses NVLink, so the fabric saw no packet and no queue.
    const inServer = ring(8);
    expect(inServer.completed).toBe(true);
    expect(inServer.bytesDelivered).toBeGreaterThan(0);
    expect(inServer.latencyUs.max).toBe(0);
    expect(inServer.maxQueueBytes).toBe(0);
    // Two servers: the ring's two cross-server edges use the fabric, the other 14 NVLink
    // (≈0.6 µs a packet); only fabric packets count, each ≥ 2 hops of 400G frames and 500 ns cables.
    const twoServers = ring(16);
    const fabricHopUs = (serializationPs(frame, 400) + psFromNs(500)) / 1e6;
    expect(twoServers.latencyUs.p50).toBeGreaterThanOrEqual(2 * fabricHopUs - 0.001);
    expect(twoServers.maxQueueBytes).toBeGreaterThan(0);
  });
});
