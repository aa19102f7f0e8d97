import { shapeOf, type TopologySpec } from '../fabric/index.js';
import type { ExperimentResult, FabricResult } from '../experiment/result.js';
import type { SweepResult } from '../experiment/sweep.js';

/**
 * nccl-tests' output (src/common.cu of NVIDIA/nccl-tests), column for column, so the scripts
 * that parse it read fabsim's: one block per fabric, one row per size. fabsim has one time
 * per size, so the in-place columns repeat the out-of-place ones; nothing is checked, so
 * #wrong is 0 (N/A for a run a limit stopped before it finished).
 */

const FLOAT_BYTES = 4;
/** Collectives whose nccl-tests count column is per rank (count / nranks, from getCollByteCount). */
const PER_RANK_COUNT = new Set(['allgather', 'reducescatter', 'alltoall']);
const REDOP: Record<string, string> = { allreduce: 'sum', reducescatter: 'sum' };
const COLLECTIVES = new Set(['allreduce', 'allgather', 'reducescatter', 'alltoall', 'broadcast']);

/** A workload nccl-tests has a test for: one of its collectives. */
export const isNcclTestsWorkload = (w: { kind?: unknown }): boolean => COLLECTIVES.has(String(w.kind));

interface Row {
  kind: string;
  bytes: number;
  ranks: number;
  r: FabricResult;
}

const pad = (s: string, width: number): string => s.padStart(width);

/** printf's %7.0f / %7.1f / %7.2f by magnitude, as nccl-tests prints the time. */
export function ncclTimeUs(us: number): string {
  return pad(us.toFixed(us >= 10000 ? 0 : us >= 100 ? 1 : 2), 7);
}

/** printf's %g: 6 significant digits, trailing zeros dropped, exponent below 1e-4 or from 1e6. */
export function printfG(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/\.?0+$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

const HEADER = [
  `# ${pad('', 10)}  ${pad('', 12)}  ${pad('', 8)}  ${pad('', 6)}  ${pad('', 6)}           out-of-place                       in-place          `,
  `# ${pad('size', 10)}  ${pad('count', 12)}  ${pad('type', 8)}  ${pad('redop', 6)}  ${pad('root', 6)}  ${pad('time', 7)}  ${pad('algbw', 6)}  ${pad('busbw', 6)} ${pad('#wrong', 6)}  ${pad('time', 7)}  ${pad('algbw', 6)}  ${pad('busbw', 6)} ${pad('#wrong', 6)}`,
  `# ${pad('(B)', 10)}  ${pad('(elements)', 12)}  ${pad('', 8)}  ${pad('', 6)}  ${pad('', 6)}  ${pad('(us)', 7)}  ${pad('(GB/s)', 6)}  ${pad('(GB/s)', 6)}  ${pad('', 5)}  ${pad('(us)', 7)}  ${pad('(GB/s)', 6)}  ${pad('(GB/s)', 6)}  ${pad('', 5)}`,
];

/** One row: `%12li  %12li  %8s  %6s  %6i`, then `  %7s  %6.2f  %6.2f  %5g` out of place and again in place. */
export function ncclTestsRow({ kind, bytes, ranks, r }: Row): string {
  const elements = Math.floor(bytes / FLOAT_BYTES);
  const count = PER_RANK_COUNT.has(kind) ? Math.floor(elements / ranks) : elements;
  const root = kind === 'broadcast' ? 0 : -1;
  const lead = `${pad(String(bytes), 12)}  ${pad(String(count), 12)}  ${pad('float', 8)}  ${pad(REDOP[kind] ?? 'none', 6)}  ${pad(String(root), 6)}`;
  const cols = `  ${ncclTimeUs(r.completionUs)}  ${pad(r.algbwGBps.toFixed(2), 6)}  ${pad(r.busbwGBps.toFixed(2), 6)}  ${pad(r.completed ? '0' : 'N/A', 5)}`;
  return lead + cols + cols;
}

function block(title: string, rows: Row[]): string {
  // nccl-tests averages busbw over every out-of-place and in-place row: the same here.
  const avg = rows.reduce((s, row) => s + row.r.busbwGBps, 0) / Math.max(1, rows.length);
  const stopped = rows.filter((row) => !row.r.completed).length;
  return [
    `# ${title}`,
    '# fabsim: one time per size, so in-place = out-of-place; #wrong: nothing is checked (N/A: stopped before the end)',
    '#',
    ...HEADER,
    ...rows.map(ncclTestsRow),
    `# Out of bounds values : 0 OK`,
    `# Avg bus bandwidth    : ${printfG(avg)} `,
    ...(stopped > 0 ? [`# fabsim: ${stopped} row${stopped === 1 ? '' : 's'} stopped by a limit before the end (#wrong N/A)`] : []),
    '#',
  ].join('\n');
}

type WorkloadDoc = { kind?: unknown; bytes?: unknown; ranks?: unknown };

function rowOf(workload: WorkloadDoc, r: FabricResult, gpus: number): Row | undefined {
  if (!isNcclTestsWorkload(workload)) return undefined;
  const ranks = typeof workload.ranks === 'number' ? workload.ranks : gpus;
  return { kind: String(workload.kind), bytes: Number(workload.bytes), ranks, r };
}

// A file topology's result keeps its GPU count, not its graph (echoTopology).
const gpusOf = (topology: Record<string, unknown>): number =>
  topology.kind === 'file' ? (topology.gpus as number) : shapeOf(topology as unknown as TopologySpec).gpus;

/** Groups rows by fabric (and, for a sweep with several workloads, by workload), in first-seen order. */
function blocks(experiment: string, entries: { key: string; row: Row }[]): string {
  const groups = new Map<string, Row[]>();
  for (const { key, row } of entries) groups.set(key, [...(groups.get(key) ?? []), row]);
  return [...groups].map(([key, rows]) => block(`${experiment}: ${key}`, rows)).join('\n');
}

/** `fabsim run --format nccl-tests`: per fabric, one row per collective workload of the spec (rows run workload by workload, fabric by fabric). */
export function formatNcclTestsRun(result: ExperimentResult): string {
  const workloads = (Array.isArray(result.workload) ? result.workload : [result.workload]) as WorkloadDoc[];
  const fabrics = new Set(result.results.map((r) => r.fabric)).size;
  const gpus = gpusOf(result.topology);
  const entries = result.results.flatMap((r, i) => {
    const row = rowOf(workloads[Math.floor(i / Math.max(1, fabrics))] ?? {}, r, gpus);
    return row ? [{ key: `fabric ${r.fabric}, seed ${result.seed}`, row }] : [];
  });
  return blocks(result.experiment, entries);
}

/** `fabsim sweep --format nccl-tests`: per fabric (and workload), one row per point: a sweep of workload.bytes is nccl-tests' table. */
export function formatNcclTestsSweep(sweep: SweepResult): string {
  const entries = sweep.points.flatMap((p) => {
    const workloads = (Array.isArray(p.result.workload) ? p.result.workload : [p.result.workload]) as WorkloadDoc[];
    const fabrics = new Set(p.result.results.map((r) => r.fabric)).size;
    const gpus = gpusOf(p.result.topology);
    return p.result.results.flatMap((r, i) => {
      const w = Math.floor(i / Math.max(1, fabrics));
      const row = rowOf(workloads[w] ?? {}, r, gpus);
      const swept = /(^|\.)bytes$/.test(sweep.field) ? '' : ` (${sweep.field} = ${p.value})`;
      return row ? [{ key: `fabric ${r.fabric}${workloads.length > 1 ? `, workload ${w}` : ''}, seed ${p.result.seed}${swept}`, row }] : [];
    });
  });
  return blocks(sweep.experiment, entries);
}
