import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { envWithHugePages } from '../src/cli/huge-pages.js';
import { benchChildArgs } from './bundle.js';

/** What bench/one.ts prints for one run. */
export interface RunRecord {
  scenario: string;
  queue: 'default' | 'heap' | 'typed' | 'radix';
  gpus: number;
  bytes: number;
  events: number;
  /** Network build + simulation, excluding process start-up and module loading. */
  wallMs: number;
  buildMs: number;
  cpuMs: number;
  /** process.resourceUsage().maxRSS at the end, and before the fabric was built. */
  peakRssKiB: number;
  baseRssKiB: number;
  /** V8 heap in use after a forced GC at the end of the run (fabric still alive). */
  liveHeapKiB: number;
  completed: boolean;
  /** Workload completion time, or the clock when a limit stopped the run. */
  simTimeUs: number;
  /** Completed ring or hierarchical all-reduce: its time over the alpha-beta cost (≈ 1 on a non-blocking fabric). */
  alphaBetaRatio?: number;
  /** Which: 'ring', 'hierarchical/tree' or 'hierarchical/ring' (the algorithm across nodes). */
  alphaBetaAlgorithm?: string;
  bytesDelivered: number;
  workloadBytes: number;
  dataPacketsSent: number;
  /** Data packets summed over every link they crossed (NVLink included). */
  packetHops: number;
  retransmits: number;
  drops: number;
  timeouts: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs bench/one.ts (bundled, as users run fabsim) in a fresh Node process (so maxRSS is this run's alone). */
export function runChild(scenario: string, queue?: 'heap' | 'typed' | 'radix'): RunRecord {
  const args = ['--expose-gc', ...benchChildArgs('one'), '--scenario', scenario];
  if (queue) args.push('--queue', queue);
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, env: envWithHugePages() });
  const line = child.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
  if (child.status !== 0 || line === undefined)
    throw new Error(`${scenario}: worker exited ${child.status ?? child.signal}\n${child.stderr}`);
  return JSON.parse(line) as RunRecord;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
