import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { psFromNs, psFromUs, serializationPs } from '../src/engine/index.js';
import { loadSpec, runFabric, resolveFabric, type FabricResult } from '../src/experiment/index.js';
import { PRESETS } from '../src/fabric/index.js';
import { decodeTrace, type NodeToWrite } from '../src/workloads/index.js';
import { everyRank, writeChakraSpec } from './chakra-helpers.js';

// The fabric every test runs on: 4 GPUs on one 400 Gb/s switch, 500 ns cables, the ethernet preset's frames.
const { mtuBytes, headerBytes } = PRESETS.ethernet!;
const GBPS = 400;
const DELAY_PS = psFromNs(500);

/**
 * One message of `bytes` from one GPU to another through one idle switch: every frame
 * serialized by the NIC, the last one again by the switch (store-and-forward), two cables.
 */
function messagePs(bytes: number): number {
  const frames = Math.ceil(bytes / mtuBytes);
  const lastFrame = bytes - (frames - 1) * mtuBytes + headerBytes;
  return serializationPs(bytes + frames * headerBytes, GBPS) + serializationPs(lastFrame, GBPS) + 2 * DELAY_PS;
}

/**
 * Ring all-reduce of S over n GPUs of one switch, one channel: 2(n−1) steps, each a chunk of
 * S/n that a rank sends once the previous step's chunk has arrived; every NIC sends to one
 * and receives from one, so no step waits for another: 2(n−1) · message(S/n).
 */
const ringAllReducePs = (n: number, bytes: number): number => 2 * (n - 1) * messagePs(bytes / n);

function run(specPath: string): { packet: FabricResult; flow: FabricResult } {
  const spec = loadSpec(specPath);
  const [packet, flow] = spec.fabrics.map((f) => runFabric(spec, resolveFabric(f)));
  return { packet: packet!, flow: flow! };
}
const us = (ps: number) => ps / 1e6;
const job = (r: FabricResult) => r.jobs![0]!;

const MiB = 2 ** 20;
const allReduce = (id: number, bytes: number, deps: Partial<NodeToWrite> = {}): NodeToWrite => ({
  id,
  type: 'COMM_COLL_NODE',
  attrs: { comm_type: 0, comm_size: bytes },
  ...deps,
});

/**
 * A data-parallel step of a two-layer model on each of 4 ranks: forward, layer 2's backward,
 * then layer 2's gradient all-reduce beside layer 1's backward, then layer 1's all-reduce
 * (after layer 1's backward, and after layer 2's all-reduce on the same stream: a ctrl dep).
 */
function dataParallelStep(backward1Us: number): NodeToWrite[] {
  return [
    { id: 1, type: 'COMP_NODE', name: 'forward', durationMicros: 50 },
    { id: 2, type: 'COMP_NODE', name: 'backward layer 2', durationMicros: 30, dataDeps: [1] },
    allReduce(3, 2 * MiB, { dataDeps: [2], name: 'all-reduce layer 2 grads' }),
    { id: 4, type: 'COMP_NODE', name: 'backward layer 1', durationMicros: backward1Us, dataDeps: [2] },
    allReduce(5, 1 * MiB, { dataDeps: [4], ctrlDeps: [3], name: 'all-reduce layer 1 grads' }),
  ];
}

describe('Chakra trace: a two-layer data-parallel step on 4 ranks', () => {
  const ar2 = ringAllReducePs(4, 2 * MiB);
  const ar1 = ringAllReducePs(4, 1 * MiB);

  it('layer 1 backward (100 us) longer than layer 2 all-reduce: the all-reduce is hidden, only layer 1 all-reduce is exposed', () => {
    expect(us(ar2)).toBeLessThan(100); // the case this test is about
    const { packet, flow } = run(writeChakraSpec(everyRank(4, dataParallelStep(100))));
    const jctPs = psFromUs(50 + 30 + 100) + ar1;
    // The flow model has no ACKs on the reverse path: it matches the closed form to the picosecond (fluid rounding aside).
    expect(Math.abs(job(flow).jctUs - us(jctPs))).toBeLessThan(1e-5);
    expect(job(flow).computeUs).toBe(180);
    expect(Math.abs(job(flow).exposedCommUs! - us(ar1))).toBeLessThan(1e-5);
    expect(job(flow).collectiveUs.map((c) => Math.round(c * 1e5) / 1e5)).toEqual([us(ar2), us(ar1)].map((c) => Math.round(c * 1e5) / 1e5));
    // The packet model's ACKs share each NIC's uplink with its data: a little slower, never faster.
    expect(job(packet).jctUs).toBeGreaterThanOrEqual(us(jctPs));
    expect(job(packet).jctUs).toBeLessThan(us(jctPs) * 1.02);
    expect(job(packet).computeUs).toBe(180);
    expect(job(packet).exposedCommUs).toBeCloseTo(job(packet).jctUs - 180, 6);
  });

  it('layer 1 backward (10 us) shorter: layer 2 all-reduce shows for what compute does not cover, then layer 1 all-reduce follows it', () => {
    const { packet, flow } = run(writeChakraSpec(everyRank(4, dataParallelStep(10))));
    const jctPs = psFromUs(50 + 30) + ar2 + ar1;
    expect(Math.abs(job(flow).jctUs - us(jctPs))).toBeLessThan(1e-5);
    expect(Math.abs(job(flow).exposedCommUs! - us(ar2 - psFromUs(10) + ar1))).toBeLessThan(1e-5);
    expect(flow.completionUs).toBeCloseTo(us(jctPs), 2);
    expect(job(packet).jctUs).toBeGreaterThanOrEqual(us(jctPs));
    expect(job(packet).jctUs).toBeLessThan(us(jctPs) * 1.02);
  });

  it('the same trace and seed give the same report', () => {
    const path = writeChakraSpec(everyRank(4, dataParallelStep(10)));
    expect(run(path).packet.jobs).toEqual(run(path).packet.jobs);
  });
});

/**
 * A forward pipeline of 4 stages (one rank each) over 3 micro-batches: stage s receives
 * micro-batch j's activations from s−1 (tag j), computes, sends them to s+1.
 */
function pipelineStage(stage: number, stages: number, microBatches: number, computeUs: number, bytes: number): NodeToWrite[] {
  const nodes: NodeToWrite[] = [];
  let id = 0;
  let lastCompute: number | undefined;
  for (let j = 0; j < microBatches; j++) {
    let recv: number | undefined;
    if (stage > 0) nodes.push({ id: (recv = ++id), type: 'COMM_RECV_NODE', attrs: { comm_src: stage - 1, comm_dst: stage, comm_tag: j, comm_size: bytes } });
    const compute = ++id;
    nodes.push({ id: compute, type: 'COMP_NODE', durationMicros: computeUs, dataDeps: recv === undefined ? [] : [recv], ctrlDeps: lastCompute === undefined ? [] : [lastCompute] });
    lastCompute = compute;
    if (stage < stages - 1) nodes.push({ id: ++id, type: 'COMM_SEND_NODE', dataDeps: [compute], attrs: { comm_src: stage, comm_dst: stage + 1, comm_tag: j, comm_size: bytes } });
  }
  return nodes;
}

describe('Chakra trace: a 4-stage pipeline with send/recv', () => {
  const [stages, microBatches, computeUs, bytes] = [4, 3, 20, 256 * 1024];
  const transferPs = messagePs(bytes);

  it('finishes at (m + S − 1)·compute + (S − 1)·transfer (GPipe forward, transfer shorter than compute)', () => {
    expect(us(transferPs)).toBeLessThan(computeUs);
    const traces = Array.from({ length: stages }, (_, s) => pipelineStage(s, stages, microBatches, computeUs, bytes));
    const { packet, flow } = run(writeChakraSpec(traces));
    const jctPs = psFromUs((microBatches + stages - 1) * computeUs) + (stages - 1) * transferPs;
    expect(Math.abs(job(flow).jctUs - us(jctPs))).toBeLessThan(1e-5);
    // The last stage computes m·compute and waits on the network for the rest (the bubble is exposed communication, as in ASTRA-sim).
    expect(job(flow).computeUs).toBe(microBatches * computeUs);
    expect(Math.abs(job(flow).exposedCommUs! - (us(jctPs) - microBatches * computeUs))).toBeLessThan(1e-5);
    expect(job(packet).jctUs).toBeGreaterThanOrEqual(us(jctPs));
    expect(job(packet).jctUs).toBeLessThan(us(jctPs) * 1.01);
    expect(packet.bytesDelivered).toBe((stages - 1) * microBatches * bytes);
  });
});

describe('Chakra ET decoding', () => {
  it("reads a node written field by field with the upstream schema's numbers (id 1, type 3, data_deps 5, duration_micros 7, attr 10: name 1, int64_val 9)", () => {
    const w = protobuf.Writer.create();
    w.fork().uint32((1 << 3) | 2).string('0.0.4').ldelim(); // GlobalMetadata.version = 1
    w.fork();
    w.uint32((1 << 3) | 0).uint64(7); // id
    w.uint32((3 << 3) | 0).int32(7); // type COMM_COLL_NODE
    w.uint32((5 << 3) | 2).fork().uint64(3).uint64(4).ldelim(); // data_deps, packed
    w.uint32((4 << 3) | 0).uint64(5); // ctrl_deps, unpacked
    w.uint32((7 << 3) | 0).uint64(12); // duration_micros
    w.uint32((10 << 3) | 2).fork().uint32((1 << 3) | 2).string('comm_size').uint32((9 << 3) | 0).int64(1 << 20).ldelim();
    w.uint32((10 << 3) | 2).fork().uint32((1 << 3) | 2).string('pg_name').uint32((29 << 3) | 2).string('1').ldelim();
    w.ldelim();
    const { version, nodes } = decodeTrace(w.finish());
    expect(version).toBe('0.0.4');
    expect(nodes).toHaveLength(1);
    const [n] = nodes;
    expect([n!.id, n!.type, n!.deps, n!.durationMicros]).toEqual([7, 7, [3, 4, 5], 12]);
    expect(Object.fromEntries(n!.attrs)).toEqual({ comm_size: 1 << 20, pg_name: '1' });
  });
});

describe('Chakra trace: compute on one rank', () => {
  const oneRank = (nodes: NodeToWrite[]) => {
    const spec = loadSpec(writeChakraSpec([nodes, [{ id: 1, type: 'COMP_NODE', durationMicros: 1 }]], {}, undefined, '[{ preset: ethernet, model: flow }]'));
    return runFabric(spec, resolveFabric(spec.fabrics[0]!));
  };

  it('the GPU runs one compute node at a time, a CPU op (is_cpu_op) runs beside it: JCT = max(GPU sum, CPU sum)', () => {
    const r = oneRank([
      { id: 1, type: 'COMP_NODE', durationMicros: 10 },
      { id: 2, type: 'COMP_NODE', durationMicros: 20 },
      { id: 3, type: 'COMP_NODE', durationMicros: 25, attrs: { is_cpu_op: true } },
    ]);
    expect(job(r).jctUs).toBe(30);
    expect(job(r).computeUs).toBe(30);
    expect(job(r).exposedCommUs).toBe(0);
  });

  it('metadata and invalid nodes take no time, even 20,000 of them in one chain', () => {
    const chain: NodeToWrite[] = Array.from({ length: 20_000 }, (_, i) => ({ id: i + 1, type: i % 2 ? 'METADATA_NODE' : 'INVALID_NODE', dataDeps: i ? [i] : [] }));
    const r = oneRank([...chain, { id: 20_001, type: 'COMP_NODE', durationMicros: 7, dataDeps: [20_000] }]);
    expect(job(r).jctUs).toBe(7);
  });
});

describe('Chakra trace: process groups', () => {
  // Python's str() of the one-string list PyTorch records in process_group:init (what ASTRA-sim parses).
  const pgInit: NodeToWrite = {
    id: 1,
    name: '## process_group:init ##',
    type: 'METADATA_NODE',
    inputsValues: `['[{"pg_name": "0", "pg_desc": "default_pg", "ranks": []}, {"pg_name": "1", "ranks": [0, 1]}, {"pg_name": "2", "ranks": [2, 3]}]']`,
  };
  const arOn = (pg: string): NodeToWrite => allReduce(2, MiB, { dataDeps: [1], attrs: { comm_type: 0, comm_size: MiB, pg_name: pg } });

  it("two all-reduces on disjoint groups from PyTorch's process_group:init run side by side: each takes 2·message(S/2)", () => {
    const { flow } = run(writeChakraSpec([[pgInit, arOn('1')], [pgInit, arOn('1')], [pgInit, arOn('2')], [pgInit, arOn('2')]]));
    const arPs = ringAllReducePs(2, MiB);
    expect(Math.abs(job(flow).jctUs - us(arPs))).toBeLessThan(1e-5);
    expect(job(flow).collectiveUs).toHaveLength(2);
  });

  it("the spec's groups override the traces': one group of all 4 ranks takes 6·message(S/4)", () => {
    const { flow } = run(writeChakraSpec(everyRank(4, [pgInit, arOn('1')]), { groups: { '1': [0, 1, 2, 3] } }));
    expect(Math.abs(job(flow).jctUs - us(ringAllReducePs(4, MiB)))).toBeLessThan(1e-5);
    expect(job(flow).collectiveUs).toHaveLength(1);
  });
});

describe('Chakra trace: each collective type, comm_size read as ASTRA-sim reads it', () => {
  const KiB = 1024;
  const coll = (commType: number, bytes: number): NodeToWrite[] => [{ id: 1, type: 'COMM_COLL_NODE', attrs: { comm_type: commType, comm_size: bytes } }];
  const jct = (commType: number, bytes: number) => job(run(writeChakraSpec(everyRank(4, coll(commType, bytes)))).flow).jctUs;
  /** A message's frames drained at `share` of line rate, then its last frame store-and-forward and two cables. */
  const sharedMessagePs = (bytes: number, share: number) => messagePs(bytes) + (share - 1) * serializationPs(bytes + Math.ceil(bytes / mtuBytes) * headerBytes, GBPS);

  it.each([
    // ALL_GATHER: comm_size is each rank's input; a ring of 3 steps moves one input per step.
    ['ALL_GATHER of 256 KiB inputs: 3·message(256 KiB)', 2, 256 * KiB, () => 3 * messagePs(256 * KiB)],
    // REDUCE_SCATTER: comm_size is the per-rank buffer; 3 steps of a quarter.
    ['REDUCE_SCATTER of 1 MiB: 3·message(256 KiB)', 7, MiB, () => 3 * messagePs(256 * KiB)],
    // ALL_TO_ALL: S/4 to each of 3 peers at once; each NIC's uplink and downlink carry three, each at a third of line rate.
    ['ALL_TO_ALL of 1 MiB: 3 messages of 256 KiB sharing each link', 6, MiB, () => sharedMessagePs(256 * KiB, 3)],
    // BROADCAST: a pipeline of 8 slices of S/8 down the ring 0→1→2→3: (8 + 4 − 2) slice drains + 3 latencies.
    ['BROADCAST of 1 MiB: (k + N − 2)·slice + (N − 1)·latency', 5, MiB, () => {
      const slice = MiB / 8;
      const drainPs = serializationPs(slice + Math.ceil(slice / mtuBytes) * headerBytes, GBPS);
      return (8 + 4 - 2) * drainPs + 3 * (messagePs(slice) - drainPs);
    }],
  ])('%s', (_label, commType, bytes, closedFormPs) => {
    expect(Math.abs(jct(commType, bytes) - us(closedFormPs()))).toBeLessThan(1e-5);
  });
});
