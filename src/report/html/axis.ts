import { el, esc, px, type Frame } from './svg.js';

/** What an axis needs of a d3 continuous scale (linear or log). */
export interface Scale {
  (value: number): number;
  ticks(count?: number): number[];
  tickFormat(count?: number, specifier?: string): (value: number) => string;
}

export interface Tick {
  value: number;
  label: string;
}

/** d3's ticks and labels (a log scale labels only some of its ticks). */
export function ticksOf(scale: Scale, count: number, specifier?: string): Tick[] {
  const format = scale.tickFormat(count, specifier);
  return scale.ticks(count).map((value) => ({ value, label: format(value) }));
}

/** Ticks, labels and grid lines under the plot, with the axis label centered below. */
export function xAxis(scale: Scale, f: Frame, ticks: Tick[], label: string): string {
  const marks = ticks.map(({ value, label: text }) => {
    const x = px(scale(value));
    return el(
      'g',
      { class: 'tick', 'data-value': value, transform: `translate(${x},0)` },
      el('line', { class: 'grid', y1: f.top, y2: f.bottom }) +
        (text === '' ? '' : el('text', { y: f.bottom + 14, 'text-anchor': 'middle' }, esc(text))),
    );
  });
  const title = el('text', { class: 'axis-label', x: px((f.left + f.right) / 2), y: f.height - 4, 'text-anchor': 'middle' }, esc(label));
  const line = el('line', { class: 'domain', x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom });
  return el('g', { class: 'axis x' }, marks.join('') + line + title);
}

/** Ticks, labels and grid lines left of the plot, with the axis label above them. */
export function yAxis(scale: Scale, f: Frame, ticks: Tick[], label: string): string {
  const marks = ticks.map(({ value, label: text }) => {
    const y = px(scale(value));
    return el(
      'g',
      { class: 'tick', 'data-value': value, transform: `translate(0,${y})` },
      el('line', { class: 'grid', x1: f.left, x2: f.right }) +
        (text === '' ? '' : el('text', { x: f.left - 5, dy: '0.32em', 'text-anchor': 'end' }, esc(text))),
    );
  });
  const title = el('text', { class: 'axis-label', x: f.left, y: f.top - 6 }, esc(label));
  const line = el('line', { class: 'domain', x1: f.left, x2: f.left, y1: f.top, y2: f.bottom });
  return el('g', { class: 'axis y' }, marks.join('') + line + title);
}
