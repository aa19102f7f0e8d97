/**
 * The Colossus study (README "Does the 95% vs 60% hold?"): runs every spec of
 * experiments/colossus/ over seeds and prints one markdown table, min / median / max over
 * seeds per case and fabric, with the counters that say which mechanism costs bandwidth.
 * Effective bandwidth: see effectiveBandwidth below (hierarchical all-reduce: ideal/actual).
 *
 *   nice -n 10 node --max-old-space-size=14000 --import tsx experiments/colossus/run-study.ts [--seeds 1,2,3] [--only 1k] [--fabrics roce] [--save FILE] [--load FILE]
 *
 * --only: run the specs whose file name contains this text; --fabrics A,B: only the fabrics of
 * these names (as in the table, e.g. `roce,spectrum-x+adaptive-global`), so one long spec can
 * run one fabric per process side by side; --save: also write the raw rows
 * (JSON) to FILE; --load FILE[,FILE…]: print the table from rows saved earlier, running nothing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSpec, resolveFabrics, simulateModel, summarize, type ExperimentSpec, type FabricResult } from '../../src/experiment/index.js';
import { Network } from '../../src/fabric/index.js';
import { Jobs, scaleOutFactor, type ScaleOutBound, type Workload } from '../../src/workloads/index.js';

interface Row {
  spec: string;
  fabric: string;
  seed: number;
  completed: boolean;
  effectiveBandwidth: number;
  jctUs: number;
  maxQueueKB: number | null;
  /** Busiest fabric uplink's bytes over the mean uplink's: 1 is perfect balance; ECMP collisions raise it. */
  uplinkImbalance: number | null;
  /** Paused port-time over all fabric port-time. */
  pfcPausedShare: number | null;
  ecnMarks: number;
  cnps: number;
  retransmits: number;
  drops: number;
  wallS: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { seeds: { type: 'string' }, only: { type: 'string' }, fabrics: { type: 'string' }, save: { type: 'string' }, load: { type: 'string' } } });
const seeds = (values.seeds ?? '1,2,3').split(',').map(Number);
const fabricNames = values.fabrics?.split(',');

/** The scale-out lower bound each collective kind obeys (src/workloads/collectives/scale-out.ts). */
const BOUND: Record<string, ScaleOutBound> = { allreduce: 'allreduce', allgather: 'gather', reducescatter: 'gather', alltoall: 'alltoall', broadcast: 'broadcast' };

/**
 * The result's effective bandwidth (README "Output, defined": the least time the scale-out
 * fabric needs over the time taken, never above 100%). For jobs, the same for the slowest
 * job's collective, on that job's own GPUs (bytes inside a server go over NVLink, not the NICs).
 */
function effectiveBandwidth(spec: ExperimentSpec, result: FabricResult, workload: Workload, linkGbps: number): number {
  const w = spec.workload[0]!;
  if (w.kind !== 'jobs' || !(workload instanceof Jobs)) return result.effectiveBandwidth;
  const gpusPerNode = spec.topology.kind === 'rail-optimized' ? spec.topology.gpusPerNode : 1;
  let worst = Infinity;
  w.jobs.forEach((job, i) => {
    const report = result.jobs?.[i];
    if (!report?.completed) return (worst = 0);
    const gpus = workload.jobs[i]!.gpus;
    job.collectives.forEach((c, k) => {
      const factor = scaleOutFactor(BOUND[c.kind]!, gpus, gpusPerNode);
      const us = report.collectiveUs[k]!;
      worst = Math.min(worst, (c.bytes * factor) / (us * 1e3) / (linkGbps / 8));
    });
  });
  return worst === Infinity ? 0 : worst;
}

function runOne(file: string, seed: number): Row[] {
  const spec = { ...loadSpec(file), seed };
  const linkGbps = spec.topology.linkGbps;
  const configs = resolveFabrics(spec.fabrics).filter((c) => fabricNames === undefined || fabricNames.includes(c.name));
  return configs.map((config) => {
    const run = simulateModel(spec, config);
    const result = summarize(run);
    const row: Row = {
      spec: basename(file, '.yaml'),
      fabric: config.name + (run.net.model === 'flow' ? ' (flow)' : ''),
      seed,
      completed: result.completed,
      effectiveBandwidth: effectiveBandwidth(spec, result, run.workload, linkGbps),
      jctUs: result.jobs ? Math.max(...result.jobs.map((j) => j.jctUs)) : result.completionUs,
      maxQueueKB: null,
      uplinkImbalance: null,
      pfcPausedShare: null,
      ecnMarks: result.ecnMarks,
      cnps: result.cnps,
      retransmits: result.retransmits,
      drops: result.drops,
      wallS: run.wallMs / 1000,
    };
    if (run.net instanceof Network) {
      const { switches, fabricTiers } = run.net.topology;
      const fabric = switches.filter((s) => s.tier < fabricTiers);
      const up = fabric.flatMap((s) => s.upPorts).map((p) => p.txBytes);
      const mean = up.reduce((a, b) => a + b, 0) / Math.max(1, up.length);
      const ports = fabric.reduce((n, s) => n + s.ports.length, 0) + run.net.topology.nics.length;
      row.maxQueueKB = result.maxQueueBytes / 1000;
      row.uplinkImbalance = mean > 0 ? Math.max(...up) / mean : null;
      row.pfcPausedShare = result.pfcPausedUs / (ports * result.completionUs);
    }
    process.stderr.write(
      `${row.spec} seed ${seed} ${row.fabric}: eff ${(row.effectiveBandwidth * 100).toFixed(1)}% JCT ${row.jctUs.toFixed(1)} µs, ${row.wallS.toFixed(1)} s\n`,
    );
    return row;
  });
}

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const triple = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))} / ${f(med(xs))} / ${f(Math.max(...xs))}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fix = (d: number) => (x: number) => x.toFixed(d);
const medOf = (rows: Row[], key: keyof Row, f: (x: number) => string) => {
  const xs = rows.map((r) => r[key]).filter((x): x is number => typeof x === 'number');
  return xs.length === rows.length ? f(med(xs)) : '–';
};

function table(rows: Row[]): string {
  const lines = [
    '| case | fabric | seeds | eff. bandwidth min / med / max | JCT µs min / med / max | max queue KB | uplink imbalance | PFC paused share | ECN marks / CNPs | retx | drops |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const keys = [...new Set(rows.map((r) => `${r.spec}\u0000${r.fabric}`))];
  for (const key of keys) {
    const [spec, fabric] = key.split('\u0000') as [string, string];
    const group = rows.filter((r) => r.spec === spec && r.fabric === fabric);
    const done = group.filter((r) => r.completed);
    const note = done.length < group.length ? ` (${group.length - done.length} not completed)` : '';
    lines.push(
      `| ${spec} | ${fabric} | ${group.map((r) => r.seed).join(',')}${note} | ${triple(group.map((r) => r.effectiveBandwidth), pct)} | ${triple(group.map((r) => r.jctUs), fix(1))} | ${medOf(group, 'maxQueueKB', fix(0))} | ${medOf(group, 'uplinkImbalance', fix(2))} | ${medOf(group, 'pfcPausedShare', pct)} | ${medOf(group, 'ecnMarks', fix(0))} / ${medOf(group, 'cnps', fix(0))} | ${medOf(group, 'retransmits', fix(0))} | ${medOf(group, 'drops', fix(0))} |`,
    );
  }
  return lines.join('\n');
}

let rows: Row[];
if (values.load !== undefined) rows = values.load.split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as Row[]);
else {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.yaml') && (values.only === undefined || f.includes(values.only)))
    .sort()
    .map((f) => join(here, f));
  const started = performance.now();
  rows = [];
  for (const file of files) for (const seed of seeds) rows.push(...runOne(file, seed));
  process.stderr.write(`study: ${rows.length} runs in ${((performance.now() - started) / 60000).toFixed(1)} min wall\n`);
  if (values.save !== undefined) writeFileSync(values.save, JSON.stringify(rows, null, 1));
}
const wallS = rows.reduce((s, r) => s + r.wallS, 0);
process.stdout.write(`${table(rows)}\n\nWall time of these ${rows.length} runs: ${(wallS / 60).toFixed(1)} min (sum of per-run wall times on this machine).\n`);
