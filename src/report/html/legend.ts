import { el, esc, textWidth } from './svg.js';

export interface LegendEntry {
  name: string;
  color: string;
  dashed?: boolean;
}

/** Swatches and names in rows from (x, y), wrapping before `maxX`; `rows` tells the height used. */
export function legend(entries: LegendEntry[], x: number, y: number, maxX: number): { markup: string; rows: number } {
  let cx = x;
  let cy = y;
  const items = entries.map((e) => {
    const w = 22 + textWidth(e.name) + 12;
    if (cx + w > maxX && cx > x) {
      cx = x;
      cy += 14;
    }
    const item = el(
      'g',
      { class: 'legend-item', transform: `translate(${cx},${cy})` },
      el('line', { x1: 0, x2: 16, y1: -4, y2: -4, stroke: e.color, 'stroke-width': 2.5, 'stroke-dasharray': e.dashed ? '5,3' : undefined }) +
        el('text', { x: 21 }, esc(e.name)),
    );
    cx += w;
    return item;
  });
  return { markup: el('g', { class: 'legend' }, items.join('')), rows: entries.length === 0 ? 0 : (cy - y) / 14 + 1 };
}
