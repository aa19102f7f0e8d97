import { spawn } from 'node:child_process';

/**
 * A run long enough to signal mid-way: spraying under go-back-N retransmits most of 1 GiB,
 * about 15 s of simulation on two fabrics, so a signal a second or two in lands mid-run.
 */
export const LONG_RUN_SPEC = `name: long
seed: 1
topology: { kind: leaf-spine, gpus: 128, gpusPerLeaf: 16, linkGbps: 400 }
fabrics: [{ preset: ethernet, routing: spray }, ethernet]
workload: { kind: permutation, bytes: 8MiB }
`;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  afterSignalMs: number;
}

/**
 * Runs the CLI and sends `signal` once it has printed its first line (its SIGINT handler is
 * in place then; a loaded machine starts slowly), `afterMs` after the spawn (`from: 'spawn'`)
 * or after that line (`from: 'first-line'`, which run prints just before its first build).
 */
export function interrupted(args: string[], afterMs: number, from: 'spawn' | 'first-line', signal: NodeJS.Signals = 'SIGINT'): Promise<Exit> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalledAt = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (signalledAt === 0 && stderr.includes('\n')) {
        signalledAt = -1;
        const delayMs = from === 'spawn' ? Math.max(0, afterMs - (Date.now() - started)) : afterMs;
        setTimeout(() => {
          signalledAt = Date.now();
          child.kill(signal);
        }, delayMs);
      }
    });
    child.on('close', (code, exitSignal) => resolve({ code, signal: exitSignal, stdout, stderr, afterSignalMs: Date.now() - signalledAt }));
  });
}
