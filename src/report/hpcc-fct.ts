import type { FabricResult } from '../experiment/index.js';

/**
 * Per-message records in the layout of the HPCC simulator's fct.txt (alibaba-edu/
 * High-Precision-Congestion-Control, simulation/scratch/third.cc, qp_finish): one line per
 * completed flow, in completion order,
 *   sip dip sport dport size start_time fct standalone_fct
 * as `%08x %08x %u %u %lu %lu %lu %lu`: IPs in hex, sizes in bytes, times in ns. The scripts
 * written for those files (fct_analysis.py keeps dport 100 and divides fct by standalone_fct)
 * read these. fabsim's fct ends when the last byte is delivered, HPCC's when the sender gets
 * the last ACK; each standalone_fct matches its own fct, so the slowdown is the same measure.
 */

/** HPCC's node_id_to_ip: 11.x.y.1 for host id x·256 + y. */
export const hpccIp = (id: number): number => 0x0b000001 + Math.floor(id / 256) * 0x00010000 + (id % 256) * 0x00000100;
/** HPCC: every host's source ports count up from 10000, one per flow in start order; the destination port is 100. */
const FIRST_SPORT = 10000;
const DPORT = 100;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const ns = (us: number): number => Math.round(us * 1000);

/** One fabric row's flows as fct.txt; flows not delivered are left out, as HPCC writes a line only when a flow completes. */
export function formatHpccFct(row: FabricResult): string {
  const flows = (row.flows ?? []).map((f, i) => ({ ...f, i }));
  const nextPort = new Map<number, number>();
  const sport = new Map<number, number>();
  for (const f of [...flows].sort((a, b) => a.startUs - b.startUs || a.i - b.i)) {
    const port = nextPort.get(f.src) ?? FIRST_SPORT;
    sport.set(f.i, port);
    nextPort.set(f.src, port + 1);
  }
  const done = flows.filter((f) => f.fctUs !== null).sort((a, b) => a.startUs + a.fctUs! - (b.startUs + b.fctUs!) || a.i - b.i);
  return done
    .map((f) => `${hex8(hpccIp(f.src))} ${hex8(hpccIp(f.dst))} ${sport.get(f.i)} ${DPORT} ${f.sizeBytes} ${ns(f.startUs)} ${ns(f.fctUs!)} ${ns(f.idealFctUs)}\n`)
    .join('');
}

/**
 * fct.txt holds one simulation: with one row carrying flows it goes to `path` itself, with
 * several each to its own file, `fct.txt` → `fct.0-ethernet.txt`, `fct.1-roce.txt`, ... (row index, fabric).
 */
export function hpccFctFiles(rows: FabricResult[], path: string): [string, string][] {
  const withFlows = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.flows !== undefined);
  if (withFlows.length <= 1) return [[path, withFlows[0] ? formatHpccFct(withFlows[0].r) : '']];
  const dot = path.lastIndexOf('.');
  const [stem, ext] = dot > path.lastIndexOf('/') ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  return withFlows.map(({ r, i }) => [`${stem}.${i}-${r.fabric.replace(/[^A-Za-z0-9_-]+/g, '_')}${ext}`, formatHpccFct(r)]);
}
