/**
 * Why per-flow ECMP costs a hierarchical all-reduce with NCCL's double binary tree across
 * nodes (almost) nothing on a rail-optimized fabric: counts, for the flows the tree opens
 * (per rail, per tree edge, both directions, per channel), how many leave their rail leaf
 * and how many share a fabric link under the flow model's ECMP (the packet model's hash).
 *
 *   npx tsx experiments/colossus/tree-collisions.ts [--gpus 100000] [--channels 2] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { Simulator } from '../../src/engine/index.js';
import { FlowNetwork, PRESETS } from '../../src/fabric/index.js';
import { doubleBinaryTree } from '../../src/workloads/collectives/double-binary-tree.js';

const { values } = parseArgs({ options: { gpus: { type: 'string' }, channels: { type: 'string' }, seed: { type: 'string' } } });
const gpus = Number(values.gpus ?? 100000);
const channels = Number(values.channels ?? 2);
const seed = Number(values.seed ?? 1);
const G = 8;
const topology = { kind: 'rail-optimized', gpus, gpusPerNode: G, radix: 128, tiers: 3, oversubscription: 1, spineOversubscription: 1, linkGbps: 400, linkDelayNs: 500, nvlinkGbps: 3600, nvlinkDelayNs: 300 } as const;
const net = new FlowNetwork(new Simulator(), topology, PRESETS['ethernet']!, seed);
const g = net.links;
const nodes = gpus / G;
const perLink = new Int32Array(g.count);
let flows = 0;
let offLeaf = 0;
for (let rail = 0; rail < G; rail++)
  for (let node = 0; node < nodes; node++)
    for (const tree of doubleBinaryTree(nodes, node))
      for (const child of tree.children)
        for (const [a, b] of [[node, child], [child, node]] as const)
          for (let c = 0; c < channels; c++) {
            const f = net.openFlow(a * G + rail, b * G + rail);
            flows++;
            if (f.links.length > 2) offLeaf++;
            for (const l of f.links) if (l >= g.leafUp && l < g.nvUp) perLink[l]!++;
          }
const hist = new Map<number, number>();
let used = 0;
for (let l = g.leafUp; l < g.nvUp; l++) if (perLink[l]! > 0) { used++; hist.set(perLink[l]!, (hist.get(perLink[l]!) ?? 0) + 1); }
const shared = [...hist].filter(([k]) => k > channels).reduce((s, [, n]) => s + n, 0);
console.log(JSON.stringify({ gpus, nodesPerRail: nodes, channels, flows, flowsLeavingTheirLeaf: offLeaf, fabricLinks: g.nvUp - g.leafUp, linksUsed: used, linksWithMoreThanOneEdge: shared, flowsPerUsedLink: Object.fromEntries([...hist].sort((a, b) => a[0] - b[0])) }));
