/**
 * Writes the Chakra traces of experiments/chakra-example.yaml and chakra-dp-step.yaml.
 *
 * chakra-example: one training step of a model
 * cut into 2 pipeline stages, each stage data-parallel over 4 ranks (ranks 0–3 stage 0,
 * ranks 4–7 stage 1; rank r of stage 0 feeds rank r + 4). GPipe schedule over 4 micro-batches:
 * every forward, then every backward, activations and gradients as send/recv (tag = micro-batch,
 * 100 + micro-batch backward), then each stage all-reduces its weight gradients over its own
 * process group (pg_name "1" or "2", whose ranks the spec's `groups` gives).
 *
 *   npx tsx scripts/write-chakra-example.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTrace, type NodeToWrite } from '../src/workloads/index.js';

const OUT = 'chakra-example';
const MICRO_BATCHES = 4;
const FORWARD_US = 200;
const BACKWARD_US = 400;
const ACTIVATION_BYTES = 4 * 2 ** 20;
const GRADIENT_BYTES = 16 * 2 ** 20;
const DP = 4;

function stageTrace(rank: number): NodeToWrite[] {
  const stage = rank < DP ? 0 : 1;
  const peer = stage === 0 ? rank + DP : rank - DP;
  const nodes: NodeToWrite[] = [];
  let id = 0;
  let lastCompute: number | undefined;
  const comp = (name: string, durationMicros: number, dataDeps: number[]) => {
    nodes.push({ id: ++id, name, type: 'COMP_NODE', durationMicros, dataDeps, ctrlDeps: lastCompute === undefined ? [] : [lastCompute] });
    return (lastCompute = id);
  };
  const p2p = (send: boolean, tag: number, dataDeps: number[]) => {
    const [src, dst] = send ? [rank, peer] : [peer, rank];
    nodes.push({ id: ++id, name: `${send ? 'send' : 'recv'} tag ${tag}`, type: send ? 'COMM_SEND_NODE' : 'COMM_RECV_NODE', dataDeps, attrs: { comm_src: src, comm_dst: dst, comm_tag: tag, comm_size: ACTIVATION_BYTES } });
    return id;
  };
  const forward: number[] = [];
  for (let j = 0; j < MICRO_BATCHES; j++) {
    if (stage === 0) p2p(true, j, [comp(`forward mb${j}`, FORWARD_US, [])]);
    else forward.push(comp(`forward mb${j}`, FORWARD_US, [p2p(false, j, [])]));
  }
  for (let j = 0; j < MICRO_BATCHES; j++) {
    if (stage === 1) p2p(true, 100 + j, [comp(`backward mb${j}`, BACKWARD_US, [forward[j]!])]);
    else comp(`backward mb${j}`, BACKWARD_US, [p2p(false, 100 + j, [])]);
  }
  nodes.push({ id: ++id, name: 'all-reduce weight gradients', type: 'COMM_COLL_NODE', dataDeps: [lastCompute!], attrs: { comm_type: 0, comm_size: GRADIENT_BYTES, pg_name: String(stage + 1) } });
  return nodes;
}

/**
 * experiments/chakra-dp-step.yaml's trace, the same on each of 4 ranks (tests/chakra.test.ts's
 * data-parallel step, layer 1 backward 10 µs): forward 50 µs, layer 2 backward 30 µs, then
 * layer 2's 2 MiB gradient all-reduce beside layer 1's backward, then layer 1's 1 MiB
 * all-reduce after both (a control dependency: one NCCL stream).
 */
const DP_STEP: NodeToWrite[] = [
  { id: 1, type: 'COMP_NODE', name: 'forward', durationMicros: 50 },
  { id: 2, type: 'COMP_NODE', name: 'backward layer 2', durationMicros: 30, dataDeps: [1] },
  { id: 3, type: 'COMM_COLL_NODE', name: 'all-reduce layer 2 grads', dataDeps: [2], attrs: { comm_type: 0, comm_size: 2 * 2 ** 20 } },
  { id: 4, type: 'COMP_NODE', name: 'backward layer 1', durationMicros: 10, dataDeps: [2] },
  { id: 5, type: 'COMM_COLL_NODE', name: 'all-reduce layer 1 grads', dataDeps: [4], ctrlDeps: [3], attrs: { comm_type: 0, comm_size: 2 ** 20 } },
];

function write(folder: string, traces: NodeToWrite[][]): void {
  const out = join('experiments', folder);
  mkdirSync(out, { recursive: true });
  traces.forEach((nodes, rank) => writeFileSync(join(out, `rank.${rank}.et`), encodeTrace(nodes)));
  console.log(`wrote ${traces.length} traces to ${out}/rank.{0..${traces.length - 1}}.et`);
}

write(OUT, Array.from({ length: 2 * DP }, (_, rank) => stageTrace(rank)));
write('chakra-dp-step', Array.from({ length: 4 }, () => DP_STEP));
