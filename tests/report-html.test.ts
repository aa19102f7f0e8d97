import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperimentLive, type ExperimentResult, type FabricResult } from '../src/experiment/index.js';
import { formatCsv, formatJson, renderReport, writeResults } from '../src/report/index.js';
import { spec } from './helpers.js';

const SPEC_TEXT = 'name: report-test\n# a comment <kept> & escaped\n';
const experiment = spec({
  name: 'report-test',
  seed: 7,
  topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, oversubscription: 2, linkGbps: 100 },
  fabrics: ['ethernet', 'spectrum-x'],
  workload: [
    { kind: 'allreduce', bytes: '256KiB', channels: 2 },
    { kind: 'permutation', bytes: '128KiB' },
  ],
});
const result = await runExperimentLive(experiment);
const html = renderReport(result, { specText: SPEC_TEXT, specPath: 'experiments/report-test.yaml' });

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, k, v] of tag.matchAll(/([\w:-]+)="([^"]*)"/g)) out[k!] = unescape(v!);
  return out;
}

interface Chart {
  attrs: Record<string, string>;
  body: string;
}

/** Every chart SVG of the page with its attributes (the report never nests SVGs). */
const charts: Chart[] = [...html.matchAll(/<svg([^>]*)>(.*?)<\/svg>/gs)].map(([, open, body]) => ({ attrs: attributes(open!), body: body! }));

const find = (filter: Record<string, string | number>): Chart[] =>
  charts.filter((c) => Object.entries(filter).every(([k, v]) => c.attrs[k] === String(v)));

const pathPoints = (d: string): [number, number][] => [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map(([, x, y]) => [Number(x), Number(y)]);

/** The points of one series' line in a chart. */
function seriesPoints(chart: Chart, name: string): [number, number][] {
  const match = chart.body.match(new RegExp(`<g class="series" data-series="${name}"><path d="([^"]*)"`));
  expect(match, `series ${name}`).not.toBeNull();
  return pathPoints(match![1]!);
}

/** Axis ticks: value and pixel position. */
function ticks(chart: Chart, axis: 'x' | 'y'): { value: number; at: number }[] {
  const pattern = axis === 'x' ? /data-value="([^"]+)" transform="translate\(([-\d.]+),0\)"/g : /data-value="([^"]+)" transform="translate\(0,([-\d.]+)\)"/g;
  return [...chart.body.matchAll(pattern)].map(([, v, at]) => ({ value: Number(v), at: Number(at) }));
}

const workloads = [...new Set(result.results.map((r) => r.workload))];
const rowsOf = (w: number): FabricResult[] => result.results.filter((r) => r.workload === workloads[w]);

describe('report.html', () => {
  it('is one self-contained page: no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
    expect(html).toMatch(/<style>/);
  });

  it('shows the spec as written and the seed, to reproduce the run', () => {
    expect(html).toContain('# a comment &lt;kept&gt; &amp; escaped');
    expect(html).toContain('run experiments/report-test.yaml --seed 7');
    expect(html).toMatch(/seed 7/);
  });

  it('has bar charts of completion time and effective bandwidth with every fabric at its value', () => {
    workloads.forEach((_, w) => {
      for (const [metric, value] of [
        ['completion', (r: FabricResult) => r.completionUs],
        ['effective-bandwidth', (r: FabricResult) => r.effectiveBandwidth * 100],
      ] as const) {
        const [chart] = find({ 'data-chart': 'bar', 'data-workload': w, 'data-metric': metric });
        const bars = [...chart!.body.matchAll(/<g class="bar" data-label="([^"]+)" data-value="([^"]+)">.*?<rect[^>]* width="([^"]+)"/g)];
        expect(bars.map((b) => b[1])).toEqual(rowsOf(w).map((r) => r.fabric));
        bars.forEach((b, i) => expect(Number(b[2])).toBeCloseTo(value(rowsOf(w)[i]!), 9));
        // Lengths are proportional to values (the scale starts at zero).
        const perUnit = bars.map((b) => Number(b[3]) / Number(b[2]));
        for (const p of perUnit) expect(p).toBeCloseTo(perUnit[0]!, 1);
      }
    });
  });

  it('marks p50/p99/p99.9 on each CDF at the JSON percentiles, on the curve and on the axis scale', () => {
    workloads.forEach((_, w) => {
      for (const [metric, percentiles] of [
        ['latency', (r: FabricResult) => ({ p50: r.latencyUs.p50, p99: r.latencyUs.p99, 'p99.9': r.latencyUs.p999 })],
        ['fct', (r: FabricResult) => ({ p50: r.fctUs.p50, p99: r.fctUs.p99 })],
      ] as const) {
        const charts = find({ 'data-chart': 'cdf', 'data-workload': w, 'data-metric': metric });
        expect(charts).toHaveLength(1);
        const chart = charts[0]!;
        const xTicks = ticks(chart, 'x');
        const yTicks = ticks(chart, 'y');
        // The log x scale, recovered from its first and last ticks.
        const [a, b] = [xTicks[0]!, xTicks.at(-1)!];
        const xOf = (us: number) => a.at + ((b.at - a.at) * Math.log10(us / a.value)) / Math.log10(b.value / a.value);
        for (const r of rowsOf(w)) {
          const markers = [...chart.body.matchAll(/<circle class="marker"([^>]*)>/g)].map(([, m]) => attributes(m!)).filter((m) => m['data-fabric'] === r.fabric);
          expect(markers.map((m) => m['data-percentile'])).toEqual(['p50', 'p99', 'p99.9']);
          const curve = seriesPoints(chart, r.fabric);
          for (const [name, us] of Object.entries(percentiles(r))) {
            const m = markers.find((x) => x['data-percentile'] === name)!;
            expect(Number(m['data-us'])).toBe(us);
            const [cx, cy] = [Number(m.cx), Number(m.cy)];
            expect(cx).toBeCloseTo(xOf(us), 0);
            // At the height of its nines tick: p99 is two nines, −log10(1 − 0.99).
            const nines = -Math.log10(1 - Number(name.slice(1)) / 100);
            expect(cy).toBeCloseTo(yTicks.find((t) => Math.abs(t.value - nines) < 1e-9)!.at, 1);
            expect(curve.some(([x, y]) => x === cx && y === cy)).toBe(true);
          }
        }
      }
    });
  });

  it('draws every time series per fabric, one point per sample', () => {
    const metrics = ['throughput', 'goodput', 'queue', 'in-flight', 'pfc', 'drops'];
    workloads.forEach((_, w) => {
      for (const r of rowsOf(w)) {
        for (const metric of metrics)
          expect(find({ 'data-chart': 'time-series', 'data-workload': w, 'data-metric': metric, 'data-fabric': r.fabric }), `${metric} of ${r.fabric}`).toHaveLength(1);
        const [queue] = find({ 'data-chart': 'time-series', 'data-workload': w, 'data-metric': 'queue', 'data-fabric': r.fabric });
        expect(seriesPoints(queue!, 'leaf max')).toHaveLength(r.detail!.timeSeries.tUs.length);
        expect(seriesPoints(queue!, 'spine mean')).toHaveLength(r.detail!.timeSeries.tUs.length);
      }
    });
  });

  it('has a utilization heat-map per fabric and link group with a cell per link', () => {
    workloads.forEach((_, w) => {
      for (const r of rowsOf(w)) {
        for (const group of r.detail!.links) {
          const maps = find({ 'data-chart': 'heat-map', 'data-workload': w, 'data-fabric': r.fabric, 'data-links': `${group.tier}/${group.direction}` });
          expect(maps).toHaveLength(1);
          const cells = maps[0]!.body.match(/<g class="cells">(.*?)<\/g>/s)![1]!.match(/<rect/g)!;
          expect(cells).toHaveLength(group.utilization.flat().length);
        }
      }
    });
    // 2 leaves with 4 uplinks each, to 4 spines with one link per leaf.
    const leafUp = result.results[0]!.detail!.links.find((g) => g.tier === 'leaf' && g.direction === 'up')!;
    expect(leafUp.utilization.map((row) => row.length)).toEqual([4, 4]);
  });

  it('is the same page for the same spec and seed (no wall-clock in it)', async () => {
    const again = await runExperimentLive(experiment);
    expect(renderReport(again, { specText: SPEC_TEXT, specPath: 'experiments/report-test.yaml' })).toBe(html);
  });

  it('says so when the results are partial', () => {
    expect(html).not.toMatch(/Partial results/);
    expect(renderReport({ ...result, partial: true })).toMatch(/Partial results/);
  });
});

describe('a flow-model row in the report', () => {
  it('gets throughput and goodput charts, and a note instead of empty queue, in-flight, PFC and drop charts', async () => {
    const both = await runExperimentLive(
      spec({
        topology: { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 8, linkGbps: 100 },
        fabrics: ['ethernet', { preset: 'ethernet', model: 'flow' }],
        workload: { kind: 'permutation', bytes: '128KiB' },
      }),
    );
    const page = renderReport(both);
    const svgs = [...page.matchAll(/<svg([^>]*)>/g)].map(([, open]) => attributes(open!));
    const chartsOf = (fabric: string, metric: string) =>
      svgs.filter((a) => a['data-chart'] === 'time-series' && a['data-fabric'] === fabric && a['data-metric'] === metric);
    for (const metric of ['throughput', 'goodput']) expect(chartsOf('ethernet+flow', metric)).toHaveLength(1);
    for (const metric of ['queue', 'in-flight', 'pfc', 'drops']) {
      expect(chartsOf('ethernet', metric)).toHaveLength(1);
      expect(chartsOf('ethernet+flow', metric)).toHaveLength(0);
      expect(page).toMatch(new RegExp(`class="chart-note" data-metric="${metric}" data-fabric="ethernet\\+flow"`));
    }
  });
});

describe('result files', () => {
  it('--out writes result.json, result.csv and report.html, and nothing else', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fabsim-report-')), 'out');
    writeResults(dir, result, { specText: SPEC_TEXT });
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'result.csv', 'result.json']);
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('report-test');
  });

  it('writes nothing when the report cannot be made', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fabsim-report-')), 'out');
    const broken = { ...result, results: [{ ...result.results[0]!, detail: {} }] } as unknown as ExperimentResult;
    expect(() => writeResults(dir, broken)).toThrow();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('the CSV keeps one row per run and leaves the series to the JSON', () => {
    const csv = formatCsv(result).trim().split('\n');
    expect(csv).toHaveLength(result.results.length + 1);
    expect(csv[0]).not.toMatch(/detail|timeSeries/);
  });

  it('the CSV gives every field of any row a column: a flow-model row after a packet row keeps its model', () => {
    const [first] = result.results;
    const rows = [first!, { ...first!, fabric: 'ethernet+flow', model: 'flow' as const }];
    const [header, packetRow, flowRow] = formatCsv({ ...result, results: rows }).trim().split('\n');
    const modelColumn = header!.split(',').indexOf('model');
    expect(modelColumn).toBeGreaterThan(0);
    expect(packetRow!.split(',')[modelColumn]).toBe('');
    expect(flowRow!.split(',')[modelColumn]).toBe('flow');
  });

  it('JSON prints as JSON.stringify(…, null, 2) does, with number arrays on one line', () => {
    const plain = { a: 1, b: [{ c: 'x', d: [] }, null], e: {}, f: undefined, g: ['s', 't'] };
    expect(formatJson(plain)).toBe(JSON.stringify(plain, null, 2));
    const { detail: _detail, ...row } = result.results[0]!;
    expect(formatJson({ ...result, results: [row] })).toBe(JSON.stringify({ ...result, results: [row] }, null, 2));
    expect(formatJson({ t: [1, 2.5, -3] })).toBe('{\n  "t": [1, 2.5, -3]\n}');
    expect(JSON.parse(formatJson(result))).toEqual(JSON.parse(JSON.stringify(result)));
  });
});
