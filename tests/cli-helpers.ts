import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** What `fabsim` did: exit code and both streams. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI the tests spawn: bin/fabsim.mjs, the bundled one npm start runs. It starts in half
 * the time of src/cli.ts under tsx (which loads ~240 files through loader hooks, twice: the
 * CLI relaunches itself with a larger heap); bundled-cli.test.ts checks both print the same.
 */
export const FABSIM = resolve('bin/fabsim.mjs');

/** Runs `fabsim ARGS` (the bundled CLI) and waits for it, without blocking the test's event loop. */
export function cli(...args: string[]): Promise<CliOutcome> {
  return node([FABSIM, ...args]);
}

/** Runs `fabsim ARGS` from src/cli.ts under tsx: what the bundle must match. */
export function cliFromSource(...args: string[]): Promise<CliOutcome> {
  return node(['--import', 'tsx', 'src/cli.ts', ...args]);
}

/** Runs `node ARGS` from `cwd` and waits for it, without blocking the test's event loop. */
export function node(args: string[], cwd = '.'): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `fabsim ARGS` (the bundled CLI) to completion, blocking (tests that need nothing else meanwhile). */
export function cliSync(...args: string[]): CliOutcome {
  const r = spawnSync(process.execPath, [FABSIM, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
