import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest globalSetup: every temporary file of a run (the tests' mkdtempSync folders, the CLI
 * children's, tsx's cache for them) goes into one folder, removed when the run ends, so runs
 * do not pile folders up in /tmp. Workers and spawned CLIs inherit TMPDIR, and os.tmpdir() reads it.
 */
export function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-test-run-'));
  // What a test keeps on purpose (KEEP_SCREENSHOT) goes here instead.
  process.env.FABSIM_OUTER_TMPDIR = tmpdir();
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
