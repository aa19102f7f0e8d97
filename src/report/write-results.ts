import type { ExperimentResult } from '../experiment/index.js';
import type { SweepResult } from '../experiment/sweep.js';
import { csvCell, formatCsv } from './csv.js';
import { renderReport, type ReportSource } from './html/index.js';
import { renderSweepReport } from './html/sweep-report.js';
import { formatJson } from './json.js';
import { writeFilesWhole } from './write-whole.js';

/**
 * Writes result.json, result.csv and report.html into `dir`. Every text is made before
 * anything touches the disk, and each file appears whole or not at all.
 */
export function writeResults(dir: string, result: ExperimentResult, source: ReportSource = {}): void {
  writeFilesWhole(dir, [
    ['result.json', formatJson(result) + '\n'],
    ['result.csv', formatCsv(result)],
    ['report.html', renderReport(result, source)],
  ]);
}

/** sweep.json, sweep.csv (a row per point, workload and fabric) and sweep.html (busbw against the value). */
export function sweepFiles(sweep: SweepResult): [string, string][] {
  const csv = sweep.points
    .map((p, i) => {
      const lines = formatCsv(p.result).trimEnd().split('\n');
      const rows = lines.slice(1).map((l) => `${csvCell(p.value)},${l}`);
      return i === 0 ? [`${csvCell(sweep.field)},${lines[0]}`, ...rows] : rows;
    })
    .flat()
    .join('\n');
  return [
    ['sweep.json', `${JSON.stringify(sweep, null, 2)}\n`],
    ['sweep.csv', `${csv}\n`],
    ['sweep.html', renderSweepReport(sweep)],
  ];
}
