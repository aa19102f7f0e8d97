/**
 * A hot-path change against the code before it, on a machine whose speed drifts by up to 2×
 * within minutes: runs a bench scenario (bench/one.ts, or bench/flow-one.ts for a flow-model
 * one, one process per run) from the working tree and from a git revision side by side, one
 * per core, so both runs of a pair see the same machine, and prints each pair's CPU seconds,
 * their ratio, and the median ratio (README, "Measuring on this machine").
 *   npx tsx bench/pair.ts --scenario htsim-as-htsim-1024 [--base HEAD] [--runs 3]
 *   npx tsx bench/pair.ts --scenario flow-hierarchical-100k
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
import { FLOW_SCENARIOS } from './flow-scenarios.js';
import { median } from './measure.js';
import { SCENARIOS } from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({ options: { scenario: { type: 'string' }, base: { type: 'string', default: 'HEAD' }, runs: { type: 'string', default: '3' } } });
const scenario = values.scenario ?? '';
const flow = FLOW_SCENARIOS.some((s) => s.name === scenario);
if (!flow && !SCENARIOS.some((s) => s.name === scenario))
  throw new Error(`--scenario: one of ${[...SCENARIOS, ...FLOW_SCENARIOS].map((s) => s.name).join(', ')}; got "${scenario}"`);
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a whole number of pairs ≥ 1, got ${values.runs}`);
// A flow-model run as README "Flow-level model" runs it (bench/flow-one.ts's header).
const entryName = flow ? 'flow-one' : 'one';
const nodeArgs = flow ? ['--expose-gc', '--max-old-space-size=20000', '--max-semi-space-size=64'] : ['--expose-gc'];

/** What a pair compares: one.ts prints CPU in ms, flow-one.ts in s. */
interface PairRecord {
  cpuMs: number;
  events: number;
  simTimeUs: number;
}

/** Bundles `tree`'s bench entry into ROOT/.bench-bundle-SIDE/; returns the file to run. */
function bundle(tree: string, side: 'base' | 'head'): string {
  const outdir = join(ROOT, `.bench-bundle-${side}`);
  bundleBench(tree, [entryName], outdir);
  return join(outdir, `${entryName}.mjs`);
}

/** One run of the scenario (asynchronous, so the two of a pair run at once). */
function runOne(entry: string): Promise<PairRecord> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, entry, '--scenario', scenario], { stdio: ['ignore', 'pipe', 'inherit'], env: envWithHugePages() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${entry} exited with ${code}`));
      const record = JSON.parse(out.trim().split('\n')[0]!) as { cpuMs?: number; cpuS?: number; events: number; simTimeUs: number };
      resolve({ cpuMs: record.cpuMs ?? record.cpuS! * 1000, events: record.events, simTimeUs: record.simTimeUs });
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
