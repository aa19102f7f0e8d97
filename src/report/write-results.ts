import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from '../experiment/index.js';
import { formatCsv } from './csv.js';
import { renderReport, type ReportSource } from './html/index.js';
import { formatJson } from './json.js';

/**
 * Writes result.json, result.csv and report.html into `dir`. Every text is made before
 * anything touches the disk, and each file appears whole or not at all (written aside,
 * then renamed over).
 */
export function writeResults(dir: string, result: ExperimentResult, source: ReportSource = {}): void {
  const files: [string, string][] = [
    ['result.json', formatJson(result) + '\n'],
    ['result.csv', formatCsv(result)],
    ['report.html', renderReport(result, source)],
  ];
  mkdirSync(dir, { recursive: true });
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
