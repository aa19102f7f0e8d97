import { describe, expect, it } from 'vitest';
import { runExperiment, runExperimentLive, type ExperimentResult, type TimeSeries } from '../src/experiment/index.js';
import { spec } from './helpers.js';

/** The result without what sampling adds (detail) or what never repeats (wall time). */
const comparable = (r: ExperimentResult) => JSON.stringify({ ...r, results: r.results.map(({ wallMs: _w, detail: _d, ...rest }) => rest) });

const intervals = (ts: TimeSeries) => ts.tUs.map((t, i) => t - (i === 0 ? 0 : ts.tUs[i - 1]!));

// Drops (shallow ethernet), PFC pauses and ECN (roce), adaptive routing (spectrum-x), two workloads.
const lossy = spec({
  topology: { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, oversubscription: 2, linkGbps: 100 },
  fabrics: [
    { preset: 'ethernet', bufferBytesPerPort: '32KiB' },
    { preset: 'roce', bufferBytesPerPort: '64KiB' },
    'spectrum-x',
  ],
  workload: [
    { kind: 'incast', senders: 12, bytes: '128KiB' },
    { kind: 'allreduce', bytes: '512KiB', channels: 2 },
  ],
});

describe('sampling does not perturb the run', () => {
  it('sampled (automatic or fixed interval) and unsampled runs give identical results', async () => {
    const plain = comparable(runExperiment(lossy));
    expect(comparable(await runExperimentLive(lossy, { sampling: 'auto' }))).toBe(plain);
    expect(comparable(await runExperimentLive(lossy, { sampling: 0.1 }))).toBe(plain);
    expect(comparable(await runExperimentLive(lossy, { sampling: 'off' }))).toBe(plain);
  });

  it('a run stopped by a time or event limit stops at the same place', async () => {
    for (const limits of [{ maxTimeUs: 23.4567 }, { maxEvents: 12_345 }]) {
      const limited = { ...lossy, limits };
      const plain = runExperiment(limited);
      expect(plain.results.some((r) => !r.completed)).toBe(true);
      expect(comparable(await runExperimentLive(limited))).toBe(comparable(plain));
    }
  });
});

describe('time series', () => {
  it('the automatic interval gives a few hundred samples, no finer than a packet time, evenly spaced, up to the end of the workload', async () => {
    const result = await runExperimentLive(lossy);
    for (const r of result.results) {
      const ts = r.detail!.timeSeries;
      // Never finer than a packet time (4178 B at 100 Gb/s = 0.33 µs, rounded up to 0.5):
      // a rate over less is noise. These runs last over 256 such intervals.
      expect(ts.intervalUs).toBeGreaterThanOrEqual(0.5);
      expect(ts.tUs.length).toBeGreaterThan(256);
      expect(ts.tUs.length).toBeLessThanOrEqual(512);
      const dt = intervals(ts);
      // Every interval is the sampling interval but the last, which closes at the end.
      for (const d of dt.slice(0, -1)) expect(d).toBeCloseTo(ts.intervalUs, 6);
      expect(dt.at(-1)!).toBeGreaterThan(0);
      expect(dt.at(-1)!).toBeLessThanOrEqual(ts.intervalUs + 1e-6);
      // The series stops within one interval of completion: an idle tail of timers says nothing.
      expect(ts.tUs.at(-1)!).toBeGreaterThanOrEqual(r.completionUs);
      expect(ts.tUs.at(-1)! - r.completionUs).toBeLessThanOrEqual(ts.intervalUs);
    }
  });

  it('a fixed interval samples at its multiples', async () => {
    const result = await runExperimentLive(lossy, { sampling: 0.5 });
    const ts = result.results[0]!.detail!.timeSeries;
    expect(ts.intervalUs).toBe(0.5);
    ts.tUs.slice(0, -1).forEach((t, i) => expect(t).toBeCloseTo(0.5 * (i + 1), 9));
  });

  it('counts add up to the result: drops, delivered bytes; in-flight bytes are never negative', async () => {
    const result = await runExperimentLive(lossy);
    for (const r of result.results) {
      const ts = r.detail!.timeSeries;
      const dt = intervals(ts);
      expect(ts.drops.reduce((a, b) => a + b, 0)).toBe(r.drops);
      const deliveredBytes = ts.goodputGbps.reduce((sum, gbps, i) => sum + (gbps * dt[i]! * 1e3) / 8, 0);
      expect(deliveredBytes / r.bytesDelivered).toBeCloseTo(1, 3);
      expect(Math.min(...ts.inFlightBytes)).toBeGreaterThanOrEqual(0);
      for (const f of ts.pfcPausedFraction) expect(f >= 0 && f <= 1).toBe(true);
      for (const q of ts.queueBytes) q.max.forEach((max, i) => expect(max).toBeGreaterThanOrEqual(q.mean[i]!));
    }
    const [ethernetIncast, roceIncast] = result.results;
    expect(ethernetIncast!.drops).toBeGreaterThan(0);
    expect(Math.max(...ethernetIncast!.detail!.timeSeries.pfcPausedFraction)).toBe(0);
    expect(roceIncast!.pfcPauses).toBeGreaterThan(0);
    expect(Math.max(...roceIncast!.detail!.timeSeries.pfcPausedFraction)).toBeGreaterThan(0);
  });
});

describe('link utilization', () => {
  it('an incast saturates the one downlink to its target and leaves its neighbours nearly idle', async () => {
    const incast = spec({
      topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, linkGbps: 100 },
      fabrics: ['roce'],
      workload: { kind: 'incast', senders: 6, bytes: '256KiB', target: 3 },
    });
    const [r] = (await runExperimentLive(incast)).results;
    const links = r!.detail!.links;
    expect(links.map((g) => `${g.tier}/${g.direction}`)).toEqual(['leaf/up', 'leaf/down', 'spine/down']);
    const leafDown = links.find((g) => g.tier === 'leaf' && g.direction === 'down')!;
    expect(leafDown.switches).toEqual(['leaf0', 'leaf1']);
    const row = leafDown.utilization[0]!;
    expect(row).toHaveLength(8);
    // 6 × 256 KiB through one 100 Gb/s port: it is the bottleneck, busy nearly all the time.
    expect(row[3]!).toBeGreaterThan(0.9);
    expect(row[3]!).toBeLessThanOrEqual(1);
    for (const [i, u] of row.entries()) if (i !== 3) expect(u).toBeLessThan(0.05);
  });
});
