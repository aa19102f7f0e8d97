import { scaleLinear, scaleLog } from 'd3-scale';
import { ticksOf, xAxis, yAxis, type Scale, type Tick } from './axis.js';
import { legend } from './legend.js';
import { el, esc, frame, pathD, px, svg, title, type Attrs } from './svg.js';

export interface LineSeries {
  name: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
  dashed?: boolean;
}

/** A labelled point drawn over the lines (a percentile on a CDF, say). */
export interface Marker {
  x: number;
  y: number;
  color: string;
  /** Tooltip text. */
  label: string;
  attrs?: Attrs;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  markers?: Marker[];
  /** Log scales drop points ≤ 0, which they cannot place. */
  xLog?: boolean;
  yLog?: boolean;
  /** Default: the data's extent, made nice (linear y starts at 0). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Tick values and labels for y, instead of the scale's own. */
  yTicks?: Tick[];
  /** d3-format specifier for tick labels, e.g. "~s". */
  xFormat?: string;
  yFormat?: string;
  width?: number;
  height?: number;
  /** Vertical marks at x values with a label (failure events on a time axis); outside the x domain: left out. */
  xMarks?: { x: number; label: string }[];
  /** Shown when there is more than one series, unless set. */
  showLegend?: boolean;
  attrs?: Attrs;
}

function extent(values: number[], log: boolean): [number, number] {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return log ? [1, 10] : [0, 1];
  // A loop, not Math.min(...values): a long series (100,000 samples) overflows the call stack.
  let lo = usable.reduce((a, b) => Math.min(a, b));
  let hi = usable.reduce((a, b) => Math.max(a, b));
  if (!log) lo = Math.min(0, lo);
  if (lo === hi) hi = log ? lo * 10 : lo + 1;
  return [lo, hi];
}

function makeScale(log: boolean, domain: [number, number], range: [number, number], fixed: boolean) {
  const scale = log ? scaleLog().domain(domain).range(range) : scaleLinear().domain(domain).range(range);
  if (!fixed) scale.nice();
  return scale.clamp(true);
}

/**
 * A line chart of one or more series on linear or log axes: the time series of a run, the
 * CDFs (log x), or busbw against message size (log-log) for a sweep.
 */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 460;
  const height = o.height ?? 260;
  const showLegend = o.showLegend ?? o.series.length > 1;
  const key = showLegend ? legend(o.series, 4, 30, width - 8) : { markup: '', rows: 0 };
  const f = frame(width, height, { top: 36 + 14 * key.rows, right: 14, bottom: 34, left: 54 });
  const xs = o.series.flatMap((s) => [...s.x]);
  const ys = o.series.flatMap((s) => [...s.y]);
  const x = makeScale(!!o.xLog, o.xDomain ?? extent(xs, !!o.xLog), [f.left, f.right], o.xDomain !== undefined);
  const y = makeScale(!!o.yLog, o.yDomain ?? extent(ys, !!o.yLog), [f.bottom, f.top], o.yDomain !== undefined);
  const xTicks = ticksOf(x as Scale, Math.max(2, Math.floor((f.right - f.left) / 70)), o.xFormat);
  const yTicks = o.yTicks ?? ticksOf(y as Scale, Math.max(2, Math.floor((f.bottom - f.top) / 35)), o.yFormat);
  const usable = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  const lines = o.series.map((s) => {
    const points: [number, number][] = [];
    s.x.forEach((xv, i) => {
      const yv = s.y[i]!;
      if (usable(xv, !!o.xLog) && usable(yv, !!o.yLog)) points.push([x(xv), y(yv)]);
    });
    const path = el('path', { d: pathD(points), fill: 'none', stroke: s.color, 'stroke-dasharray': s.dashed ? '5,3' : undefined });
    return el('g', { class: 'series', 'data-series': s.name }, path);
  });
  const markers = (o.markers ?? []).map((m) =>
    el('circle', { class: 'marker', cx: px(x(m.x)), cy: px(y(m.y)), r: 3.5, fill: m.color, ...m.attrs }, el('title', {}, esc(m.label))),
  );
  // Numbered on the chart (1, 2, …), the full label in the tooltip and the data attribute: labels would overlap.
  const [x0, x1] = x.domain() as [number, number];
  const xMarks = (o.xMarks ?? [])
    .filter((m) => m.x >= x0 && m.x <= x1)
    .map((m, i) =>
      el(
        'g',
        { class: 'x-mark', 'data-x': m.x, 'data-label': m.label },
        el('title', {}, esc(m.label)) +
          el('line', { x1: px(x(m.x)), x2: px(x(m.x)), y1: f.top, y2: f.bottom, stroke: '#c00', 'stroke-dasharray': '3,2' }) +
          el('text', { x: px(x(m.x) + 2), y: f.top + 9, class: 'x-mark-label' }, String(i + 1)),
      ),
    );
  const content =
    title(o.title) +
    key.markup +
    yAxis(y as Scale, f, yTicks, o.yLabel) +
    xAxis(x as Scale, f, xTicks, o.xLabel) +
    el('g', { class: 'lines' }, lines.join('')) +
    el('g', { class: 'markers' }, markers.join('')) +
    (xMarks.length > 0 ? el('g', { class: 'x-marks' }, xMarks.join('')) : '');
  return svg(width, height, { class: 'chart', 'data-chart': 'line', ...o.attrs }, content);
}
