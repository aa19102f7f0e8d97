import { AUTO_CHOICE_MARK } from '../experiment/result.js';
import type { SweepResult } from '../experiment/sweep.js';

const FLOAT_BYTES = 4;

/**
 * A sweep as nccl-tests prints it: one row per point, and per fabric (and workload) the
 * time, algbw and busbw. When the swept field is not the size, the first column is its value.
 */
export function formatNcclTable(sweep: SweepResult): string {
  const first = sweep.points[0]?.result.results ?? [];
  // An `auto` row's label names its choice ("… → tree/ll x16"), which changes with the size: leave it out of the column names.
  const label = (workload: string) => workload.split(AUTO_CHOICE_MARK)[0]!;
  const series = first.map((r) => (new Set(first.map((x) => label(x.workload))).size > 1 ? `${label(r.workload)} ${r.fabric}` : r.fabric));
  const bySize = /(^|\.)bytes$/.test(sweep.field);
  const head = bySize ? ['size', 'count', 'type'] : [sweep.field, 'size', 'type'];
  const units = bySize ? ['(B)', '(elements)', ''] : ['', '(B)', ''];
  const rows = sweep.points.map((p) => {
    const results = p.result.results;
    const w = p.result.workload as { bytes?: number } | { bytes?: number }[];
    const bytes = (Array.isArray(w) ? w[0]?.bytes : w.bytes) ?? 0;
    const lead = bySize ? [String(bytes), String(Math.floor(bytes / FLOAT_BYTES)), 'float'] : [String(p.value), String(bytes), 'float'];
    return [...lead, ...results.flatMap((r) => [(r.completed ? '' : '>') + r.completionUs.toFixed(1), r.algbwGBps.toFixed(2), r.busbwGBps.toFixed(2)])];
  });
  const header = [...head, ...series.flatMap((s) => [`${s} time`, 'algbw', 'busbw'])];
  const unitRow = [...units, ...series.flatMap(() => ['(us)', '(GB/s)', '(GB/s)'])];
  const widths = header.map((h, i) => Math.max(h.length, unitRow[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], prefix: string) => prefix + cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const avg = series.map((s, k) => {
    const busbw = sweep.points.map((p) => p.result.results[k]?.busbwGBps ?? 0);
    return `# Avg bus bandwidth ${s}: ${(busbw.reduce((a, b) => a + b, 0) / Math.max(1, busbw.length)).toFixed(2)}`;
  });
  return [
    `# ${sweep.experiment}: ${sweep.field} over ${sweep.values.length} values${sweep.shard ? ` (shard ${sweep.shard.index}/${sweep.shard.count})` : ''}`,
    line(header, '#'),
    line(unitRow, '#'),
    ...rows.map((r) => line(r, ' ')),
    ...avg,
    ...crossovers(sweep, series),
  ].join('\n');
}

/**
 * For `algorithm: auto` / `protocol: auto`: per series, what NCCL's tuning model chose at the
 * first point and each swept value where the choice changes (where to force another one).
 */
function crossovers(sweep: SweepResult, series: string[]): string[] {
  return series.flatMap((name, k) => {
    const choices = sweep.points.map((p) => p.result.results[k]?.workload.split(AUTO_CHOICE_MARK)[1]);
    if (choices.every((c) => c === undefined)) return [];
    const steps = choices.flatMap((c, i) => (i === 0 || c !== choices[i - 1] ? [`${c ?? '?'} from ${sweep.points[i]!.value}`] : []));
    return [`# auto ${name}: ${steps.join(', ')}`];
  });
}
