import { describe, expect, it } from 'vitest';
import { usFromPs } from '../src/engine/index.js';
import { BASE_LATENCY_US, HW_LATENCY_US, tunedAlgBwGBps, tunedChoice, tunedLatencyUs, type Protocol } from '../src/workloads/index.js';
import { runFirst, simulate, spec } from './helpers.js';

/**
 * Issue #18: NCCL's protocols (wire bytes per data byte, per-step latency from tuning.cc)
 * and its tuning model, computed here by hand from tuning.cc's formulas and constants.
 */
const ONE_SERVER = { kind: 'rail-optimized', gpus: 8, gpusPerNode: 8, radix: 16, tiers: 2, linkGbps: 400, nvlinkGbps: 3600 };

function ringUs(protocol?: Protocol, bytes = 8192) {
  const run = simulate(spec({ topology: ONE_SERVER, fabrics: ['spectrum-x'], workload: { kind: 'allreduce', algorithm: 'ring', bytes, channels: 1, ...(protocol ? { protocol } : {}) } }));
  expect(run.workload.finished).toBe(true);
  return { us: usFromPs(run.workload.finishedPs), run };
}

describe('protocols on one 8-GPU server (every step on NVLink)', () => {
  const ideal = ringUs().us;
  it.each(['ll', 'll128', 'simple'] as const)('ring all-reduce 8 KiB, %s: adds base + 2(n−1) · NVLink step latency', (protocol) => {
    const n = 8;
    const { us } = ringUs(protocol);
    const expectedUs = BASE_LATENCY_US.ring[protocol] + 2 * (n - 1) * HW_LATENCY_US.nvlink.ring[protocol];
    // The flags' extra bytes on 1 KiB chunks cost nanoseconds: 2% covers them.
    expect(Math.abs(us - ideal - expectedUs) / expectedUs).toBeLessThan(0.02);
  });

  it('LL moves 8 B per 4 B of data and LL128 128 B per 120 B: a bandwidth-bound ring takes 2× and 16/15× the bytes', () => {
    const S = 16 << 20;
    const wire = (p?: Protocol) => ringUs(p, S).run.net.metrics.nvlinkBytesSent;
    const simple = wire('simple');
    expect(wire('ll') / simple).toBeCloseTo(2, 3);
    expect(wire('ll128') / simple).toBeCloseTo(128 / 120, 3);
  });
});

describe('NCCL’s tuning model (tuning.cc), 2 servers × 8 GPUs, 16 channels, 400 GB/s per node', () => {
  const s = { ranks: 16, nodes: 2, channels: 16, nodeGBps: 400 };
  it('latencies: ring base + 28 NVLink steps (at least 3× the 1 µs net overhead for Simple) + 2 network steps; tree 2·(7 intra + 1 inter)', () => {
    expect(tunedLatencyUs('allreduce', 'ring', 'simple', s)).toBeCloseTo(8.4 + 28 * 3.4 + 2 * 14, 9);
    expect(tunedLatencyUs('allreduce', 'ring', 'll', s)).toBeCloseTo(6.6 + 28 * 1.0 + 2 * 2.7, 9);
    expect(tunedLatencyUs('allreduce', 'tree', 'll', s)).toBeCloseTo(6.8 + 2 * (7 * 0.6 + 1 * 5.0), 9);
  });
  it('bandwidths: ring Simple busbw × n/2(n−1); LL capped at 39 GB/s; tree × 0.92, then halved', () => {
    expect(tunedAlgBwGBps('allreduce', 'ring', 'simple', s)).toBeCloseTo((400 * 16) / 30, 9);
    expect(tunedAlgBwGBps('allreduce', 'ring', 'll', s)).toBeCloseTo((39 * 16) / 30, 9);
    expect(tunedAlgBwGBps('allreduce', 'ring', 'll128', s)).toBeCloseTo((400 * 0.92 * 16) / 30, 9);
    expect(tunedAlgBwGBps('allreduce', 'tree', 'simple', s)).toBeCloseTo(400 * 0.92 * 0.5, 9);
  });
  it('picks tree/LL at 8 KiB, and ring at 1 GiB', () => {
    expect(tunedChoice('allreduce', 8192, s)).toMatchObject({ algorithm: 'tree', protocol: 'll' });
    expect(tunedChoice('allreduce', 1 << 30, s).algorithm).toBe('ring');
  });
  it('a run with algorithm and protocol auto labels its row with the choice', () => {
    const r = runFirst(spec({ topology: { ...ONE_SERVER, gpus: 16 }, fabrics: ['spectrum-x'], workload: { kind: 'allreduce', algorithm: 'auto', protocol: 'auto', bytes: 8192 } }));
    expect(r.completed).toBe(true);
    expect(r.workload).toMatch(/→ tree\/ll x16$/);
  });
});
