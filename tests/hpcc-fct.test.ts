import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { runExperimentLive, type FabricResult } from '../src/experiment/index.js';
import { formatHpccFct, hpccFctFiles } from '../src/report/hpcc-fct.js';
import { spec } from './helpers.js';

/** A line of HPCC's fct.txt as its analysis scripts split it: `%08x %08x %u %u %lu %lu %lu %lu`. */
const LINE = /^([0-9a-f]{8}) ([0-9a-f]{8}) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/;
/** HPCC's ip_to_node_id. */
const nodeOf = (hexIp: string) => (parseInt(hexIp, 16) >> 8) & 0xffff;

async function runMatrix(text: string): Promise<FabricResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-hpcc-fct-'));
  writeFileSync(join(dir, 'flows.cm'), text);
  const s = spec({
    topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 400, linkDelayNs: 500 },
    fabrics: [{ preset: 'roce', cc: 'none', ecn: { enabled: false }, mtuBytes: 4000, headerBytes: 64 }],
    workload: { kind: 'matrix', file: join(dir, 'flows.cm') },
  });
  return (await runExperimentLive(s, { sampling: 'off', flows: true })).results[0]!;
}

describe('--flows-format hpcc (fct.txt)', () => {
  it('flows alone on the idle fabric: fct = standalone_fct = (P + h − 1)·s + h·d, in ns, with HPCC IPs and ports', async () => {
    // 0→5 crosses leaf, spine, leaf (h = 4 links, P = 3 frames); 2→3 only its leaf (h = 2, P = 2), later.
    const row = await runMatrix('Nodes 8\nConnections 2\n0->5 id 1 start 0 size 12000\n2->3 id 2 start 3000000 size 8000\n');
    const s = serializationPs(4064, 400);
    const d = psFromNs(500);
    const lines = formatHpccFct(row).trimEnd().split('\n').map((l) => LINE.exec(l)!);
    expect(lines.map((m) => [nodeOf(m[1]!), nodeOf(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])])).toEqual([
      [0, 5, 10000, 100, 12000, 0],
      [2, 3, 10000, 100, 8000, 3000],
    ]);
    expect(lines[0]![1]).toBe('0b000001'); // node 0 is 11.0.0.1
    expect(lines[1]![2]).toBe('0b000301');
    const expected = [Math.round(((3 + 4 - 1) * s + 4 * d) / 1000), Math.round(((2 + 2 - 1) * s + 2 * d) / 1000)];
    expect(lines.map((m) => Number(m[7]))).toEqual(expected);
    expect(lines.map((m) => Number(m[8]))).toEqual(expected);
  });

  it('a host numbers its flows 10000, 10001, ... in start order; lines come in completion order; undelivered flows are left out', () => {
    const flow = (src: number, startUs: number, fctUs: number | null) => ({ src, dst: 300, sizeBytes: 1000, startUs, fctUs, idealFctUs: 1 });
    const row = { fabric: 'f', flows: [flow(1, 5, 1), flow(1, 0, 10), flow(2, 0, null), flow(1, 2, 1)] } as unknown as FabricResult;
    const lines = formatHpccFct(row).trimEnd().split('\n');
    // Finish times: 6, 10, 3 (µs) for the delivered ones.
    expect(lines).toEqual([
      '0b000101 0b012c01 10001 100 1000 2000 1000 1000',
      '0b000101 0b012c01 10002 100 1000 5000 1000 1000',
      '0b000101 0b012c01 10000 100 1000 0 10000 1000',
    ]);
  });

  it('one row writes the file named; several write one file per row', () => {
    const rows = [{ fabric: 'ethernet', flows: [] }, { fabric: 'eth+spray', flows: [] }] as unknown as FabricResult[];
    expect(hpccFctFiles(rows.slice(0, 1), 'out/fct.txt').map(([p]) => p)).toEqual(['out/fct.txt']);
    expect(hpccFctFiles(rows, 'out/fct.txt').map(([p]) => p)).toEqual(['out/fct.0-ethernet.txt', 'out/fct.1-eth_spray.txt']);
  });
});
