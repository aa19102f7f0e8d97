import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTrace, type NodeToWrite } from '../src/workloads/index.js';

/** Writes one Chakra ET file per rank (trace/rank.{rank}.et) and a spec around them; returns the spec's path. */
export function writeChakraSpec(perRank: NodeToWrite[][], workload: Record<string, unknown> = {}, topology = '{ kind: leaf-spine, gpus: 4, gpusPerLeaf: 4, linkGbps: 400, linkDelayNs: 500 }', fabrics = '[ethernet, { preset: ethernet, model: flow, name: flow }]'): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabsim-chakra-'));
  mkdirSync(join(dir, 'trace'));
  perRank.forEach((nodes, rank) => writeFileSync(join(dir, 'trace', `rank.${rank}.et`), encodeTrace(nodes)));
  const extra = Object.entries(workload)
    .map(([k, v]) => `, ${k}: ${JSON.stringify(v)}`)
    .join('');
  writeFileSync(join(dir, 'spec.yaml'), `name: chakra-test\ntopology: ${topology}\nfabrics: ${fabrics}\nworkload: { kind: chakra, files: "trace/rank.{rank}.et"${extra} }\n`);
  return join(dir, 'spec.yaml');
}

/** The same nodes on every one of `ranks` ranks. */
export const everyRank = (ranks: number, nodes: NodeToWrite[]): NodeToWrite[][] => Array.from({ length: ranks }, () => nodes);
