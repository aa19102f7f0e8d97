import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bad input: one line on stderr naming what is wrong, exit code 2, nothing written. */
export function fail(message: string): never {
  process.stderr.write(`fabsim: ${message}\n`);
  process.exit(2);
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(`--seed: expected a non-negative integer, got "${text}"`);
  return Number(text);
}

/** An --out directory must be a directory or not exist yet (it is created only at the end). */
export function checkOutDir(dir: string | undefined): void {
  if (dir === undefined) return;
  try {
    if (!statSync(dir).isDirectory()) fail(`--out: ${dir} exists and is not a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(`--out: cannot use ${dir}`);
  }
}

/** An output file (--flows, export-matrix --out) must not be a directory, and its folder must exist. */
export function checkFlowsFile(path: string | undefined, option = '--flows'): void {
  if (path === undefined) return;
  if (path === '') fail(`${option}: expected a file path`);
  try {
    if (statSync(path).isDirectory()) fail(`${option}: ${path} is a directory`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(`${option}: cannot use ${path}`);
  }
  try {
    if (!statSync(dirname(path)).isDirectory()) fail(`${option}: ${dirname(path)} is not a directory`);
  } catch {
    fail(`${option}: folder ${dirname(path)} does not exist`);
  }
}

/** Writes a file whole or not at all: aside, then renamed over. */
export function writeFileWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}
