import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERRUPT_GRACE_MS } from '../src/cli/heap-limit.js';
import { runOnWorkers, type PoolHooks } from '../src/cli/worker-pool.js';
import { interrupted } from './interrupt-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-interrupt-build-'));

// 65,536 GPUs on a leaf-spine: building the packet model takes ~2 s on a quiet 2-core machine
// (one synchronous stretch, ~600 MB; slower when loaded), and the first line is printed just
// before it, so an interrupt 100 ms after that line lands in the build on a fast machine too
// (32,768 GPUs and 300 ms sometimes missed it: the build was over).
const spec = (name: string, fabrics: string) => `name: ${name}
seed: 1
topology: { kind: leaf-spine, gpus: 65536, gpusPerLeaf: 64 }
fabrics: ${fabrics}
workload: { kind: permutation, bytes: 4KiB }
`;

/** Processes still running this spec file (the relaunched child included). */
const survivors = (specPath: string): string[] =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(specPath));

describe('Ctrl-C during a big topology build', () => {
  it('stops at once (the parent kills the child that cannot hear it), exits 130, writes nothing, leaves no process', async () => {
    const specPath = join(dir, 'big.yaml');
    writeFileSync(specPath, spec('big', '[ethernet]'));
    const out = join(dir, 'out');
    const r = await interrupted(['run', specPath, '--jobs', '1', '--out', out], 100, 'first-line');
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted while building the topology/);
    // The grace the child has to acknowledge, plus time for the kill to land.
    expect(r.afterSignalMs).toBeLessThan(INTERRUPT_GRACE_MS + 1_500);
    expect(r.stdout).toBe('');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(survivors(specPath)).toEqual([]);
  }, 30_000);
});

/** Tasks of the stand-in worker: deaf (building) for deafMs, then running for runMs unless stopped. */
interface Task {
  id: number;
  deafMs: number;
  runMs: number;
}
type Reply = { id: number; stopped: boolean };
const WORKER = new URL('./fixtures/deaf-worker.mjs', import.meta.url);
const GRACE_MS = 300;

/** Runs `tasks` on `size` stand-in workers; aborts when `abortWhen` says so; the replies and the ms from abort to resolve. */
async function pool(tasks: Task[], size: number, abortWhen: (note: unknown, abort: () => void) => void) {
  const controller = new AbortController();
  let abortedAt = 0;
  const abort = () => {
    abortedAt = Date.now();
    controller.abort();
  };
  const hooks: PoolHooks<Reply> = {
    isNote: (m) => !('stopped' in (m as object)),
    onNote: (m) => abortWhen(m, abort),
    phaseOf: (m) => ('building' in (m as object) ? 'deaf' : 'built' in (m as object) ? 'listening' : undefined),
    deafGraceMs: GRACE_MS,
    signal: controller.signal,
    stopMessage: { stop: true },
  };
  const promise = runOnWorkers<Task, Reply>(WORKER, tasks, size, hooks);
  abortWhen(undefined, abort);
  const replies = await promise;
  return { replies, afterAbortMs: Date.now() - abortedAt };
}

describe('the run worker pool on Ctrl-C', () => {
  it('terminates a worker deaf in a build at once (no reply), and stops one that listens (its reply partial)', async () => {
    const tasks = [
      { id: 0, deafMs: 20_000, runMs: 0 },
      { id: 1, deafMs: 0, runMs: 20_000 },
    ];
    let building = false;
    const r = await pool(tasks, 2, (note, abort) => {
      if (note !== undefined && 'building' in (note as object) && !building) {
        building = true;
        setTimeout(abort, 100);
      }
    });
    expect(r.replies).toEqual([{ id: 1, stopped: true }]);
    expect(r.afterAbortMs).toBeLessThan(1_000);
  });

  it('a worker told to stop before its build began (still booting) has the grace to come back, then is terminated', async () => {
    const r = await pool([{ id: 0, deafMs: 20_000, runMs: 0 }], 1, (note, abort) => {
      if (note === undefined) abort();
    });
    expect(r.replies).toEqual([]);
    expect(r.afterAbortMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(r.afterAbortMs).toBeLessThan(GRACE_MS + 2_000);
  });

  it('a build shorter than the grace ends in a reply: the run stopped after it, its row partial', async () => {
    const r = await pool([{ id: 0, deafMs: 50, runMs: 20_000 }], 1, (note, abort) => {
      if (note === undefined) abort();
    });
    expect(r.replies).toEqual([{ id: 0, stopped: true }]);
  });
});
