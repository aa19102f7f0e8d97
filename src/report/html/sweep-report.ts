import type { SweepResult } from '../../experiment/sweep.js';
import { formatNcclTable } from '../nccl-table.js';
import { lineChart } from './line-chart.js';
import { seriesColor } from './palette.js';
import { STYLE } from './style.js';
import { esc } from './svg.js';

/**
 * A sweep as engineers plot nccl-tests output: busbw against the swept value, one line per
 * fabric (and workload), log-log when the sweep is over sizes; the table beneath.
 */
export function renderSweepReport(sweep: SweepResult): string {
  const rows = sweep.points[0]?.result.results ?? [];
  const several = new Set(rows.map((r) => r.workload)).size > 1;
  const bySize = /(^|\.)bytes$/.test(sweep.field);
  const xOf = (p: SweepResult['points'][number]) => {
    const w = p.result.workload as { bytes?: number } | { bytes?: number }[];
    return bySize ? ((Array.isArray(w) ? w[0]?.bytes : w.bytes) ?? 0) : Number(p.value);
  };
  const series = rows.map((r, k) => ({
    name: several ? `${r.workload} ${r.fabric}` : r.fabric,
    color: seriesColor(k),
    x: sweep.points.map(xOf),
    y: sweep.points.map((p) => p.result.results[k]?.busbwGBps ?? 0),
  }));
  const numeric = series.every((s) => s.x.every(Number.isFinite));
  const chart = numeric
    ? lineChart({
        title: `busbw against ${sweep.field}`,
        xLabel: bySize ? 'size (B, log)' : sweep.field,
        yLabel: 'busbw (GB/s)',
        series,
        xLog: bySize,
        yLog: bySize,
        xFormat: bySize ? '~s' : undefined,
        width: 720,
        height: 380,
        showLegend: true,
      })
    : '<p>The swept values are not numbers: see the table.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(sweep.experiment)} sweep · fabsim</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${esc(sweep.experiment)}</h1><p class="meta">${esc(sweep.field)} over ${sweep.values.length} values</p></header>
<section>${chart}</section>
<section><pre>${esc(formatNcclTable(sweep))}</pre></section>
</body>
</html>
`;
}
