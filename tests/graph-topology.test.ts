import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psFromNs, serializationPs, Simulator } from '../src/engine/index.js';
import { exportTopology } from '../src/experiment/export-topology.js';
import { loadSpec, resolveFabric, runFabric, simulateFabric, simulateModel, type ExperimentSpec, type FabricResult } from '../src/experiment/index.js';
import { FlowNetwork, GraphShape, shapeOf, type AnyShape } from '../src/fabric/index.js';
import { spec } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-graph-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

/**
 * Every fabric of the spec on its first workload: the result rows (wall-clock times left
 * out, the only thing allowed to differ) and the finish time in picoseconds.
 */
const rows = (s: ExperimentSpec) =>
  s.fabrics.map((f) => {
    const run = simulateModel(s, resolveFabric(f));
    const row = JSON.parse(JSON.stringify(runFabric(s, resolveFabric(f)), (k, v) => (k === 'wallMs' ? undefined : v))) as FabricResult;
    return { ...row, finishedPs: run.workload.finishedPs };
  });

const LEAF_SPINE = { kind: 'leaf-spine', gpus: 16, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 1000 };
const WORKLOAD = { kind: 'permutation', bytes: 200_000 };

describe('topology from a file: the same fabric as the built-in one', () => {
  it('export-topology → kind: file reads back every switch, port and route of a built-in leaf-spine and fat-tree', () => {
    for (const topology of [LEAF_SPINE, { kind: 'fat-tree', radix: 4, linkGbps: 100, linkDelayNs: 1000 }, { ...LEAF_SPINE, spines: 2 }]) {
      const built = shapeOf(spec({ topology, workload: WORKLOAD }).topology) as AnyShape;
      const path = write('export.yaml', exportTopology(built, 'test'));
      const read = shapeOf(spec({ topology: { kind: 'file', path }, workload: WORKLOAD }).topology);
      expect(read).toBeInstanceOf(GraphShape);
      expect([read.gpus, read.tierNames, read.maxHops, read.linkGbps, read.linkDelayPs]).toEqual([built.gpus, built.tierNames, built.maxHops, built.linkGbps, built.linkDelayPs]);
      const a = built.switches();
      const b = read.switches();
      expect(b.map((s) => [s.name, s.tier, s.downPorts, s.upPorts, s.gbps])).toEqual(a.map((s) => [s.name, s.tier, s.downPorts, s.upPorts, s.gbps]));
      for (let s = 0; s < a.length; s++) for (let h = 0; h < built.gpus; h++) expect(b[s]!.route(h)).toBe(a[s]!.route(h));
      const cables = (shape: AnyShape) => {
        const out: number[][] = [];
        shape.forEachCable((x: number, xp: number, y: number, yp: number, d?: number) => out.push([x, xp, y, yp, d ?? shape.linkDelayPs]));
        return out;
      };
      expect(cables(read)).toEqual(cables(built));
      for (let h = 0; h < built.gpus; h++) {
        expect([read.hostSwitch(h), read.hostSlot(h)]).toEqual([built.hostSwitch(h), built.hostSlot(h)]);
        for (let d = 0; d < built.gpus; d++) expect(read.hops(h, d)).toBe(built.hops(h, d));
      }
    }
  });

  it('an exported leaf-spine gives identical results to the picosecond, packet and flow model, ECMP and spray', () => {
    const fabrics = ['ethernet', { preset: 'ethernet', routing: 'spray' }, { preset: 'ethernet', model: 'flow' }, { preset: 'ethernet', routing: 'spray', model: 'flow' }];
    const builtIn = spec({ topology: LEAF_SPINE, fabrics, workload: WORKLOAD });
    const path = write('leaf-spine.yaml', exportTopology(shapeOf(builtIn.topology), 'leaf-spine'));
    const fromFile = spec({ topology: { kind: 'file', path }, fabrics, workload: WORKLOAD });
    const [a, b] = [rows(builtIn), rows(fromFile)];
    expect(a.every((r) => r.completed && r.finishedPs > 0)).toBe(true);
    expect(b).toEqual(a);
  });

  it("a leaf-spine written by hand in HPCC's topology.txt gives identical spray results (routing choices do not depend on names)", () => {
    // 16 hosts (ids 0-15), leaves 16-19, spines 20-23; host links first, then leaf l – spine s for s, l.
    const lines = ['24 8 32', '16 17 18 19 20 21 22 23'];
    for (let h = 0; h < 16; h++) lines.push(`${h} ${16 + Math.floor(h / 4)} 100Gbps 1us 0`);
    for (let s = 0; s < 4; s++) for (let l = 0; l < 4; l++) lines.push(`${16 + l} ${20 + s} 100Gbps 0.001ms 0.000000`);
    const path = write('leaf-spine.txt', `${lines.join('\n')}\n`);
    const fabrics = [{ preset: 'ethernet', routing: 'spray' }, { preset: 'roce', routing: 'spray' }];
    const builtIn = rows(spec({ topology: LEAF_SPINE, fabrics, workload: WORKLOAD }));
    const fromFile = rows(spec({ topology: { kind: 'file', path }, fabrics, workload: WORKLOAD }));
    expect(fromFile).toEqual(builtIn);
  });

  it('a spec names its topology file relative to its own folder, and the result echoes the path, not the graph', () => {
    write('t.yaml', exportTopology(shapeOf(spec({ topology: LEAF_SPINE, workload: WORKLOAD }).topology), 'x'));
    const specPath = write('spec.yaml', 'name: rel\ntopology: { kind: file, path: t.yaml }\nfabrics: [ethernet]\nworkload: { kind: permutation, bytes: 10000 }\n');
    const s = loadSpec(specPath);
    expect(s.topology).toMatchObject({ kind: 'file', path: join(dir, 't.yaml'), gpus: 16, linkGbps: 100, linkDelayNs: 1000 });
  });
});

describe('mixed link speeds are honoured per link', () => {
  // h0 (100 Gb/s) and h1 (25 Gb/s) on one switch s0; h2 (400 Gb/s) on s1, s0 – s1 at 200 Gb/s with 2 µs.
  const graph = `
hosts: [h0, h1, h2]
switches: [s0, s1]
linkDelayNs: 1000
links:
  - { a: h0, b: s0, gbps: 100 }
  - { a: h1, b: s0, gbps: 25 }
  - { a: h2, b: s1, gbps: 400 }
  - { a: s0, b: s1, gbps: 200, delayNs: 2000 }
`;
  const FRAMES = 8;
  const fabric = { preset: 'ethernet', windowBytes: 2 ** 24 };
  const frame = (f: { mtuBytes: number; headerBytes: number }) => f.mtuBytes + f.headerBytes;
  const one = (src: number, dst: number, model: 'packet' | 'flow') => {
    const path = write('mixed.yaml', graph);
    const s = spec({ topology: { kind: 'file', path }, fabrics: [{ ...fabric, model }], workload: { kind: 'matrix', file: write('one.cm', `Nodes 3\nConnections 1\n${src}->${dst} id 1 start 0 size ${FRAMES * 4096}\n`) } });
    const config = resolveFabric(s.fabrics[0]!);
    const run = simulateModel(s, config);
    expect(run.workload.finished).toBe(true);
    return { finishedPs: run.workload.finishedPs, config };
  };

  it('packet model: a 100 → 25 Gb/s transfer drains at 25 Gb/s after the first frame (closed form, to the picosecond)', () => {
    const { finishedPs, config } = one(0, 1, 'packet');
    const F = frame(config);
    // First frame crosses the 100 Gb/s NIC link; then the 25 Gb/s port sends all frames back to back.
    const expected = serializationPs(F, 100) + psFromNs(1000) + FRAMES * serializationPs(F, 25) + psFromNs(1000);
    expect(finishedPs).toBe(expected);
  });

  it('packet model: 100 → 200 → 400 Gb/s store-and-forward: every frame at the NIC rate, the last one at each later hop\'s own rate and delay', () => {
    const { finishedPs, config } = one(0, 2, 'packet');
    const F = frame(config);
    const expected = FRAMES * serializationPs(F, 100) + psFromNs(1000) + serializationPs(F, 200) + psFromNs(2000) + serializationPs(F, 400) + psFromNs(1000);
    expect(finishedPs).toBe(expected);
  });

  it('flow model: the bottleneck link sets the rate, and the last frame crosses each later hop at its own rate', () => {
    for (const [dst, bottleneck, later] of [
      [1, 25, [25]],
      [2, 100, [200, 400]],
    ] as const) {
      const { finishedPs, config } = one(0, dst, 'flow');
      const F = frame(config);
      const wireBytes = FRAMES * F;
      const delays = dst === 1 ? psFromNs(2000) : psFromNs(4000);
      const expected = Math.ceil((wireBytes * 8_000) / bottleneck) + delays + later.reduce((s, g) => s + serializationPs(F, g), 0);
      expect(finishedPs).toBe(expected);
    }
  });
});

describe('the flow model on a graph against the packet model', () => {
  // A ring of 4 switches (no Clos) at 200 Gb/s, 2 hosts each at 100 Gb/s: h0 → h4 and h1 → h5 both
  // cross s0 – s1 – s2 or s0 – s3 – s2 (two shortest paths); spraying splits each over both, so each
  // runs at its NIC's 100 Gb/s.
  const ring = `
hosts: [h0, h1, h2, h3, h4, h5, h6, h7]
switches: [s0, s1, s2, s3]
linkGbps: 100
linkDelayNs: 1000
links:
${[0, 1, 2, 3, 4, 5, 6, 7].map((h) => `  - { a: h${h}, b: s${Math.floor(h / 2)} }`).join('\n')}
  - { a: s0, b: s1, gbps: 200 }
  - { a: s1, b: s2, gbps: 200 }
  - { a: s2, b: s3, gbps: 200 }
  - { a: s3, b: s0, gbps: 200 }
`;
  it('two sprayed flows over a ring: flow model = NIC-rate closed form with per-hop rates, packet model within 1% of it', () => {
    const path = write('ring.yaml', ring);
    const bytes = 2_000_000;
    const matrix = write('two.cm', `Nodes 8\nConnections 2\n0->4 id 1 start 0 size ${bytes}\n1->5 id 2 start 0 size ${bytes}\n`);
    const finish = (model: 'packet' | 'flow') => {
      const s = spec({ topology: { kind: 'file', path }, fabrics: [{ preset: 'roce', routing: 'spray', lossRecovery: 'ooo', cc: 'none', model }], workload: { kind: 'matrix', file: matrix } });
      const config = resolveFabric(s.fabrics[0]!);
      const run = simulateModel(s, config);
      expect(run.workload.finished).toBe(true);
      return { ps: run.workload.finishedPs, config };
    };
    const flow = finish('flow');
    const { mtuBytes, headerBytes } = flow.config;
    const frames = Math.ceil(bytes / mtuBytes);
    const wire = bytes + frames * headerBytes;
    const last = bytes - (frames - 1) * mtuBytes + headerBytes;
    // 4 hops: the NIC's rate for all bytes, then the last frame store-and-forwarded at 200, 200 and 100 Gb/s, 4 delays.
    expect(flow.ps).toBe(Math.ceil((wire * 8_000) / 100) + 2 * serializationPs(last, 200) + serializationPs(last, 100) + 4 * psFromNs(1000));
    const packet = finish('packet');
    expect(Math.abs(packet.ps - flow.ps) / flow.ps).toBeLessThan(0.01);
  });
});

describe("the flow model's one-path route on a graph is the packet model's ECMP path", () => {
  // A ring of 6 switches, 2 hosts each: a switch and the one opposite have two equal paths.
  const ring6 = `hosts: [${Array.from({ length: 12 }, (_, h) => `h${h}`).join(', ')}]
switches: [${Array.from({ length: 6 }, (_, s) => `s${s}`).join(', ')}]
linkGbps: 100
linkDelayNs: 500
links:
${Array.from({ length: 12 }, (_, h) => `  - { a: h${h}, b: s${Math.floor(h / 2)} }`).join('\n')}
${Array.from({ length: 6 }, (_, s) => `  - { a: s${s}, b: s${(s + 1) % 6} }`).join('\n')}
`;
  it('every pair of opposite hosts, several seeds: the switch ports that carried the packets are the links the flow model routes on', () => {
    const path = write('ring6.yaml', ring6);
    let split = 0;
    for (const seed of [1, 2, 3]) {
      const topology = spec({ seed, topology: { kind: 'file', path }, workload: WORKLOAD }).topology;
      // Link numbers of ShapeLinks: host up h, host down H + h, cable c: 2H + 2c (a → b) and 2H + 2c + 1.
      const linkOf = new Map<string, number>();
      let c = 0;
      shapeOf(topology).forEachCable((a: number, aPort: number, b: number, bPort: number) => {
        linkOf.set(`${a}/${aPort}`, 24 + 2 * c);
        linkOf.set(`${b}/${bPort}`, 24 + 2 * c++ + 1);
      });
      for (let src = 0; src < 12; src++) {
        const dst = (src + 6) % 12;
        const s = spec({ seed, topology: { kind: 'file', path }, workload: { kind: 'matrix', file: write('pair.cm', `Nodes 12\nConnections 1\n${src}->${dst} id 1 start 0 size 1000\n`) } });
        const run = simulateFabric(s, resolveFabric({ preset: 'ethernet' }));
        // The data frame's cables (its ACK comes back the reverse way, on the other direction's links).
        const used = run.net.topology.switches.flatMap((sw, i) => sw.ports.flatMap((p, q) => (p.txBytes > 100 && linkOf.has(`${i}/${q}`) ? [linkOf.get(`${i}/${q}`)!] : [])));
        // The first flow of a fresh model, as in the packet run: the same UDP source port.
        const flow = new FlowNetwork(new Simulator(), topology, resolveFabric({ preset: 'ethernet' }), seed).openFlow(src, dst).path.links.filter((l) => l >= 24);
        expect(used.sort()).toEqual([...flow].sort());
        if (flow.includes(24 + 2 * 0) || flow.includes(24 + 2 * 5 + 1)) split++;
      }
    }
    expect(split).toBeGreaterThan(0); // both ways round the ring are taken by some flows
  });
});

