import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentResult } from '../experiment/index.js';
import { formatCsv } from './csv.js';

/** Writes result.json and result.csv into `dir`; each file appears whole or not at all. */
export function writeResults(dir: string, result: ExperimentResult): void {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['result.json', JSON.stringify(result, null, 2) + '\n'],
    ['result.csv', formatCsv(result)],
  ];
  for (const [name, text] of files) {
    const path = join(dir, name);
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
}
