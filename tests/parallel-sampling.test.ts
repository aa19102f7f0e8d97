import { describe, expect, it } from 'vitest';
import { Simulator } from '../src/engine/index.js';
import { KeyedEventQueue } from '../src/engine/parallel/keyed-event-queue.js';
import { runWindow } from '../src/engine/parallel/window-loop.js';
import { validateSpec } from '../src/experiment/load-spec.js';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runPartsInOneThread, type PartSampling } from '../src/experiment/threads/run-part.js';
import { replaySamples, Sampler, type SampleSchedule, type SampleSource } from '../src/experiment/sampler.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';
import type { FabricResult } from '../src/experiment/result.js';

/**
 * The report's samples under --threads (`--out`, `--json`): each part samples its own ports
 * and counters, finer than a sequential run would, up to the run's end; the merge adds the
 * parts up and replays the sequential sampler over them (sampler.ts: replaySamples).
 */

/** A source whose every column is a known function of time: what it reads cannot depend on who drives it. */
const synthetic: SampleSource = {
  tiers: ['leaf', 'spine'],
  tierPorts: [4, 2],
  pausePorts: 6,
  read(nowPs, into) {
    const values = [Math.floor(nowPs / 7), Math.floor(nowPs / 11), Math.floor(nowPs / 100_003), nowPs % 977, nowPs % 1_009, nowPs % 13, nowPs % 17, (nowPs % 13) * 3, (nowPs % 17) * 2];
    values.forEach((v, i) => into[1 + i]!.push(v));
  },
};

/** A sequential run's sampler as live-run drives it: at each due instant, closing at the first one at or after the finish, or at the end. */
function sequential(schedule: SampleSchedule, finishedPs: number, endPs: number) {
  const sampler = new Sampler(synthetic, schedule, 0);
  while (!sampler.closed) {
    const t = sampler.nextSamplePs;
    if (t > endPs) sampler.close(endPs);
    else if (finishedPs <= t) sampler.close(t);
    else sampler.sample(t);
  }
  return sampler.recorded();
}

/** A part's sampler: the same schedule 8× finer, driven to the run's end. */
function recordedFine(schedule: SampleSchedule, endPs: number) {
  const sampler = new Sampler(synthetic, { ...schedule, target: 8 * 256 }, 0);
  while (sampler.nextSamplePs <= endPs) sampler.sample(sampler.nextSamplePs);
  sampler.close(endPs);
  return sampler.recorded();
}

describe('replaying the sequential sampler over finer samples', () => {
  const auto: SampleSchedule = { intervalPs: 500_000, adaptive: true };
  const fixed: SampleSchedule = { intervalPs: 200_000, adaptive: false };
  // Finishing before any halving, across one and three halvings, exactly at an instant, never (a time limit), idle before the next instant.
  const cases: [string, SampleSchedule, number, number][] = [
    ['auto, short', auto, 40_300_001, 41_000_000],
    ['auto, past a halving', auto, 300_000_000, 310_000_000],
    ['auto, past three halvings', auto, 1_900_000_000, 2_400_000_000],
    ['auto, at an instant', auto, 256_000_000, 256_100_000],
    ['auto, never finished', auto, Infinity, 733_123_457],
    ['auto, idle before the next instant', auto, 100_100_000, 100_200_000],
    ['fixed', fixed, 90_000_123, 95_000_000],
  ];
  for (const [name, schedule, finishedPs, endPs] of cases)
    it(`keeps what a sequential run keeps: ${name}`, () => {
      const fine = recordedFine(schedule, endPs);
      const expected = sequential(schedule, finishedPs, endPs);
      expect(replaySamples(fine, schedule, finishedPs)).toEqual(expected);
      // Not vacuous: the parts' recording is finer than what is kept whenever the run is long enough to coarsen.
      if (schedule.adaptive && expected.intervalPs > schedule.intervalPs) expect(fine.columns[0]!.length).toBeGreaterThan(expected.columns[0]!.length);
    });
});

describe('halving the resolution later than due (a threaded part past the end of the run, window-loop.ts)', () => {
  it('keeps the same samples in the end as halving when due, wherever the halvings wait', () => {
    const schedule: SampleSchedule = { intervalPs: 1_000, adaptive: true, target: 4 };
    const endPs = 1_234_567;
    const due = new Sampler(synthetic, schedule, 0);
    const late = new Sampler(synthetic, schedule, 0);
    while (due.nextSamplePs <= endPs) due.sample(due.nextSamplePs);
    // Halvings held back at irregular stretches, as windows of uneven length would (a seeded walk).
    let held = 0;
    while (late.nextSamplePs <= endPs) {
      held = (held * 7 + 3) % 11;
      late.sample(late.nextSamplePs, held === 0);
    }
    late.coarsen();
    due.close(endPs);
    late.close(endPs);
    expect(late.recorded()).toEqual(due.recorded());
    expect(due.recorded().intervalPs).toBeGreaterThan(schedule.intervalPs * 100);
  });
});

describe('the window loop stops at the sampling instants', () => {
  it('takes each instant before the window ends, saying whether this part has events after it; with no end, only while events remain', () => {
    const seen: string[] = [];
    const observer = (stepPs: number) => {
      let nextPs = stepPs;
      return {
        get nextPs() {
          return nextPs;
        },
        at(nowPs: number, goesOn: boolean) {
          seen.push(`${nowPs}${goesOn ? '+' : '.'}`);
          nextPs += stepPs;
        },
        windowStarts: () => seen.push('|'),
      };
    };
    const queue = new KeyedEventQueue();
    queue.configure(1, 0);
    const sim = new Simulator(queue);
    const event = { onEvent: () => seen.push(`e${sim.nowPs}`) };
    sim.at(5, event, 0);
    sim.at(20, event, 0);
    runWindow(sim, 35, observer(10));
    // 10: the event at 20 is still ahead; 20: the last event ran, none after it; 30: past it, in the window.
    expect(seen).toEqual(['|', 'e5', '10+', 'e20', '20.', '30.']);
    seen.length = 0;
    sim.at(45, event, 0);
    runWindow(sim, Infinity, observer(40));
    expect(seen).toEqual(['|', '40+', 'e45']);
  });
});

/** A fat-tree of radix 4: 16 hosts, 2 per leaf; 1 µs links, 100 Gb/s. */
const FAT_TREE = { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 };
const spec = (fabric: unknown, workload: unknown, limits: unknown = {}): ExperimentSpec =>
  validateSpec({ name: 'sampled', seed: 5, topology: FAT_TREE, fabrics: [fabric], workload, limits });

const sampledRow = (s: ExperimentSpec, parts: number, sampling: PartSampling): FabricResult =>
  mergeParts(s, 0, runPartsInOneThread(s, 0, parts, { sampling }), 0);

/** Bytes over the series: Σ rate × interval (Gb/s × µs = 1e3 bits). */
const integratedBytes = (gbps: number[], tUs: number[]): number => gbps.reduce((sum, g, i) => sum + (g * (tUs[i]! - (i === 0 ? 0 : tUs[i - 1]!)) * 1e3) / 8, 0);

describe('the report under --threads: the same detail for 1, 2 and 4 parts', () => {
  const cases: [string, ExperimentSpec, PartSampling][] = [
    ['roce incast with PFC pauses, automatic interval', spec({ preset: 'roce', bufferBytesPerPort: '64KiB' }, { kind: 'incast', senders: 8, bytes: '128KiB' }), 'auto'],
    ['spectrum-x ring all-reduce (deliveries replayed across parts), 0.25 µs', spec('spectrum-x', { kind: 'allreduce', algorithm: 'ring', bytes: '1MiB' }), 0.25],
    ['ethernet permutation stopped by limits.maxTimeUs', spec('ethernet', { kind: 'permutation', bytes: '1MiB' }, { maxTimeUs: 40.5 }), 'auto'],
  ];
  for (const [name, s, sampling] of cases)
    it(name, () => {
      const one = sampledRow(s, 1, sampling);
      const detail = JSON.stringify(one.detail);
      for (const parts of [2, 4]) expect(JSON.stringify(sampledRow(s, parts, sampling).detail)).toBe(detail);

      const ts = one.detail!.timeSeries;
      expect(ts.tUs.length).toBeGreaterThan(50);
      if (sampling !== 'auto') expect(ts.intervalUs).toBe(sampling);
      if (one.completed) {
        // Closed at the first instant at or after the workload's end.
        expect(ts.tUs.at(-1)!).toBeGreaterThanOrEqual(one.completionUs);
        expect(ts.tUs.at(-1)! - one.completionUs).toBeLessThanOrEqual(ts.intervalUs);
      } else expect(ts.tUs.at(-1)).toBe(40.5);
      // Goodput over the series is every byte delivered (rates rounded to 1e-3 Gb/s: at most that over the run).
      const bound = (1e-3 * ts.tUs.at(-1)! * 1e3) / 8 + 1;
      expect(Math.abs(integratedBytes(ts.goodputGbps, ts.tUs) - one.bytesDelivered)).toBeLessThan(bound * ts.tUs.length);
      for (const q of ts.queueBytes) q.max.forEach((max, i) => expect(max).toBeGreaterThanOrEqual(q.mean[i]!));
    });

  it('the paused fraction and the bottleneck port under incast are physics, not zeros from the other parts', () => {
    const s = cases[0]![1];
    const r = sampledRow(s, 4, 'auto');
    expect(r.pfcPauses).toBeGreaterThan(0);
    expect(Math.max(...r.detail!.timeSeries.pfcPausedFraction)).toBeGreaterThan(0);
    // The target's leaf port serialized every byte at 100 Gb/s: busy ≥ 8 × 128 KiB × 8 / 100 Gb/s over the workload's time.
    const down = r.detail!.links.find((g) => g.tier === 'leaf' && g.direction === 'down')!;
    const busiest = Math.max(...down.utilization.flat());
    expect(busiest).toBeGreaterThanOrEqual((8 * 128 * 1024 * 8) / 100e3 / r.completionUs);
    expect(busiest).toBeLessThanOrEqual(1);
  });
});
