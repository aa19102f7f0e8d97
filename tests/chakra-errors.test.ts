import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { loadSpec } from '../src/experiment/index.js';
import type { NodeToWrite } from '../src/workloads/index.js';
import { everyRank, writeChakraSpec } from './chakra-helpers.js';

const compute = (id: number, deps: number[] = []): NodeToWrite => ({ id, type: 'COMP_NODE', durationMicros: 5, dataDeps: deps });
const coll = (id: number, commType: number, bytes = 4096, extra: Record<string, string | number | boolean[]> = {}): NodeToWrite => ({
  id,
  type: 'COMM_COLL_NODE',
  attrs: { comm_type: commType, comm_size: bytes, ...extra },
});
const send = (id: number, from: number, to: number, bytes = 4096): NodeToWrite => ({ id, type: 'COMM_SEND_NODE', attrs: { comm_src: from, comm_dst: to, comm_size: bytes } });
const recv = (id: number, from: number, to: number, bytes = 4096): NodeToWrite => ({ id, type: 'COMM_RECV_NODE', attrs: { comm_src: from, comm_dst: to, comm_size: bytes } });

/** The one-line error loading the spec gives. */
function errorOf(perRank: NodeToWrite[][], workload: Record<string, unknown> = {}): string {
  try {
    loadSpec(writeChakraSpec(perRank, workload));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the spec loaded');
}

describe('a Chakra trace fabsim cannot run is a one-line error naming the file and the node', () => {
  it.each([
    ['a dependency on a node not in the trace', [[compute(1), compute(2, [1, 99])], [compute(1)]], {}, 'workload.files: trace/rank.0.et: node 2: depends on node 99, which is not in the trace'],
    ['a dependency cycle', [[compute(1), compute(2)], [compute(1), compute(2, [3]), compute(3, [4]), compute(4, [2])]], {}, 'workload.files: trace/rank.1.et: node 2: dependency cycle: node 2 → node 3 → node 4 → node 2 (each waits for the next)'],
    ['a node depending on itself', [[compute(1, [1])]], {}, 'workload.files: trace/rank.0.et: node 1: depends on itself'],
    ['a repeated node id', [[compute(1), compute(1)]], {}, 'workload.files: trace/rank.0.et: node 1: its id appears twice in the trace'],
    ['an unsupported node type', [[{ id: 3, type: 'MEM_LOAD_NODE' }]], {}, 'workload.files: trace/rank.0.et: node 3: node type MEM_LOAD_NODE is not supported'],
    ['an unsupported collective', everyRank(2, [coll(5, 1)]), {}, 'workload.files: trace/rank.0.et: node 5: collective REDUCE (comm_type 1) is not supported; fabsim runs ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST'],
    ['a collective without its size', [[{ id: 5, type: 'COMM_COLL_NODE', attrs: { comm_type: 0 } }]], {}, 'workload.files: trace/rank.0.et: node 5: COMM_COLL_NODE has no comm_size attribute'],
    ['a send to a rank without a trace file', [[send(1, 0, 1)], [recv(1, 0, 1), send(2, 1, 5)]], {}, 'workload.files: trace/rank.1.et: node 2: sends to rank 5, which has no trace (ranks 0 to 1)'],
    ['a send nobody receives', [[send(1, 0, 1), send(2, 0, 1)], [recv(1, 0, 1)]], {}, 'workload.files: trace/rank.0.et: node 2: rank 0 sends 2 message(s) with tag 0 to rank 1, which receives 1'],
    ['a receive of another size than sent', [[send(1, 0, 1, 100)], [recv(1, 0, 1, 200)]], {}, 'workload.files: trace/rank.1.et: node 1: receives 200 B, but the matching send (node 1 of rank 0) sends 100 B'],
    ['a collective of another size on one rank', [[coll(1, 0, 4096)], [coll(1, 0, 8192)]], {}, 'workload.files: trace/rank.1.et: node 1: collective 1 on process group of every rank is allreduce of 8192 B here, allreduce of 4096 B on rank 0'],
    ['a collective one rank never issues', [[coll(1, 0), coll(2, 0)], [coll(1, 0)]], {}, 'workload.files: trace/rank.1.et: rank 1 has 1 collectives on process group of every rank, rank 0 has 2'],
    ['a process group without ranks', everyRank(2, [coll(1, 0, 4096, { pg_name: '3' })]), {}, 'workload.files: trace/rank.0.et: node 1: process group "3" has no ranks: give them in workload.groups'],
    ['a process group naming a rank without a trace', everyRank(2, [coll(1, 0, 4096, { pg_name: '3' })]), { groups: { '3': [0, 7] } }, 'workload.files: process group "3" names rank 7, but the traces are of ranks 0 to 1'],
    ["ASTRA-sim's logical dimensions", everyRank(2, [coll(1, 0, 4096, { involved_dim: [true, false] })]), {}, "workload.files: trace/rank.0.et: node 1: involved_dim selects some of ASTRA-sim's logical dimensions"],
    ['process groups PyTorch metadata cannot give', [[{ id: 4, name: 'process_group:init', type: 'METADATA_NODE', inputsValues: "['[{pg_name: 1}]']" }]], {}, 'workload.files: trace/rank.0.et: node 4: cannot read the process groups in its inputs.values'],
    ['process groups the ranks disagree on', [0, 1].map((r) => [{ id: 4, name: 'process_group:init', type: 'METADATA_NODE', inputsValues: `['[{"pg_name": "1", "ranks": [${1 - r}, ${r}]}]']` } as NodeToWrite]), {}, 'workload.files: trace/rank.1.et: node 4: process group "1" is ranks [0, 1] here, [1, 0] on rank 0'],
    ['a process group naming a rank twice', everyRank(2, [coll(1, 0, 4096, { pg_name: '3' })]), { groups: { '3': [0, 1, 0] } }, 'workload.files: process group "3" names rank 0 twice'],
    ['two ranks each receiving before they send', [0, 1].map((r) => [recv(1, 1 - r, r), { ...send(2, r, 1 - r), dataDeps: [1] }]), {}, 'workload.files: trace/rank.0.et: node 1: the ranks would wait for each other forever: rank 0 node 1 → rank 1 node 2 → rank 1 node 1 → rank 0 node 2 → rank 0 node 1 (each waits for the next)'],
    ['a send behind a collective its receiver joins only after the message', [[{ ...send(1, 0, 1), dataDeps: [2] }, coll(2, 0)], [recv(1, 0, 1), { ...coll(2, 0), dataDeps: [1] }]], {}, 'workload.files: trace/rank.0.et: node 1: the ranks would wait for each other forever: rank 0 node 1 → rank 0 node 2 → collective 1 → rank 1 node 1 → rank 0 node 1 (each waits for the next)'],
    ['a missing rank file when ranks is given', [[compute(1)], [compute(1)]], { ranks: 3 }, 'workload.files: cannot read trace/rank.2.et (ENOENT)'],
  ])('%s', (_label, perRank, workload, message) => {
    const error = errorOf(perRank as NodeToWrite[][], workload);
    expect(error.startsWith(message)).toBe(true);
    expect(error).not.toContain('\n');
  });

  it('a file that is not a Chakra trace', () => {
    const path = writeChakraSpec([[compute(1)]]);
    writeFileSync(join(dirname(path), 'trace', 'rank.0.et'), 'name: not a trace\n');
    expect(() => loadSpec(path)).toThrow(/^workload\.files: trace\/rank\.0\.et: not a Chakra ET file: cannot decode its GlobalMetadata at byte 0/);
  });

  it('a pattern without {rank}', () => {
    const path = writeChakraSpec([[compute(1)]]);
    writeFileSync(path, 'name: x\ntopology: { kind: leaf-spine, gpus: 4, gpusPerLeaf: 4 }\nfabrics: [ethernet]\nworkload: { kind: chakra, files: trace/rank.0.et }\n');
    expect(() => loadSpec(path)).toThrow('workload.files: expected a path pattern with {rank} in it, e.g. "trace/rank.{rank}.et"');
  });

  it('more rank files than GPUs, found before anything runs', () => {
    const path = writeChakraSpec(everyRank(4, [compute(1)]), {}, '{ kind: leaf-spine, gpus: 2, gpusPerLeaf: 2 }', '[ethernet]');
    expect(() => loadSpec(path)).toThrow(/^workload\.files: 4 rank traces, more than topology\.gpus \(2\)$/);
  });

  it('the CLI prints the error on one line and exits 2', () => {
    const path = writeChakraSpec([[compute(1), compute(2, [1, 99])]]);
    const r = cliSync('run', path);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('workload.files: trace/rank.0.et: node 2: depends on node 99, which is not in the trace')]);
  });
});
