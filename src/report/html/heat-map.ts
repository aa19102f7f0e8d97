import { heatColor } from './palette.js';
import { el, esc, px, svg, title, type Attrs } from './svg.js';

export interface HeatMapOptions {
  title: string;
  /** What a column is, e.g. "uplink". */
  columnLabel: string;
  rowLabels: string[];
  /** Values in 0..1, matrix[row][column]. */
  matrix: number[][];
  /** Wider matrices are averaged into this many bins per side, to keep the page light. */
  maxCells?: number;
  attrs?: Attrs;
}

/** Averages consecutive groups of `values` into at most `bins` values. */
function bin(values: number[], bins: number): number[] {
  if (values.length <= bins) return values;
  const size = Math.ceil(values.length / bins);
  const out: number[] = [];
  for (let i = 0; i < values.length; i += size) {
    const group = values.slice(i, i + size);
    out.push(group.reduce((a, b) => a + b, 0) / group.length);
  }
  return out;
}

function binMatrix(matrix: number[][], labels: string[], maxCells: number): { matrix: number[][]; labels: string[]; perCell: number } {
  const rowSize = Math.ceil(matrix.length / maxCells);
  const columns = Math.max(0, ...matrix.map((r) => r.length));
  const colSize = Math.ceil(columns / maxCells);
  const rows: number[][] = [];
  const rowLabels: string[] = [];
  for (let r = 0; r < matrix.length; r += rowSize) {
    const group = matrix.slice(r, r + rowSize);
    const mean = Array.from({ length: columns }, (_, c) => group.reduce((a, row) => a + (row[c] ?? 0), 0) / group.length);
    rows.push(bin(mean, maxCells));
    rowLabels.push(group.length === 1 ? labels[r]! : `${labels[r]}–${labels[r + group.length - 1]}`);
  }
  return { matrix: rows, labels: rowLabels, perCell: rowSize * colSize };
}

const percent = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/**
 * One cell per link, coloured by utilization: rows are switches, columns their ports in a
 * group, so an overloaded uplink and an idle one stand out side by side.
 */
export function heatMap(o: HeatMapOptions): string {
  const all = o.matrix.flat();
  const binned = binMatrix(o.matrix, o.rowLabels, o.maxCells ?? 64);
  const columns = Math.max(1, ...binned.matrix.map((r) => r.length));
  // Cells fill about 320 × 320 px, square where they can be, never under 4 px.
  const cellWidth = Math.max(4, Math.min(18, Math.floor(320 / columns)));
  const cellHeight = Math.max(4, Math.min(cellWidth, Math.floor(320 / Math.max(1, binned.matrix.length))));
  const labelEvery = Math.ceil(11 / cellHeight);
  const left = 8 + Math.max(...binned.labels.map((l) => l.length * 6.2), 30);
  const top = 46;
  const plotWidth = columns * cellWidth;
  const plotHeight = binned.matrix.length * cellHeight;
  const width = Math.max(left + plotWidth + 10, 300);
  const height = top + plotHeight + 62;
  const mean = all.length === 0 ? 0 : all.reduce((a, b) => a + b, 0) / all.length;
  const idle = all.filter((u) => u < 0.05).length;
  const stats =
    `mean ${percent(mean)}, max ${percent(Math.max(0, ...all))}, idle (<5%) ${idle} of ${all.length}` +
    (binned.perCell > 1 ? ` · a cell averages ≤ ${binned.perCell} links` : '');
  const cells = binned.matrix.flatMap((row, r) =>
    row.map((u, c) =>
      el(
        'rect',
        { x: left + c * cellWidth, y: top + r * cellHeight, width: cellWidth, height: cellHeight, fill: heatColor(u) },
        el('title', {}, esc(`${binned.labels[r]} ${o.columnLabel} ${c}: ${percent(u)}`)),
      ),
    ),
  );
  const rowLabels = binned.labels.map((label, r) =>
    r % labelEvery === 0 ? el('text', { x: left - 4, y: px(top + r * cellHeight + cellHeight / 2), dy: '0.32em', 'text-anchor': 'end' }, esc(label)) : '',
  );
  const columnTicks = Array.from({ length: columns }, (_, c) => c)
    .filter((c) => c % Math.ceil(24 / cellWidth) === 0)
    .map((c) => el('text', { x: px(left + c * cellWidth + cellWidth / 2), y: top + plotHeight + 11, 'text-anchor': 'middle' }, String(c)));
  const axisLabel = el('text', { class: 'axis-label', x: left, y: top + plotHeight + 24 }, esc(`${o.columnLabel} →`));
  const key = colorKey(left, top + plotHeight + 34);
  const content =
    title(o.title) +
    el('text', { class: 'subtitle', x: 4, y: 30 }, esc(stats)) +
    el('g', { class: 'cells' }, cells.join('')) +
    el('g', { class: 'row-labels' }, rowLabels.join('')) +
    el('g', { class: 'column-labels' }, columnTicks.join('') + axisLabel) +
    key;
  return svg(width, height, { class: 'chart', 'data-chart': 'heat-map', ...o.attrs }, content);
}

/** A 0–100% colour key in ten steps. */
function colorKey(x: number, y: number): string {
  const steps = Array.from({ length: 10 }, (_, i) => el('rect', { x: x + i * 16, y, width: 16, height: 8, fill: heatColor((i + 0.5) / 10) }));
  const labels = el('text', { x, y: y + 20 }, '0%') + el('text', { x: x + 160, y: y + 20, 'text-anchor': 'end' }, '100% busy');
  return el('g', { class: 'color-key' }, steps.join('') + labels);
}
