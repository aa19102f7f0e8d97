import { scaleLinear } from 'd3-scale';
import { ticksOf, xAxis, type Scale } from './axis.js';
import { el, esc, frame, px, svg, textWidth, title, type Attrs } from './svg.js';

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** The value as printed at the end of the bar. */
  text: string;
  /** Drawn hollow: a run that did not finish, so the value is only a bound. */
  hollow?: boolean;
  attrs?: Attrs;
}

export interface BarChartOptions {
  title: string;
  xLabel: string;
  bars: Bar[];
  /** Default: the largest value. */
  max?: number;
  width?: number;
  attrs?: Attrs;
}

/** Horizontal bars from zero, one per fabric, labelled with their values. */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 460;
  const barHeight = 20;
  const gap = 8;
  const labelWidth = Math.min(180, Math.max(60, ...o.bars.map((b) => textWidth(b.label) + 10)));
  const valueWidth = Math.max(40, ...o.bars.map((b) => textWidth(b.text) + 8));
  const height = 36 + o.bars.length * (barHeight + gap) + 34;
  const f = frame(width, height, { top: 30, right: 10 + valueWidth, bottom: 34, left: labelWidth });
  const max = o.max ?? Math.max(0, ...o.bars.map((b) => b.value));
  const x = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([f.left, f.right])
    .nice();
  const bars = o.bars.map((b, i) => {
    const y = f.top + 4 + i * (barHeight + gap);
    const w = Math.max(0, x(b.value) - f.left);
    const fill = b.hollow ? { fill: 'none', stroke: b.color, 'stroke-width': 1.5, 'stroke-dasharray': '4,2' } : { fill: b.color };
    return el(
      'g',
      { class: 'bar', 'data-label': b.label, 'data-value': b.value, ...b.attrs },
      el('text', { class: 'bar-label', x: f.left - 6, y: px(y + barHeight / 2), dy: '0.32em', 'text-anchor': 'end' }, esc(b.label)) +
        el('rect', { x: f.left, y: px(y), width: px(w), height: barHeight, ...fill }, el('title', {}, esc(`${b.label}: ${b.text}`))) +
        el('text', { class: 'bar-value', x: px(f.left + w + 5), y: px(y + barHeight / 2), dy: '0.32em' }, esc(b.text)),
    );
  });
  const axis = xAxis(x as Scale, f, ticksOf(x as Scale, Math.max(2, Math.floor((f.right - f.left) / 70))), o.xLabel);
  return svg(width, height, { class: 'chart', 'data-chart': 'bar', ...o.attrs }, title(o.title) + axis + el('g', { class: 'bars' }, bars.join('')));
}
