import { spawn, spawnSync } from 'node:child_process';

/** What `fabsim` did: exit code and both streams. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `fabsim ARGS` (src/cli.ts under tsx) and waits for it, without blocking the test's event loop. */
export function cli(...args: string[]): Promise<CliOutcome> {
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

/** Runs `fabsim ARGS` to completion, blocking (tests that need nothing else meanwhile). */
export function cliSync(...args: string[]): CliOutcome {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
