import { describe, expect, it } from 'vitest';
import { validateSpec } from '../src/experiment/load-spec.js';
import { runExperiment } from '../src/experiment/index.js';
import { mergeParts } from '../src/experiment/threads/merge-parts.js';
import { runPartsInOneThread, type PartResult } from '../src/experiment/threads/run-part.js';
import { threadsProblem } from '../src/experiment/threads/threads-support.js';
import type { ExperimentSpec } from '../src/experiment/spec.js';

/**
 * Link and switch failures under --threads: every replica marks the failed ports and links
 * (a cut link's wire is on the receiving thread), only a port's own thread wakes it, and the
 * windows break at each failure's time, so a packet put on a link before it fails has reached
 * the far end's thread and is lost there, as on one thread (window-loop.ts, Link.arriveFromThread).
 */

const FAT_TREE = { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 };
const LEAF_SPINE = { kind: 'leaf-spine', gpus: 32, gpusPerLeaf: 8, linkGbps: 100, linkDelayNs: 500 };

const spec = (topology: unknown, fabric: unknown, workload: unknown, failures: unknown[]): ExperimentSpec =>
  validateSpec({ name: 'failures', seed: 3, topology, fabrics: [fabric], workload, failures });

const row = (s: ExperimentSpec, parts: PartResult[]) => JSON.stringify({ ...mergeParts(s, 0, parts, 0), wallMs: 0 });

/** A counter summed over the parts (each counts what its own nodes did). */
const sum = (parts: PartResult[], key: string) => parts.reduce((total, p) => total + (p.metrics[key] as number), 0);

const cases: [string, ExperimentSpec][] = [
  [
    'ECMP permutation, a leaf uplink down mid-run',
    spec(FAT_TREE, 'ethernet', { kind: 'permutation', bytes: '1MiB' }, [{ atUs: 20, link: { tier: 'leaf', switch: 0, port: 2 }, state: 'down' }]),
  ],
  [
    'roce permutation, a spine switch down then up, routing reconverging in 10 µs',
    spec(FAT_TREE, { preset: 'roce', routingReconvergeUs: 10 }, { kind: 'permutation', bytes: '1MiB' }, [
      { atUs: 15, switch: { tier: 'spine', index: 0 }, state: 'down' },
      { atUs: 60, switch: { tier: 'spine', index: 0 }, state: 'up' },
    ]),
  ],
  [
    'spectrum-x ring all-reduce, spine links down from the start and a leaf link degraded',
    spec(LEAF_SPINE, 'spectrum-x', { kind: 'allreduce', algorithm: 'ring', bytes: '2MiB' }, [
      { atUs: 0, random: { tier: 'spine', linksPercent: 10 }, state: 'down' },
      { atUs: 30, link: { tier: 'leaf', switch: 1, port: 8 }, state: 'degraded', rateGbps: 25 },
    ]),
  ],
  [
    'roce incast with PFC pauses, the link of a paused sender down then up',
    spec(LEAF_SPINE, { preset: 'roce', bufferBytesPerPort: '64KiB', routingReconvergeUs: 5 }, { kind: 'incast', senders: 20, bytes: '256KiB' }, [
      { atUs: 10, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'down' },
      { atUs: 40, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'up' },
    ]),
  ],
  [
    // Down for less than the lookahead: without a window break at the failure, a packet put on the cut link before it
    // reaches the far end's thread only after the link is up again, and arrives when it should have been lost.
    'sprayed ethernet, a cut leaf-spine link down for 0.5 µs with 2 µs links',
    spec({ ...LEAF_SPINE, linkDelayNs: 2000 }, { preset: 'ethernet', routing: 'spray' }, { kind: 'permutation', bytes: '1MiB' }, [
      { atUs: 11.3, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'down' },
      { atUs: 11.8, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'up' },
    ]),
  ],
];

describe('failures on threads: byte-identical rows for 1, 2 and 4 parts', () => {
  for (const [name, s] of cases)
    it(name, () => {
      expect(threadsProblem(s, { threads: 4 })).toBeNull();
      const one = runPartsInOneThread(s, 0, 1);
      const expected = row(s, one);
      for (const n of [2, 4]) {
        const parts = runPartsInOneThread(s, 0, n);
        expect(row(s, parts)).toBe(expected);
        // Every payload byte a NIC sent arrived or was dropped, on exactly one thread.
        expect(sum(parts, 'dataBytesSent')).toBe(sum(parts, 'dataBytesArrived') + sum(parts, 'dataBytesDropped'));
        expect(sum(parts, 'dataPacketsDropped')).toBe(sum(parts, 'drops') + sum(parts, 'failureDrops'));
      }
      const r = JSON.parse(expected);
      expect(r.completed).toBe(true);
      if (s.failures.some((f) => f.state === 'down' && f.atUs > 0)) expect(r.failureDrops).toBeGreaterThan(0);
    });

  it('ECMP without random draws: the same run as without threads, to the picosecond and the lost packet', () => {
    const s = cases[0]![1];
    const threaded = JSON.parse(row(s, runPartsInOneThread(s, 0, 2)));
    const sequential = runExperiment(s).results[0]!;
    expect(threaded.completionUs).toBe(sequential.completionUs);
    expect(threaded.failureDrops).toBe(sequential.failureDrops);
    expect(threaded.bytesDropped).toBe(sequential.bytesDropped);
  });
});
