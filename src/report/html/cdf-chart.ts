import type { CdfUs } from '../../experiment/index.js';
import type { Tick } from './axis.js';
import { lineChart, type Marker } from './line-chart.js';
import type { Attrs } from './svg.js';

export interface CdfSeries {
  name: string;
  color: string;
  cdf: CdfUs;
}

/** The percentiles a CDF marks on each curve. */
export const MARKED_PERCENTILES = [
  { name: 'p50', fraction: 0.5 },
  { name: 'p99', fraction: 0.99 },
  { name: 'p99.9', fraction: 0.999 },
] as const;

/** The y axis counts nines, −log10(1 − F): 0.9 → 1, 0.99 → 2, so the tail gets room. */
const nines = (fraction: number): number => -Math.log10(1 - fraction);
const Y_LABELS = ['0', '0.5', '0.9', '0.99', '0.999', '0.9999'];
const Y_TICKS: Tick[] = Y_LABELS.map((label) => ({ value: nines(Number(label)), label }));

export interface CdfChartOptions {
  title: string;
  xLabel: string;
  series: CdfSeries[];
  width?: number;
  height?: number;
  attrs?: Attrs;
}

/**
 * CDFs on a log x axis with p50/p99/p99.9 marked on each curve. The maximum (F = 1) has
 * no place on a nines axis and is left to the table beside the chart.
 */
export function cdfChart(o: CdfChartOptions): string {
  const curves = o.series.map((s) => {
    const keep = s.cdf.fraction.map((f, i) => f < 1 && s.cdf.us[i]! > 0);
    return {
      name: s.name,
      color: s.color,
      x: s.cdf.us.filter((_, i) => keep[i]),
      y: s.cdf.fraction.filter((_, i) => keep[i]).map(nines),
    };
  });
  const markers: Marker[] = o.series.flatMap((s) =>
    MARKED_PERCENTILES.flatMap(({ name, fraction }) => {
      const i = s.cdf.fraction.indexOf(fraction);
      if (i < 0 || !(s.cdf.us[i]! > 0)) return [];
      const us = s.cdf.us[i]!;
      return [{ x: us, y: nines(fraction), color: s.color, label: `${s.name} ${name}: ${us} µs`, attrs: { 'data-fabric': s.name, 'data-percentile': name, 'data-us': us } }];
    }),
  );
  const xs = curves.flatMap((c) => c.x);
  const xDomain: [number, number] | undefined = xs.length === 0 ? undefined : [Math.min(...xs) / 1.15, Math.max(...xs) * 1.15];
  return lineChart({
    title: o.title,
    xLabel: o.xLabel,
    yLabel: 'fraction ≤ x',
    series: curves,
    markers,
    xLog: true,
    xDomain,
    yDomain: [0, nines(0.9999)],
    yTicks: Y_TICKS,
    width: o.width,
    height: o.height,
    attrs: { 'data-chart': 'cdf', ...o.attrs },
  });
}
