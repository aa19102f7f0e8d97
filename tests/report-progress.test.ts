import { describe, expect, it } from 'vitest';
import { bar, describeProgress, describeRunning, etaMs, progressWriter } from '../src/cli/progress.js';
import { buildModel, resolveFabric, validateSpec, type Progress } from '../src/experiment/index.js';
import { progressOf } from '../src/experiment/live-run.js';

const progress = (over: Partial<Progress> = {}): Progress => ({
  fabric: 'roce',
  workload: 'permutation 2MiB',
  run: 2,
  runs: 6,
  simUs: 123.456,
  delivered: 0.25,
  events: 3_000_000,
  wallMs: 1_500,
  ...over,
});

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 100, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress', () => {
  it('tells simulated time, share delivered, events/s and the time left', () => {
    expect(describeProgress(progress())).toBe('roce (2/6) t=123.5 µs · 25% delivered · 2.0 M events/s · ETA 5 s');
    expect(etaMs(progress({ delivered: 0 }))).toBeUndefined();
    expect(describeProgress(progress({ delivered: 0 }))).toMatch(/ETA \?$/);
    expect(bar(0.5, 10)).toBe('[#####.....]');
  });

  it('extrapolates the recent delivery rate: cheap bytes first (NVLink) do not promise a quick end', () => {
    // 90% in the first 10 s, then 1% per 10 s: 9% left is 90 s, not the 1.1 s the average says.
    const early = progress({ delivered: 0.9, wallMs: 10_000 });
    const now = progress({ delivered: 0.91, wallMs: 20_000 });
    expect(etaMs(now)).toBeCloseTo((20_000 * 0.09) / 0.91, 6);
    expect(etaMs(now, early)).toBeCloseTo(90_000, 6);
    // A report of another run is not a reference.
    expect(etaMs(now, { ...early, run: 1 })).toBe(etaMs(now));
  });

  it('on a terminal, redraws one bar in place and clears it before other lines', () => {
    const { stream, writes } = fakeStream(true);
    const writer = progressWriter(stream);
    writer.update(progress());
    writer.update(progress({ delivered: 0.5 }));
    writer.log('fabsim: roce done');
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[######\.+\] roce \(2\/6\)/);
    expect(writes[1]).toMatch(/^\r\x1b\[2K\[#{12}\.{12}\]/);
    expect(writes.slice(2)).toEqual(['\r\x1b[2K', 'fabsim: roce done\n']);
    for (const w of writes.slice(0, 2)) expect(w.length).toBeLessThan(100 + 8);
  });

  it('elsewhere (a log, CI), writes a plain line every few seconds', () => {
    let nowMs = 0;
    const { stream, writes } = fakeStream(false);
    const writer = progressWriter(stream, () => nowMs);
    for (nowMs = 0; nowMs <= 12_000; nowMs += 200) writer.update(progress());
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe('fabsim: roce (2/6) t=123.5 µs · 25% delivered · 2.0 M events/s · ETA 5 s\n');
    expect(writes.join('')).not.toMatch(/\r|\x1b/);
  });

  it('several runs at once (run --jobs N): one line with each run and the events/s of all, one bar for the whole experiment', () => {
    const a = progress({ fabric: 'ethernet', run: 1, delivered: 0.5, events: 2_000_000, wallMs: 1_000 });
    const b = progress({ fabric: 'roce', run: 2, delivered: 0, events: 1_000_000, wallMs: 1_000 });
    // ETA of a: 1 s × (1 − 0.5) / 0.5 = 1 s; b has delivered nothing yet.
    expect(describeRunning([a, b])).toBe('ethernet (1/6) 50% ETA 1 s | roce (2/6) 0% ETA ? · 3.0 M events/s');
    const { stream, writes } = fakeStream(true);
    progressWriter(stream).updateAll([a, b], 3, 6);
    // (3 runs done + 0.5 + 0) / 6 = 7/12 of 24 cells = 14.
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[#{14}\.{10}\] ethernet \(1\/6\) 50%/);
  });
});

describe('progress against totals known before the run', () => {
  const N = 16;
  const S = 256 * 1024;
  const topology = { kind: 'leaf-spine', gpus: N, gpusPerLeaf: 8, linkGbps: 100 };
  // The laws, by hand: an all-reduce moves 2(N−1)·S between its ranks, the others (N−1)·S.
  const allReduce = (n: number, s: number) => 2 * (n - 1) * s;
  const gather = (n: number, s: number) => (n - 1) * s;

  /** Steps the run 500 events at a time; every progress share on the way, and the workload. */
  function shares(workload: Record<string, unknown>) {
    const s = validateSpec({ name: 'p', seed: 1, topology, fabrics: ['ethernet'], workload });
    const setup = buildModel(s, resolveFabric(s.fabrics[0]!));
    const seen: number[] = [progressOf(setup, 1, 1).delivered];
    const before: boolean[] = [];
    while (setup.sim.run({ maxEvents: setup.sim.events + 500 }) !== 'idle') {
      seen.push(progressOf(setup, 1, 1).delivered);
      before.push(!setup.workload.finished);
    }
    seen.push(progressOf(setup, 1, 1).delivered);
    return { seen, unfinishedShares: seen.slice(1, -1).filter((_, i) => before[i]), workload: setup.workload };
  }

  it.each([
    [{ kind: 'allreduce', algorithm: 'ring', bytes: S }, allReduce(N, S)],
    [{ kind: 'allreduce', algorithm: 'ring', bytes: S, protocol: 'll128' }, allReduce(N, S)],
    [{ kind: 'allreduce', algorithm: 'tree', bytes: S }, allReduce(N, S)],
    [{ kind: 'allreduce', algorithm: 'halving-doubling', bytes: S }, allReduce(N, S)],
    [{ kind: 'allreduce', algorithm: 'hierarchical', bytes: S }, allReduce(N, S)],
    [{ kind: 'allreduce', algorithm: 'auto', protocol: 'auto', bytes: S }, allReduce(N, S)],
    [{ kind: 'allgather', bytes: S }, gather(N, S)],
    [{ kind: 'reducescatter', bytes: S }, gather(N, S)],
    [{ kind: 'alltoall', bytes: S }, gather(N, S)],
    [{ kind: 'broadcast', bytes: S }, gather(N, S)],
  ])('%o: its total is the law before it starts, progress rises monotonically below 100% and ends at exactly 100%', (workload, planned) => {
    const { seen, unfinishedShares, workload: w } = shares(workload);
    expect(w.plannedBytes).toBe(planned);
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(unfinishedShares.length).toBeGreaterThan(2);
    for (const share of unfinishedShares) expect(share).toBeLessThan(1);
    expect(seen.at(-1)).toBe(1);
    expect(w.deliveredBytes).toBe(planned); // not clamped: every message counted once
    // What its ranks sent in all is the law: the total was not a guess.
    const sent = (w as { sentBytes?: Float64Array }).sentBytes;
    if (sent) expect(sent.reduce((a, b) => a + b, 0)).toBe(planned);
  });

  it('PXN relays count each message once (its NVLink leg to the relay GPU is not progress): all-to-all on two 8-GPU servers ends at exactly its law', () => {
    const s = validateSpec({
      name: 'p',
      seed: 1,
      topology: { kind: 'rail-optimized', gpus: 16, gpusPerNode: 8, radix: 16 },
      fabrics: ['ethernet'],
      workload: { kind: 'alltoall', bytes: S, pxn: true },
    });
    const setup = buildModel(s, resolveFabric(s.fabrics[0]!));
    const seen: number[] = [];
    while (setup.sim.run({ maxEvents: setup.sim.events + 500 }) !== 'idle') seen.push(progressOf(setup, 1, 1).delivered);
    seen.push(progressOf(setup, 1, 1).delivered);
    expect(setup.workload.plannedBytes).toBe(gather(16, S));
    expect(setup.workload.deliveredBytes).toBe(gather(16, S));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen.at(-1)).toBe(1);
  });

  it('jobs (background traffic aside): the sum of each job\'s iterations × its collectives\' laws, not "100%" from the start', () => {
    const jobs = [
      { ranks: 8, iterations: 2, computeUs: 5, collectives: [{ kind: 'allreduce', bytes: S }, { kind: 'alltoall', bytes: S / 2 }] },
      { ranks: 4, iterations: 3, collectives: [{ kind: 'allgather', bytes: S }] },
    ];
    const { seen, unfinishedShares, workload } = shares({ kind: 'jobs', jobs, background: { load: 0.2, durationUs: 50 } });
    expect(workload.plannedBytes).toBe(2 * (allReduce(8, S) + gather(8, S / 2)) + 3 * gather(4, S));
    expect(seen[0]).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(unfinishedShares.length).toBeGreaterThan(2);
    for (const share of unfinishedShares) expect(share).toBeLessThan(1);
    expect(seen.at(-1)).toBe(1);
  });
});
