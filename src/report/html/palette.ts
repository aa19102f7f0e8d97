import { scaleLinear } from 'd3-scale';

/** Tableau 10: distinct, colour-blind-tolerant hues for fabrics and tiers. */
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of the i-th fabric (the same in every chart of a report). */
export const seriesColor = (i: number): string => CATEGORICAL[i % CATEGORICAL.length]!;

const ramp = scaleLinear<string>()
  .domain([0, 0.25, 0.5, 0.75, 1])
  .range(['#ffffcc', '#fed976', '#fd8d3c', '#e31a1c', '#800026'])
  .clamp(true);

/** "rgb(1, 2, 3)" as "#010203": a heat-map has thousands of cells, so short matters. */
const hex = (rgb: string): string =>
  '#' + (rgb.match(/\d+/g) ?? []).slice(0, 3).map((c) => Number(c).toString(16).padStart(2, '0')).join('');

/** Utilization 0..1 to colour: pale (idle) to dark red (saturated), clamped; grey if unknown. */
export const heatColor = (utilization: number): string => (Number.isFinite(utilization) ? hex(ramp(utilization)) : '#cccccc');
