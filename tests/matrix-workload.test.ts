import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs } from '../src/engine/index.js';
import { exportMatrix, readMatrixFile, readSpecDocument, resolveFabric, runExperimentLive, simulateFabric, SpecError, validateSpec } from '../src/experiment/index.js';
import { formatFlowsCsv } from '../src/report/index.js';
import { formatConnectionMatrix, parseConnectionMatrix, MatrixSyntaxError, type FlowRecord } from '../src/workloads/index.js';
import { spec } from './helpers.js';

/** The line number and reason a matrix is rejected with. */
function rejection(text: string): { line: number; reason: string } {
  try {
    parseConnectionMatrix(text);
  } catch (error) {
    if (error instanceof MatrixSyntaxError) return { line: error.line, reason: error.reason };
    throw error;
  }
  throw new Error('accepted');
}

describe('htsim connection matrix parser', () => {
  it('reads every line kind htsim writes: header, comments, timed and triggered connections, the three trigger types', () => {
    const m = parseConnectionMatrix(
      [
        '# a comment',
        'Nodes 8',
        'Connections 4',
        'Triggers 3',
        '',
        '0->1 id 1 start 2500000 size 4000 send_done_trigger 1',
        '2->3 id 2 trigger 1 size 8000 recv_done_trigger 2',
        '4->5 id 3 trigger 2 size 100',
        '6->7 id 4 start 1.5e6 size 1 send_done_trigger 3',
        'trigger id 1 oneshot',
        'trigger id 2 multishot',
        'trigger id 3 barrier count 2',
      ].join('\n'),
    );
    expect(m.nodes).toBe(8);
    expect(m.connections).toEqual([
      { src: 0, dst: 1, id: 1, sizeBytes: 4000, startPs: 2_500_000, sendDoneTrigger: 1 },
      { src: 2, dst: 3, id: 2, sizeBytes: 8000, trigger: 1, recvDoneTrigger: 2 },
      { src: 4, dst: 5, id: 3, sizeBytes: 100, trigger: 2 },
      { src: 6, dst: 7, id: 4, sizeBytes: 1, startPs: 1_500_000, sendDoneTrigger: 3 },
    ]);
    expect(m.triggers).toEqual([
      { id: 1, kind: 'oneshot', count: 0 },
      { id: 2, kind: 'multishot', count: 0 },
      { id: 3, kind: 'barrier', count: 2 },
    ]);
  });

  it.each([
    ['an unknown line type', 'Nodes 4\nConnections 1\n0->1 start 0 size 1\nflow 1 2', 4, /unknown line type "flow"/],
    ['a failure line (no link failures in fabsim)', 'Nodes 4\nConnections 1\n0->1 start 0 size 1\nfailure switch_type TOR switch_id 0 link_id 1', 4, /failure/],
    ['a priority (one traffic class)', 'Nodes 4\nConnections 1\n0->1 start 0 size 1 prio 3', 3, /prio/],
    ['an unknown connection field', 'Nodes 4\nConnections 1\n\n0->1 start 0 size 1 colour red', 4, /unknown connection field "colour"/],
    ['a connection without size', 'Nodes 4\nConnections 1\n0->1 start 0', 3, /size: missing/],
    ['a connection without start or trigger', 'Nodes 4\nConnections 1\n0->1 id 1 size 9', 3, /no start/],
    ['both start and trigger', 'Nodes 4\nConnections 1\nTriggers 1\n0->1 id 1 start 0 trigger 1 size 9\ntrigger id 1 oneshot', 4, /both/],
    ['a node beyond Nodes', 'Nodes 4\nConnections 1\n0->4 start 0 size 1', 3, /not below Nodes/],
    ['a node sending to itself', 'Nodes 4\nConnections 1\n2->2 start 0 size 1', 3, /itself/],
    ['a negative size', 'Nodes 4\nConnections 1\n0->1 start 0 size -5', 3, /size: expected an integer/],
    ['a duplicate flow id', 'Nodes 4\nConnections 2\n0->1 id 7 start 0 size 1\n1->0 id 7 start 0 size 1', 4, /used twice/],
    ['a trigger without type', 'Nodes 4\nConnections 1\nTriggers 1\n0->1 id 1 trigger 1 size 1\ntrigger id 1', 5, /no type/],
    ['a barrier without count', 'Nodes 4\nConnections 1\nTriggers 1\n0->1 id 1 trigger 1 size 1\ntrigger id 1 barrier', 5, /count/],
    ['a header after the body', 'Nodes 4\nConnections 1\n0->1 start 0 size 1\nNodes 5', 4, /header lines come first/],
    ['a connection count that does not match', 'Nodes 4\nConnections 2\n0->1 start 0 size 1\n', 4, /Connections says 2, the file has 1/],
    ['an undefined trigger', 'Nodes 4\nConnections 1\n0->1 id 1 trigger 9 size 1', 3, /trigger 9 is referenced but not defined/],
  ])('rejects %s with the line number', (_what, text, line, reason) => {
    const r = rejection(text);
    expect(r.line).toBe(line);
    expect(r.reason).toMatch(reason);
  });

  it('quotes at most a short printable excerpt of a bad token, never the file', () => {
    const r = rejection(`Nodes 4\nConnections 1\n0->1 start 0 size 1 ${'\u0007x'.repeat(200)}`);
    expect(r.reason.length).toBeLessThan(140);
    expect(r.reason).not.toMatch(/\u0007/);
  });
});

describe('matrix files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-matrix-'));

  it('resolves the file against the spec folder, and reports a bad line as one SpecError naming the file as written and the line', () => {
    mkdirSync(join(dir, 'm'), { recursive: true });
    writeFileSync(join(dir, 'm', 'bad.cm'), 'Nodes 4\nConnections 1\n0->1 start 0 size 1 prio 2\n');
    writeFileSync(join(dir, 'spec.yaml'), 'name: x\ntopology: { kind: leaf-spine, gpus: 4 }\nfabrics: [ethernet]\nworkload: { kind: matrix, file: m/bad.cm }\n');
    expect(() => readSpecDocument(join(dir, 'spec.yaml'))).toThrow(new SpecError(`workload.file: m/bad.cm line 3: "prio" is not supported (fabsim has one traffic class and no add-on triggers)`));
  });

  it('accepts regular files only', () => {
    expect(() => readMatrixFile(dir)).toThrow(/is not a regular file/);
    expect(() => readMatrixFile(join(dir, 'missing.cm'))).toThrow(/cannot read .*ENOENT/);
  });
});

/** Runs a matrix text on a fabric and returns each flow's record. */
function runMatrix(text: string, topology: Record<string, unknown>, fabric: unknown): FlowRecord[] {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-matrix-run-'));
  writeFileSync(join(dir, 'flows.cm'), text);
  const s = spec({ topology, fabrics: [fabric], workload: { kind: 'matrix', file: join(dir, 'flows.cm') } });
  const run = simulateFabric(s, resolveFabric(s.fabrics[0]!));
  expect(run.workload.finished).toBe(true);
  return [...(run.workload as unknown as { flowRecords(): FlowRecord[] }).flowRecords()];
}

describe('a matrix on the fabric', () => {
  it('two flows that share no link finish in the store-and-forward closed form (P + h − 1)·s + h·d, each from its own start', () => {
    // 400 Gb/s, 500 ns per hop; 0→5 crosses leaf, spine, leaf (h = 4 links); 2→3 only its leaf (h = 2).
    const topology = { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 400, linkDelayNs: 500 };
    const fabric = { preset: 'roce', cc: 'none', ecn: { enabled: false }, mtuBytes: 4000, headerBytes: 64 };
    const records = runMatrix('Nodes 8\nConnections 2\n0->5 id 1 start 0 size 12000\n2->3 id 2 start 3000000 size 8000\n', topology, fabric);
    const s = serializationPs(4064, 400);
    const d = psFromNs(500);
    expect(records).toEqual([
      { src: 0, dst: 5, sizeBytes: 12000, startPs: 0, fctPs: (3 + 4 - 1) * s + 4 * d },
      { src: 2, dst: 3, sizeBytes: 8000, startPs: 3_000_000, fctPs: (2 + 2 - 1) * s + 2 * d },
    ]);
  });

  it('a oneshot trigger starts its flow when the triggering flow is delivered, a barrier after its count', () => {
    const topology = { kind: 'leaf-spine', gpus: 4, gpusPerLeaf: 4, linkGbps: 400, linkDelayNs: 500 };
    const fabric = { preset: 'roce', cc: 'none', ecn: { enabled: false } };
    const records = runMatrix(
      [
        'Nodes 4',
        'Connections 4',
        'Triggers 2',
        '0->1 id 1 start 0 size 4096 send_done_trigger 1',
        '1->2 id 2 trigger 1 size 4096 send_done_trigger 2',
        '3->0 id 3 start 0 size 4096 send_done_trigger 2',
        '2->3 id 4 trigger 2 size 4096',
        'trigger id 1 oneshot',
        'trigger id 2 barrier count 2',
      ].join('\n'),
      topology,
      fabric,
    );
    const one = records[0]!.fctPs; // every flow is one packet over two idle links
    expect(records.map((r) => r.fctPs)).toEqual([one, one, one, one]);
    expect(records.map((r) => r.startPs)).toEqual([0, one, 0, 2 * one]);
  });
});

describe('export-matrix', () => {
  it('a permutation exported and read back runs the same flows with the same FCTs', () => {
    const topology = { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 4, linkGbps: 400, linkDelayNs: 500 };
    const perm = spec({ topology, workload: { kind: 'permutation', bytes: 65536 } });
    const matrix = exportMatrix(perm);
    const text = formatConnectionMatrix(matrix);
    expect(parseConnectionMatrix(text)).toEqual(matrix);
    expect(matrix.connections).toHaveLength(16);

    const direct = simulateFabric(perm, resolveFabric(perm.fabrics[0]!));
    const fromMatrix = runMatrix(text, topology, 'ethernet');
    expect(fromMatrix).toEqual((direct.workload as unknown as { flowRecords(): FlowRecord[] }).flowRecords());
  });

  it('writes an all-to-all as S/N to every peer and refuses a ring, whose later steps wait on completions', () => {
    const a2a = spec({ topology: { kind: 'leaf-spine', gpus: 8 }, workload: { kind: 'alltoall', bytes: 8000 } });
    const m = exportMatrix(a2a);
    expect(m.connections).toHaveLength(8 * 7);
    expect(new Set(m.connections.map((c) => c.sizeBytes))).toEqual(new Set([1000]));
    const ring = validateSpec({ name: 't', topology: { kind: 'leaf-spine', gpus: 8 }, fabrics: ['ethernet'], workload: { kind: 'allreduce', bytes: 8000 } });
    expect(() => exportMatrix(ring)).toThrow(/export-matrix takes permutation, incast, alltoall, got "allreduce"/);
  });
});

describe('--flows', () => {
  it('adds one row per flow to each fabric row and writes them as CSV', async () => {
    const s = spec({
      topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 100 },
      fabrics: ['ethernet', 'roce'],
      workload: { kind: 'permutation', bytes: '64KiB' },
    });
    const result = await runExperimentLive(s, { sampling: 'off', flows: true });
    expect(result.results.map((r) => r.flows!.length)).toEqual([8, 8]);
    // The row's FCT percentiles come from a histogram of 3 significant digits: the flows' max agrees to that.
    for (const r of result.results) expect(Math.abs(Math.max(...r.flows!.map((f) => f.fctUs!)) / r.fctUs.max - 1)).toBeLessThan(1e-3);
    const csv = formatFlowsCsv(result).trim().split('\n');
    expect(csv[0]).toBe('fabric,workload,src,dst,sizeBytes,startUs,fctUs');
    expect(csv).toHaveLength(1 + 2 * 8);
    expect((await runExperimentLive(s, { sampling: 'off' })).results[0]!.flows).toBeUndefined();
  });
});
