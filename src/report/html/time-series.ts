import type { TimeSeries } from '../../experiment/index.js';
import type { TimeMark } from './failure-marks.js';
import { lineChart, type LineSeries } from './line-chart.js';
import { el, esc, type Attrs } from './svg.js';

export interface FabricSeries {
  fabric: string;
  color: string;
  series: TimeSeries;
  /** A flow-model run: it has no queues, pauses or drops to chart. */
  flowModel?: boolean;
}

const TIER_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];

/** One metric of the time series: how to draw it for one fabric. */
interface Metric {
  id: string;
  title: string;
  yLabel: string;
  lines: (s: FabricSeries) => LineSeries[];
  /** Only the packet model has this (queues, PFC, drops). */
  packetOnly?: boolean;
}

const intervalsUs = (ts: TimeSeries): number[] => ts.tUs.map((t, i) => t - (i === 0 ? 0 : ts.tUs[i - 1]!));

/** Running sum of rate × interval: bytes delivered so far, from the sampled rate. */
function cumulativeMB(ts: TimeSeries): number[] {
  const dt = intervalsUs(ts);
  let sum = 0;
  return ts.goodputGbps.map((gbps, i) => (sum += (gbps * dt[i]!) / 8e3));
}

const METRICS: Metric[] = [
  {
    id: 'throughput',
    title: 'arriving at NICs over the fabric (retransmits included)',
    yLabel: 'Gb/s',
    lines: ({ color, series: ts }) => [{ name: 'arriving', color, x: ts.tUs, y: ts.rxGbps }],
  },
  {
    id: 'goodput',
    title: 'goodput: messages delivered, cumulative',
    yLabel: 'MB',
    lines: ({ color, series: ts }) => [{ name: 'delivered', color, x: ts.tUs, y: cumulativeMB(ts) }],
  },
  {
    id: 'queue',
    packetOnly: true,
    title: 'egress queue depth by tier',
    yLabel: 'KB',
    lines: ({ series: ts }) =>
      ts.queueBytes.flatMap((q, i) => {
        const color = TIER_COLORS[i % TIER_COLORS.length]!;
        return [
          { name: `${q.tier} max`, color, x: ts.tUs, y: q.max.map((b) => b / 1e3) },
          { name: `${q.tier} mean`, color, x: ts.tUs, y: q.mean.map((b) => b / 1e3), dashed: true },
        ];
      }),
  },
  {
    id: 'in-flight',
    packetOnly: true,
    title: 'bytes in flight on the fabric (queues and wires)',
    yLabel: 'MB',
    lines: ({ color, series: ts }) => [{ name: 'in flight', color, x: ts.tUs, y: ts.inFlightBytes.map((b) => b / 1e6) }],
  },
  {
    id: 'pfc',
    packetOnly: true,
    title: 'PFC paused share of port time',
    yLabel: '%',
    lines: ({ color, series: ts }) => [{ name: 'paused', color, x: ts.tUs, y: ts.pfcPausedFraction.map((f) => f * 100) }],
  },
  {
    id: 'drops',
    packetOnly: true,
    title: 'drops',
    yLabel: 'packets/µs',
    lines: ({ color, series: ts }) => {
      const dt = intervalsUs(ts);
      return [{ name: 'drops', color, x: ts.tUs, y: ts.drops.map((d, i) => (dt[i]! > 0 ? d / dt[i]! : 0)) }];
    },
  },
];

/** [0, max] of every y value of a metric over all fabrics, so side-by-side charts compare. */
function sharedDomain(lines: LineSeries[][]): [number, number] {
  // A loop, not Math.max(...values): a long series (100,000 samples) overflows the call stack.
  let max = 0;
  for (const line of lines.flat()) for (const y of line.y) if (Number.isFinite(y) && y > max) max = y;
  return [0, max > 0 ? max : 1];
}

/**
 * The sampled time series, one column per fabric and one row per metric. Every chart of
 * a row shares its axes, so a glance across a row compares the fabrics.
 */
export function timeSeriesGrid(fabrics: FabricSeries[], attrs: Attrs = {}, marks: readonly TimeMark[] = []): string {
  const xMarks = marks.map((m) => ({ x: m.atUs, label: m.label }));
  const tMax = Math.max(0, ...fabrics.map((f) => f.series.tUs[f.series.tUs.length - 1] ?? 0));
  const width = fabrics.length <= 3 ? 380 : 300;
  const header = fabrics.map((f) => el('div', { class: 'column-head' }, esc(f.fabric))).join('');
  const rows = METRICS.map((metric) => {
    const lines = fabrics.map((f) => (metric.packetOnly && f.flowModel ? [] : metric.lines(f)));
    const yDomain = sharedDomain(lines);
    return fabrics
      .map((f, i) =>
        metric.packetOnly && f.flowModel
          ? el('div', { class: 'chart-note', 'data-metric': metric.id, 'data-fabric': f.fabric }, `${esc(metric.title)}: not in the flow model`)
          : lineChart({
              title: metric.title,
              xLabel: 'simulated time (µs)',
              yLabel: metric.yLabel,
              series: lines[i]!,
              xDomain: [0, tMax > 0 ? tMax : 1],
              xMarks,
              yDomain,
              width,
              height: metric.id === 'queue' ? 210 : 180,
              attrs: { 'data-chart': 'time-series', 'data-metric': metric.id, 'data-fabric': f.fabric, ...attrs },
            }),
      )
      .join('');
  });
  return el('div', { class: 'grid', style: `grid-template-columns: repeat(${fabrics.length}, max-content)` }, header + rows.join(''));
}
