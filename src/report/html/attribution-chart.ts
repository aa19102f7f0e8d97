import { scaleLinear } from 'd3-scale';
import type { FabricResult } from '../../experiment/index.js';
import { flatParts } from '../../fabric/index.js';
import { ticksOf, xAxis, type Scale } from './axis.js';
import { legend } from './legend.js';
import { el, esc, frame, px, svg, textWidth, title } from './svg.js';

/** A colour per cause, fixed so reports compare (queue tiers share warm hues). */
const PART_COLORS: Record<string, string> = {
  serialization: '#4e79a7',
  propagation: '#a0cbe8',
  'pfc paused': '#e15759',
  retransmission: '#b07aa1',
  throttled: '#59a14f',
  'window full': '#8cd17d',
  nvlink: '#76b7b2',
  'step latency': '#bab0ac',
  compute: '#9c755f',
};
const QUEUE_COLORS = ['#f28e2b', '#ffbe7d', '#edc948', '#ff9da7', '#d37295', '#fabfd2', '#f1ce63'];

/**
 * Where the time went, one stacked bar per fabric (and per job for job mixes): each cause
 * along the critical path a segment, in µs, as `--explain` prints them. Null when no row
 * of the workload was run with attribution.
 */
export function attributionChart(rows: FabricResult[], attrs: Record<string, string | number>): string | null {
  const bars = rows.flatMap((r) =>
    (r.attribution ?? []).map((a) => ({ label: a.label === 'workload' ? r.fabric : `${r.fabric} · ${a.label}`, parts: flatParts(a), totalPs: a.completionPs })),
  );
  if (bars.length === 0) return null;
  const names = bars[0]!.parts.map(([name]) => name).filter((name) => bars.some((b) => (b.parts.find(([n]) => n === name)?.[1] ?? 0) > 0));
  let queueIndex = 0;
  const colors = new Map(names.map((name) => [name, PART_COLORS[name] ?? QUEUE_COLORS[queueIndex++ % QUEUE_COLORS.length]!]));
  const width = 560;
  const barHeight = 20;
  const gap = 8;
  const labelWidth = Math.min(200, Math.max(60, ...bars.map((b) => textWidth(b.label) + 10)));
  const key = legend(
    names.map((name) => ({ name, color: colors.get(name)! })),
    labelWidth,
    0,
    width - 10,
  );
  const barsHeight = bars.length * (barHeight + gap);
  // Below the bars: the tick labels, the legend's rows, then the axis label (at the very bottom).
  const bottom = 34 + 12 + key.rows * 14 + 6;
  const height = 36 + barsHeight + bottom;
  const f = frame(width, height, { top: 30, right: 20, bottom, left: labelWidth });
  const maxUs = Math.max(...bars.map((b) => b.totalPs / 1e6));
  const x = scaleLinear()
    .domain([0, maxUs > 0 ? maxUs : 1])
    .range([f.left, f.right])
    .nice();
  const drawn = bars.map((b, i) => {
    const y = f.top + 4 + i * (barHeight + gap);
    let at = 0;
    const segments = b.parts
      .filter(([name, ps]) => ps > 0 && colors.has(name))
      .map(([name, ps]) => {
        const x0 = x(at / 1e6);
        at += ps;
        const w = Math.max(0, x(at / 1e6) - x0);
        return el(
          'rect',
          { x: px(x0), y: px(y), width: px(w), height: barHeight, fill: colors.get(name), 'data-part': name, 'data-ps': ps },
          el('title', {}, esc(`${b.label}: ${name} ${(ps / 1e6).toFixed(2)} µs (${((100 * ps) / b.totalPs).toFixed(1)}%)`)),
        );
      });
    return el(
      'g',
      { class: 'bar', 'data-label': b.label, 'data-value': b.totalPs },
      el('text', { class: 'bar-label', x: f.left - 6, y: px(y + barHeight / 2), dy: '0.32em', 'text-anchor': 'end' }, esc(b.label)) + segments.join(''),
    );
  });
  const axis = xAxis(x as Scale, f, ticksOf(x as Scale, Math.max(2, Math.floor((f.right - f.left) / 70))), 'µs along the critical path');
  const keyAt = el('g', { transform: `translate(0,${px(f.bottom + 34)})` }, key.markup);
  return svg(width, height, { class: 'chart', 'data-chart': 'attribution', ...attrs }, title('where the time goes (critical path)') + axis + el('g', { class: 'bars' }, drawn.join('')) + keyAt);
}
