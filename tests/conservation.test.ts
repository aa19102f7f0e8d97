import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { Network } from '../src/fabric/index.js';
import { createWorkload, resolveFabric, type ExperimentSpec } from '../src/experiment/index.js';
import { simulate, spec } from './helpers.js';


describe('conservation of packets and bytes', () => {
  it.each([
    ['a permutation on a 4:1 oversubscribed fabric', '24KiB', { kind: 'permutation', bytes: '512KiB' }],
    ['a 15→1 incast', '24KiB', { kind: 'incast', senders: 15, bytes: '256KiB' }],
    ['a ring all-reduce over 4 channels', '2KiB', { kind: 'allreduce', bytes: '4MiB', channels: 4 }],
  ])('%s with %s of buffer per port: sent = delivered + dropped, every message completes', (_label, buffer, workload) => {
    const { net, workload: w, stop, m } = simulate(
      spec({
        topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, oversubscription: 4, linkGbps: 100, linkDelayNs: 200 },
        fabrics: [{ preset: 'ethernet', bufferBytesPerPort: buffer }],
        workload,
      }),
    );
    expect(stop).toBe('idle');
    expect(w.finished).toBe(true);
    expect(m.messagesDelivered).toBe(m.messagesPosted);
    expect(m.bytesDelivered).toBe(w.totalBytes);
    // Every data packet put on a wire either reached its NIC or was dropped on the way.
    expect(m.dataPacketsSent).toBe(m.dataPacketsArrived + m.dataPacketsDropped);
    expect(m.dataBytesSent).toBe(m.dataBytesArrived + m.dataBytesDropped);
    // The tiny buffer really did force losses, and go-back-N resent what was lost.
    expect(m.drops).toBeGreaterThan(0);
    expect(m.retransmits).toBeGreaterThan(0);
    expect(m.dataBytesSent).toBeGreaterThan(w.totalBytes);
    // Nothing is left behind: every switch buffer drained, every packet returned to the pool.
    for (const sw of net.topology.switches) {
      expect(sw.bufferBytes).toBe(0);
      expect(sw.buffer.usedBytes).toBe(0);
    }
  });
});

describe('incast on lossy ethernet with a small buffer', () => {
  it('drops, retransmits, and still delivers every byte', () => {
    const { w, m } = (() => {
      const r = simulate(
        spec({
          topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 16, linkGbps: 400 },
          fabrics: [{ preset: 'ethernet', bufferBytesPerPort: '8KiB' }],
          workload: { kind: 'incast', senders: 8, bytes: '1MiB' },
        }),
      );
      return { w: r.workload, m: r.m };
    })();
    expect(w.finished).toBe(true);
    expect(m.drops).toBeGreaterThan(0);
    expect(m.retransmits).toBeGreaterThan(0);
    expect(m.bytesDelivered).toBe(8 * 2 ** 20);
  });

  it('with an ample buffer drops nothing, and finishes no faster than the receiver link allows', () => {
    const { net, workload: w, m } = simulate(
      spec({
        topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 16, linkGbps: 400 },
        workload: { kind: 'incast', senders: 8, bytes: '1MiB' },
      }),
    );
    expect(m.drops).toBe(0);
    expect(m.retransmits).toBe(0);
    const payloadPerUs = (400e3 / 8) * (4096 / (4096 + net.config.headerBytes));
    expect(w.finishedPs / 1e6).toBeGreaterThan((8 * 2 ** 20) / payloadPerUs);
  });
});

describe('per-packet spraying under go-back-N', () => {
  it('reorders without any loss: out-of-order discards and retransmissions, yet every byte arrives once in order', () => {
    const { workload: w, m } = simulate(
      spec({
        topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 200 },
        fabrics: [{ preset: 'ethernet', routing: 'spray' }],
        workload: { kind: 'permutation', bytes: '1MiB' },
      }),
    );
    expect(w.finished).toBe(true);
    expect(m.drops).toBe(0);
    expect(m.outOfOrderDiscards).toBeGreaterThan(0);
    expect(m.retransmits).toBeGreaterThan(0);
    expect(m.dataPacketsSent).toBe(m.dataPacketsArrived);
    expect(m.bytesDelivered).toBe(w.totalBytes);
  });
});
