import { describe, expect, it } from 'vitest';
import { barChart, heatColor, heatMap, lineChart } from '../src/report/index.js';

const points = (svg: string, series: string): [number, number][] => {
  const d = svg.match(new RegExp(`data-series="${series}"><path d="([^"]*)"`))![1]!;
  return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map(([, x, y]) => [Number(x), Number(y)]);
};

const size = (svg: string) => svg.match(/<svg[^>]* width="(\d+)" height="(\d+)"/)!.slice(1).map(Number);

describe('line chart', () => {
  // A sweep as the sweep report will draw it: busbw against message size, one line per fabric.
  const sizes = Array.from({ length: 11 }, (_, i) => 1024 * 4 ** i); // 1 KiB … 1 GiB
  const busbw = (peak: number) => sizes.map((s) => peak * (s / (s + 2e6)));
  const svg = lineChart({
    title: 'busbw vs message size',
    xLabel: 'message size (bytes)',
    yLabel: 'busbw (GB/s)',
    xLog: true,
    yLog: true,
    xFormat: '~s',
    series: [
      { name: 'ethernet', color: '#4e79a7', x: sizes, y: busbw(24) },
      { name: 'spectrum-x', color: '#e15759', x: sizes, y: busbw(45) },
    ],
  });

  it('on log-log axes, equal size ratios are equal steps and a constant ratio is a constant gap', () => {
    const eth = points(svg, 'ethernet');
    const spx = points(svg, 'spectrum-x');
    expect(eth).toHaveLength(sizes.length);
    const steps = eth.slice(1).map(([x], i) => x - eth[i]![0]);
    for (const step of steps) expect(step).toBeCloseTo(steps[0]!, 0);
    expect(steps[0]!).toBeGreaterThan(0);
    // spectrum-x / ethernet is 45/24 at every size: the same vertical offset everywhere.
    const gaps = eth.map(([, y], i) => y - spx[i]![1]);
    for (const gap of gaps) expect(gap).toBeCloseTo(gaps[0]!, 0);
    expect(gaps[0]!).toBeGreaterThan(0);
  });

  it('labels both axes and names every series in a legend', () => {
    expect(svg).toContain('message size (bytes)');
    expect(svg).toContain('busbw (GB/s)');
    expect(svg).toMatch(/class="legend".*ethernet.*spectrum-x/s);
    expect(svg).toMatch(/data-value="1000000" transform/);
    expect(size(svg)).toEqual([460, 260]);
  });

  it('leaves out what a log axis cannot place instead of drawing garbage', () => {
    const out = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', xLog: true, series: [{ name: 's', color: '#000', x: [0, 1, 10, -5, 100], y: [1, 2, 3, 4, 5] }] });
    expect(points(out, 's')).toHaveLength(3);
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('draws an empty or flat series without NaN', () => {
    const flat = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'zero', color: '#000', x: [0, 1, 2], y: [0, 0, 0] }] });
    const empty = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [] });
    for (const s of [flat, empty]) expect(s).not.toMatch(/NaN|Infinity|undefined/);
  });
});

describe('bar chart', () => {
  it('draws bars from zero in proportion to their values, hollow when the run did not finish', () => {
    const svg = barChart({
      title: 'completion time',
      xLabel: 'µs',
      bars: [
        { label: 'a', value: 100, color: '#111', text: '100 µs' },
        { label: 'b', value: 250, color: '#222', text: '>250 µs', hollow: true },
      ],
    });
    const widths = [...svg.matchAll(/<rect[^>]* width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[1]! / widths[0]!).toBeCloseTo(2.5, 2);
    expect(svg).toMatch(/<rect[^>]*fill="none"[^>]*stroke="#222"/);
    expect(svg).toContain('&gt;250 µs');
  });
});

describe('heat map', () => {
  it('colours idle links pale and saturated ones dark', () => {
    expect(heatColor(0)).toBe('#ffffcc');
    expect(heatColor(1)).toBe('#800026');
    expect(heatColor(2)).toBe(heatColor(1));
  });

  it('has one cell per link and states mean, max and idle links', () => {
    const svg = heatMap({ title: 'uplinks', columnLabel: 'uplink', rowLabels: ['leaf0', 'leaf1'], matrix: [[0, 0.5, 1], [0.01, 0.5, 0.5]] });
    expect(svg.match(/<g class="cells">(.*?)<\/g>/s)![1]!.match(/<rect/g)).toHaveLength(6);
    expect(svg).toContain('mean 42%, max 100%, idle (&lt;5%) 2 of 6');
    expect(svg).toContain('<title>leaf1 uplink 2: 50%</title>');
  });

  it('averages a large matrix into at most 64 × 64 cells and says so', () => {
    const rows = 256;
    const matrix = Array.from({ length: rows }, (_, r) => Array.from({ length: 32 }, () => (r % 2 === 0 ? 1 : 0)));
    const svg = heatMap({ title: 'big', columnLabel: 'uplink', rowLabels: matrix.map((_, r) => `leaf${r}`), matrix });
    expect(svg.match(/<g class="cells">(.*?)<\/g>/s)![1]!.match(/<rect/g)).toHaveLength(64 * 32);
    expect(svg).toContain('leaf0–leaf3');
    expect(svg).toContain('a cell averages ≤ 4 links');
    expect(svg).toContain('<title>leaf0–leaf3 uplink 0: 50%</title>');
  });
});
