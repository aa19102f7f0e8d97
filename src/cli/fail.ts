import { statSync } from 'node:fs';

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
