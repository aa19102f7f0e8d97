/**
 * A hot-path change against the code before it, on a machine whose speed drifts by up to 2×
 * within minutes: runs a bench scenario (bench/one.ts, one process per run) from the working
 * tree and from a git revision side by side, one per core, so both runs of a pair see the same
 * machine, and prints each pair's CPU seconds, their ratio, and the median ratio (README,
 * "Measuring on this machine").
 *   npx tsx bench/pair.ts --scenario htsim-as-htsim-1024 [--base HEAD] [--runs 3]
 * The base is checked out into a temporary git worktree; each side is bundled as the bench's
 * children are (bin/bundle-options.mjs) into .bench-bundle-base/ and .bench-bundle-head/, one
 * level below the root as bench/ is, so both read the scenarios' files from this checkout's
 * experiments/ and their packages from its node_modules/.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { envWithHugePages } from '../src/cli/huge-pages.js';
import { bundleBench } from './bundle.js';
import { median, type RunRecord } from './measure.js';
import { findScenario } from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({ options: { scenario: { type: 'string' }, base: { type: 'string', default: 'HEAD' }, runs: { type: 'string', default: '3' } } });
const scenario = findScenario(values.scenario ?? '').name;
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number of pairs ≥ 1, got ${values.runs}`);

/** Bundles `tree`'s bench/one.ts into ROOT/.bench-bundle-SIDE/; returns the entry to run. */
function bundle(tree: string, side: 'base' | 'head'): string {
  const outdir = join(ROOT, `.bench-bundle-${side}`);
  bundleBench(tree, ['one'], outdir);
  return join(outdir, 'one.mjs');
}

/** One run of the scenario (asynchronous, so the two of a pair run at once). */
function runOne(entry: string): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', entry, '--scenario', scenario], { stdio: ['ignore', 'pipe', 'inherit'], env: envWithHugePages() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${entry} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n')[0]!) as RunRecord);
    });
  });
}

const worktree = mkdtempSync(join(tmpdir(), 'fabsim-pair-'));
let added = false;
try {
  execFileSync('git', ['worktree', 'add', '--detach', worktree, values.base!], { cwd: ROOT, stdio: 'pipe' });
  added = true;
  const base = bundle(worktree, 'base');
  const head = bundle(ROOT, 'head');
  process.stdout.write(`${scenario}: CPU s of the simulation, ${values.base} (base) and the working tree (head) side by side\npair\tbase\thead\thead/base\n`);
  const ratios: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const [b, h] = await Promise.all([runOne(base), runOne(head)]);
    const same = b.events === h.events && b.simTimeUs === h.simTimeUs;
    ratios.push(h.cpuMs / b.cpuMs);
    process.stdout.write(`${i}\t${(b.cpuMs / 1000).toFixed(2)}\t${(h.cpuMs / 1000).toFixed(2)}\t${(h.cpuMs / b.cpuMs).toFixed(3)}${same ? '' : `\tresults differ: events ${b.events} vs ${h.events}, ${b.simTimeUs} vs ${h.simTimeUs} µs`}\n`);
  }
  process.stdout.write(`median head/base: ${median(ratios).toFixed(3)}\n`);
} finally {
  if (added) execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'ignore' });
  rmSync(worktree, { recursive: true, force: true });
}
