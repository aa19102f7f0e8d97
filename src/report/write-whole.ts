import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
