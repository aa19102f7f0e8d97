import { describe, expect, it } from 'vitest';
import { runExperimentLive } from '../src/experiment/index.js';
import { renderReport } from '../src/report/index.js';
import { failureLabel } from '../src/report/html/failure-marks.js';
import { spec } from './helpers.js';

const FAILURES = [
  { atUs: 0, random: { tier: 'spine', linksPercent: 10 }, state: 'down' },
  { atUs: 4, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'down' },
  { atUs: 4, link: { tier: 'leaf', switch: 1, port: 0 }, state: 'degraded', rateGbps: 50 },
  { atUs: 9, link: { tier: 'leaf', switch: 0, port: 9 }, state: 'up' },
  // Long after the run: no chart reaches it.
  { atUs: 1_000_000, switch: { tier: 'spine', index: 2 }, state: 'down' },
];
const experiment = spec({
  topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, linkGbps: 100 },
  fabrics: [{ preset: 'ethernet', routingReconvergeUs: 5 }, { preset: 'ethernet', model: 'flow', routingReconvergeUs: 5 }],
  workload: { kind: 'permutation', bytes: '128KiB' },
  failures: FAILURES,
});
const result = await runExperimentLive(experiment, { sampling: 1 });
const page = renderReport(result);

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const timeSeries = [...page.matchAll(/<svg([^>]*data-chart="time-series"[^>]*)>(.*?)<\/svg>/gs)].map(([, open, body]) => ({ open: open!, body: body! }));

describe('failure marks on the report time series', () => {
  it('the result carries the spec\'s failures; a spec without failures has none and no marks', async () => {
    expect(result.failures).toEqual(experiment.failures);
    const plain = await runExperimentLive(spec({ ...experiment, failures: [] } as unknown as Record<string, unknown>), { sampling: 1 });
    expect('failures' in plain).toBe(false);
    expect(renderReport(plain)).not.toMatch(/class="x-mark/);
  });

  it('every time-series chart of both models has a vertical mark at each failure instant on its x scale, labelled with what failed', () => {
    // packet: 6 metrics; flow: throughput and goodput.
    expect(timeSeries).toHaveLength(8);
    for (const chart of timeSeries) {
      const marks = [...chart.body.matchAll(/<g class="x-mark" data-x="([^"]+)" data-label="([^"]+)"><title>[^<]*<\/title><line x1="([^"]+)"/g)].map(([, x, label, px]) => ({
        x: Number(x),
        label: unescape(label!),
        px: Number(px),
      }));
      // Instants 0, 4 (two events on one line) and 9; the one at 1 s lies beyond every series.
      expect(marks.map((m) => m.x)).toEqual([0, 4, 9]);
      expect(marks[1]!.label).toBe('leaf 0 port 9 down; leaf 1 port 0 degraded to 50 Gb/s');
      expect(marks[0]!.label).toBe('10% of spine links down');
      expect(marks[2]!.label).toBe('leaf 0 port 9 up');
      // On the x axis's linear scale, recovered from its first and last ticks.
      const ticks = [...chart.body.matchAll(/data-value="([^"]+)" transform="translate\(([-\d.]+),0\)"/g)].map(([, v, at]) => ({ v: Number(v), at: Number(at) }));
      const [a, b] = [ticks[0]!, ticks.at(-1)!];
      for (const m of marks) expect(m.px).toBeCloseTo(a.at + ((b.at - a.at) * (m.x - a.v)) / (b.v - a.v), 0);
    }
  });

  it('lists every failure event under the charts, the late one included', () => {
    for (const f of FAILURES) expect(unescape(page)).toContain(failureLabel(experiment.failures[FAILURES.indexOf(f)]!));
    expect(page).toContain('spine 2 down at 1000000 µs');
  });
});
