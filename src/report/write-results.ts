import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from '../experiment/index.js';
import type { SweepResult } from '../experiment/sweep.js';
import { csvCell, formatCsv } from './csv.js';
import { renderReport, type ReportSource } from './html/index.js';
import { renderSweepReport } from './html/sweep-report.js';
import { formatJson } from './json.js';

/** A temp file of ours: ".result.json.<pid>.tmp" (and the --out probe ".fabsim-probe.<pid>.tmp"). */
const TEMP_FILE = /^\..+\.(\d+)\.tmp$/;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
};

/** Removes temp files that a killed writer (SIGKILL mid-write) left in `dir`; a live writer's stay. */
export function removeStaleTempFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = Number(TEMP_FILE.exec(name)?.[1]);
    if (pid > 0 && (pid === process.pid || !alive(pid))) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Writes each [name, text] into `dir`, each file whole or not at all: all written aside,
 * then renamed over. Stale temp files of earlier killed writes are cleaned first.
 */
export function writeFilesWhole(dir: string, files: [string, string][]): void {
  mkdirSync(dir, { recursive: true });
  removeStaleTempFiles(dir);
  const written: string[] = [];
  try {
    for (const [name, text] of files) {
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      written.push(tmp);
      writeFileSync(tmp, text);
    }
    files.forEach(([name], i) => renameSync(written[i]!, join(dir, name)));
  } finally {
    for (const tmp of written) rmSync(tmp, { force: true });
  }
}

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
