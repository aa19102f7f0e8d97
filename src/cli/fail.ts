import { existsSync, lstatSync, mkdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFilesWhole } from '../report/write-whole.js';

/** Bad input: one line on stderr naming what is wrong, exit code 2, nothing written. */
export function fail(message: string): never {
  process.stderr.write(`fabsim: ${message}\n`);
  process.exit(2);
}

export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(`--seed: expected an integer from 0 to 2^53−1, got "${text}"`);
  return Number(text);
}

/** --sample-us: 1 ns to 10^9 µs, the range of the spec's timers and durations (schema-primitives.ts). */
export function parseSampleUs(text: string | undefined): number | 'auto' {
  if (text === undefined) return 'auto';
  const us = Number(text);
  if (text.trim() === '' || !(us >= 0.001 && us <= 1e9)) fail(`--sample-us: expected an interval from 0.001 to 1,000,000,000 µs, got "${text}"`);
  return us;
}

const errno = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? 'error';

/**
 * Checks and creates an --out folder before anything is simulated, so an unusable one
 * ('' , a file, a dangling symlink, a read-only or virtual file system) fails at once with
 * one line. A folder created here is removed again at exit if nothing was written into it.
 */
export function checkOutDir(dir: string | undefined): void {
  if (dir === undefined) return;
  if (dir.trim() === '') fail('--out: expected a folder path, got ""');
  let created: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) fail(`--out: ${dir} exists and is not a directory`);
  } catch (error) {
    if (errno(error) !== 'ENOENT') fail(`--out: cannot use ${dir} (${errno(error)})`);
    let dangling = false;
    try {
      dangling = lstatSync(dir).isSymbolicLink();
    } catch {
      // Nothing there at all: create it below.
    }
    if (dangling) fail(`--out: ${dir} is a symbolic link to nothing`);
    try {
      created = makeDirs(dir);
    } catch (mkdirError) {
      fail(`--out: cannot create ${dir} (${errno(mkdirError)})`);
    }
  }
  if (created !== undefined) process.on('exit', () => removeIfEmpty(resolve(dir), resolve(created!)));
  const probe = join(dir, `.fabsim-probe.${process.pid}.tmp`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    fail(`--out: cannot write in ${dir} (${errno(error)})`);
  }
}

/** An output file (--flows, export-matrix --out) must not be a directory, and its folder must exist. */
export function checkFlowsFile(path: string | undefined, option = '--flows'): void {
  if (path === undefined) return;
  if (path === '') fail(`${option}: expected a file path`);
  try {
    if (statSync(path).isDirectory()) fail(`${option}: ${path} is a directory`);
  } catch (error) {
    if (errno(error) !== 'ENOENT') fail(`${option}: cannot use ${path}`);
  }
  try {
    if (!statSync(dirname(path)).isDirectory()) fail(`${option}: ${dirname(path)} is not a directory`);
  } catch {
    fail(`${option}: folder ${dirname(path)} does not exist`);
  }
}

/** Writes one file whole or not at all (as --out's files: aside, then renamed over). */
export function writeFileWhole(path: string, text: string): void {
  writeFilesWhole(dirname(path), [[basename(path), text]]);
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync loops forever on a path under
 * /proc (mkdir keeps failing with ENOENT while the parent exists). Returns the first folder made.
 */
function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
  return missing[0];
}

/** Removes `dir` and its parents up to `top` (the first folder created), each only if empty. */
function removeIfEmpty(dir: string, top: string): void {
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

/** Exit code of a run stopped by SIGTERM, as shells report it (128 + 15). */
export const TERMINATED_EXIT_CODE = 143;

/**
 * SIGTERM behaves as Ctrl-C (partial results written), but exits 143, not 130, so a batch
 * scheduler or supervisor that sent it sees which signal stopped the run. Errors that are
 * the input's fault (SpecError, SimulationError, also from a worker thread) print one line
 * and exit 2; any other error is a bug and keeps its stack trace.
 */
export function handleSignalsAndErrors(): void {
  let terminated = false;
  process.on('SIGTERM', () => {
    terminated = true;
    if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
    else process.exit(TERMINATED_EXIT_CODE);
  });
  process.on('exit', (code) => {
    if (terminated && code === 130) process.exitCode = TERMINATED_EXIT_CODE;
  });
  const onError = (error: unknown) => {
    const name = (error as Error | undefined)?.name;
    if (name === 'SpecError' || name === 'SimulationError') fail((error as Error).message.split('\n')[0]!);
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
}
