import type { ExperimentResult, FabricResult } from '../experiment/index.js';

interface Column {
  header: string;
  value: (r: FabricResult) => string;
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);

const COLUMNS: Column[] = [
  { header: 'fabric', value: (r) => r.fabric },
  { header: 'time (us)', value: (r) => (r.completed ? '' : '>') + fixed(1)(r.completionUs) },
  // A mix of jobs has no single bandwidth: its per-job lines follow the table.
  { header: 'algbw (GB/s)', value: (r) => (r.jobs ? '-' : fixed(2)(r.algbwGBps)) },
  { header: 'busbw (GB/s)', value: (r) => (r.jobs ? '-' : fixed(2)(r.busbwGBps)) },
  { header: 'eff. bw (scale-out)', value: (r) => (r.jobs ? '-' : `${(r.effectiveBandwidth * 100).toFixed(1)}%`) },
  { header: 'p50 lat (us)', value: (r) => fixed(2)(r.latencyUs.p50) },
  { header: 'p99 lat (us)', value: (r) => fixed(2)(r.latencyUs.p99) },
  { header: 'p99 fct (us)', value: (r) => fixed(1)(r.fctUs.p99) },
  { header: 'drops', value: (r) => String(r.drops) },
  { header: 'retx', value: (r) => String(r.retransmits) },
  { header: 'pauses', value: (r) => String(r.pfcPauses) },
  { header: 'events', value: (r) => String(r.events) },
  { header: 'wall (s)', value: (r) => (r.wallMs / 1000).toFixed(1) },
];

/** The terminal table: one row per fabric, right-aligned numbers. */
export function formatTable(result: ExperimentResult): string {
  const several = new Set(result.results.map((r) => r.workload)).size > 1;
  const columns = several ? [{ header: 'workload', value: (r: FabricResult) => r.workload }, ...COLUMNS] : COLUMNS;
  const rows = result.results.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < columns.length - COLUMNS.length + 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const title = `${result.experiment} (seed ${result.seed})${several ? '' : `: ${result.results[0]?.workload ?? ''}`}`;
  const notes = result.partial
    ? ['> : did not finish; partial results: interrupted (later runs, if any, did not start)']
    : result.results.some((r) => !r.completed)
      ? ['> : stopped by a limit before the workload finished']
      : [];
  if (result.switchPorts !== undefined) notes.push(`scale-out switch ports: ${result.switchPorts}`);
  return [title, line(columns.map((c) => c.header)), ...rows.map(line), ...notes].join('\n');
}
