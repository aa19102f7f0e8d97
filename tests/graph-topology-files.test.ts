import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSync } from './cli-helpers.js';
import { exportTopology } from '../src/experiment/export-topology.js';
import { loadSpec, SpecError } from '../src/experiment/index.js';
import { rawGraphFromLines, rawGraphFromYaml } from '../src/experiment/topology-graph-raw.js';
import { shapeOf, type FileTopologySpec } from '../src/fabric/index.js';
import { spec } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-graph-bad-'));
let n = 0;
/** The one-line error a topology file gives, or '' if it loads. */
function errorOf(text: string, ext = 'txt'): string {
  const path = join(dir, `t${n++}.${ext}`);
  writeFileSync(path, text);
  try {
    spec({ topology: { kind: 'file', path }, workload: { kind: 'permutation', bytes: 1000 } });
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`topology.path: ${path}`)).toBe(true);
    return message.slice(`topology.path: ${path}`.length).replace(/^:? /, '');
  }
}

// HPCC's format: 4 hosts (0-3), switches 4 and 5.
const HEAD = '6 2 5\n4 5\n';
const OK_LINKS = ['0 4 100Gbps 1us 0', '1 4 100Gbps 1us 0', '2 5 100Gbps 1us 0', '3 5 100Gbps 1us 0', '4 5 400Gbps 1us 0'];
const hpcc = (links: string[], head = `6 2 ${links.length}\n4 5\n`) => `${head}${links.join('\n')}\n`;

describe("HPCC's topology.txt: a malformed file is one line naming the file and the line", () => {
  it('reads a well-formed one', () => {
    expect(errorOf(HEAD + OK_LINKS.join('\n'))).toBe('');
  });

  it.each([
    ['dangling link (one end)', hpcc([...OK_LINKS.slice(0, 4), '4']), /^line 7: expected "src dst rate delay error_rate", got 1 field \(a dangling link\)$/],
    ['link missing its fields', hpcc([...OK_LINKS.slice(0, 4), '4 5']), /^line 7: expected "src dst rate delay error_rate", got 2 fields$/],
    ['duplicate link (either direction)', hpcc([...OK_LINKS, '5 4 400Gbps 1us 0']), /^line 8: duplicate link switch 4 – switch 5 \(first on line 7;/],
    ['unknown node id', hpcc([...OK_LINKS.slice(0, 4), '4 9 400Gbps 1us 0']), /^line 7: dst: unknown node id 9 \(the header declares 6 nodes/],
    ['disconnected host', hpcc(OK_LINKS.slice(0, 4)), /^line 5: host 2 is disconnected: no path to host 0$/],
    ['host with two links', hpcc([...OK_LINKS, '0 5 100Gbps 1us 0']), /^line 8: host 0 has a second link \(first on line 3\): a host has exactly one$/],
    ['host with no link', hpcc(['0 4 100Gbps 1us 0', '1 4 100Gbps 1us 0', '2 5 100Gbps 1us 0', '4 5 400Gbps 1us 0']), /^host 3 has no link: a host has exactly one$/],
    ['link between two hosts', hpcc([...OK_LINKS, '0 1 100Gbps 1us 0']), /^line 8: link between two hosts/],
    ['fewer link lines than the header', `6 2 6\n4 5\n${OK_LINKS.join('\n')}\n`, /declares 6 links, the file has 5$/],
    ['more link lines than the header', `6 2 4\n4 5\n${OK_LINKS.join('\n')}\n`, /^line 7: more link lines than the 4 the header declares$/],
    ['a rate without units', hpcc([...OK_LINKS.slice(0, 4), '4 5 400 1us 0']), /^line 7: rate: expected a rate such as 100Gbps/],
    ['a delay without units', hpcc([...OK_LINKS.slice(0, 4), '4 5 400Gbps 1 0']), /^line 7: delay: expected a time such as 1us/],
    ['a non-zero error rate (not modelled)', hpcc([...OK_LINKS.slice(0, 4), '4 5 400Gbps 1us 0.001']), /^line 7: error_rate "0.001": random link errors are not modelled, expected 0$/],
    ['a rate out of range', hpcc([...OK_LINKS.slice(0, 4), '4 5 400Tbps 1us 0']), /^line 7: link rate: expected 1 to 100,000 Gb\/s, got 400000$/],
    ['a switch id out of range', hpcc(OK_LINKS, '6 2 5\n4 7\n'), /^line 2: switch id: unknown node id 7/],
  ])('%s', (_name, text, expected) => {
    expect(errorOf(text)).toMatch(expected);
  });
});

const yamlGraph = (links: string[], extra = '') => `hosts: [h0, h1, h2, h3]\nswitches: [s0, s1]\nlinkGbps: 100\nlinkDelayNs: 1000\n${extra}links:\n${links.map((l) => `  - ${l}`).join('\n')}\n`;
const OK_YAML = ['{ a: h0, b: s0 }', '{ a: h1, b: s0 }', '{ a: h2, b: s1 }', '{ a: h3, b: s1 }', '{ a: s0, b: s1, gbps: 400 }'];

describe('the YAML/JSON graph: a malformed file is one line naming the file and the line', () => {
  it('reads a well-formed one, in YAML and in JSON', () => {
    expect(errorOf(yamlGraph(OK_YAML), 'yaml')).toBe('');
    const json = { hosts: ['h0', 'h1'], switches: ['s0'], links: [{ a: 'h0', b: 's0', gbps: 100, delayNs: 500 }, { a: 'h1', b: 's0', gbps: 100, delayNs: 500 }] };
    expect(errorOf(JSON.stringify(json, null, 1), 'json')).toBe('');
  });

  // Links start on line 6 (hosts, switches, linkGbps, linkDelayNs, "links:").
  it.each([
    ['dangling link (no b end)', [...OK_YAML.slice(0, 4), '{ a: s0 }'], /^line 10: links: no b end \(a dangling link\)/],
    ['duplicate link (either direction)', [...OK_YAML, '{ a: s1, b: s0 }'], /^line 11: duplicate link switch s0 – switch s1 \(first on line 10;/],
    ['unknown node id', [...OK_YAML.slice(0, 4), '{ a: s0, b: s9 }'], /^line 10: links: b: unknown node id "s9" \(not among hosts or switches\)$/],
    ['disconnected host', OK_YAML.slice(0, 4), /^line 8: host h2 is disconnected: no path to host h0$/],
    ['host with two links', [...OK_YAML, '{ a: h0, b: s1 }'], /^line 11: host h0 has a second link \(first on line 6\)/],
    ['unknown link field', [...OK_YAML.slice(0, 4), '{ a: s0, b: s1, speed: 400 }'], /^line 10: links: "speed": unknown field/],
    ['a negative rate', [...OK_YAML.slice(0, 4), '{ a: s0, b: s1, gbps: -1 }'], /^line 10: links: gbps: expected a number/],
  ])('%s', (_name, links, expected) => {
    expect(errorOf(yamlGraph(links), 'yaml')).toMatch(expected);
  });

  it('a name given twice, an unknown top-level field, and gpusPerNode that does not divide the hosts', () => {
    expect(errorOf('hosts: [a, b]\nswitches: [a]\nlinks: []\n', 'yaml')).toMatch(/^line 2: switches: "a" named twice$/);
    expect(errorOf(yamlGraph(OK_YAML, 'nodes: 3\n'), 'yaml')).toMatch(/^line 5: "nodes": unknown field/);
    expect(errorOf(yamlGraph(OK_YAML, 'gpusPerNode: 3\n'), 'yaml')).toMatch(/^line 5: gpusPerNode: 3 must divide the 4 hosts$/);
  });
});

describe('the line-by-line reader of the graph format', () => {
  it('gives what the YAML reader gives, on an exported fat-tree and on the hand-written HPCC fabric', () => {
    const exported = exportTopology(shapeOf(spec({ topology: { kind: 'fat-tree', radix: 4 }, workload: { kind: 'permutation', bytes: 1000 } }).topology), 'x');
    for (const text of [exported, readFileSync('experiments/topologies/hpcc-fat-tree.yaml', 'utf8'), yamlGraph(OK_YAML, 'gpusPerNode: 2\n')]) {
      const fast = rawGraphFromLines(text);
      expect(fast).toBeDefined();
      expect(fast).toEqual(rawGraphFromYaml(text));
    }
  });

  it('leaves anything else to the YAML reader: trailing comments, quotes with commas, YAML words, tabs, JSON', () => {
    for (const text of ['hosts: [a, b] # two\n', 'hosts: ["a,b"]\n', 'hosts: [true]\n', 'links:\n\t- { a: x, b: y }\n', '{"hosts": []}\n', 'hosts: [1e3]\n'])
      expect(rawGraphFromLines(text)).toBeUndefined();
  });
});

describe("HPCC's fat-tree in the graph format", () => {
  it("is the graph HPCC's fat.txt describes (rebuilt here in HPCC's format from the paper's description)", () => {
    // 320 hosts (ids 0-319), ToRs 320-339, Aggs 340-359, cores 360-375: host h on ToR 320 + h/16 at
    // 100 Gb/s; ToR t to the 4 Aggs of its pod; Agg a to cores 360 + 4(a mod 4) … +3; 400 Gb/s, 1000 ns.
    const lines = ['376 56 480', Array.from({ length: 56 }, (_, i) => 320 + i).join(' ')];
    for (let h = 0; h < 320; h++) lines.push(`${h} ${320 + Math.floor(h / 16)} 100Gbps 1000ns 0.000000`);
    for (let t = 0; t < 20; t++) for (let j = 0; j < 4; j++) lines.push(`${320 + t} ${340 + 4 * Math.floor(t / 4) + j} 400Gbps 1000ns 0.000000`);
    for (let a = 0; a < 20; a++) for (let c = 0; c < 4; c++) lines.push(`${340 + a} ${360 + 4 * (a % 4) + c} 400Gbps 1000ns 0.000000`);
    const hpccFile = join(dir, 'fat.txt');
    writeFileSync(hpccFile, `${lines.join('\n')}\n`);
    const of = (path: string) => {
      const t = spec({ topology: { kind: 'file', path }, workload: { kind: 'permutation', bytes: 1000 } }).topology as FileTopologySpec;
      return { hosts: t.graph.hosts.length, switches: t.graph.switches.length, links: t.graph.links.map((l) => `${l.a}-${l.b} ${l.gbps} ${l.delayPs} ${l.parallel}`).sort() };
    };
    const ours = of('experiments/topologies/hpcc-fat-tree.yaml');
    expect(ours).toEqual(of(hpccFile));
    expect(ours.links.length).toBe(480);
  });
});

describe('the command line', () => {
  it('export-topology writes a built-in topology as a graph on stdout', () => {
    const specPath = join(dir, 'ls-spec.yaml');
    writeFileSync(specPath, 'name: ls\ntopology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4 }\nfabrics: [ethernet]\nworkload: { kind: permutation, bytes: 1000 }\n');
    const r = cliSync('export-topology', specPath);
    expect(r.code).toBe(0);
    const out = join(dir, 'ls-out.yaml');
    writeFileSync(out, r.stdout);
    const shape = shapeOf(spec({ topology: { kind: 'file', path: out }, workload: { kind: 'permutation', bytes: 1000 } }).topology);
    expect([shape.gpus, shape.tierNames, shape.switches().map((s) => s.name)]).toEqual([8, ['leaf', 'spine'], ['leaf0', 'leaf1', 'spine0', 'spine1', 'spine2', 'spine3']]);
  });

  it('a malformed topology file exits 2 with one line naming the file (as the spec names it) and the line', () => {
    writeFileSync(join(dir, 'bad.txt'), hpcc([...OK_LINKS.slice(0, 4), '4 9 400Gbps 1us 0']));
    const specPath = join(dir, 'bad-spec.yaml');
    writeFileSync(specPath, 'name: bad\ntopology: { kind: file, path: bad.txt }\nfabrics: [ethernet]\nworkload: { kind: permutation, bytes: 1000 }\n');
    const r = cliSync('run', specPath);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['fabsim: topology.path: bad.txt line 7: dst: unknown node id 9 (the header declares 6 nodes, ids 0 … 5)']);
  });

  it("a spec may not read a topology file outside its own folder (read-user-file.ts's rule)", () => {
    mkdirSync(join(dir, 'inner'), { recursive: true });
    writeFileSync(join(dir, 'outside.txt'), HEAD + OK_LINKS.join('\n'));
    const specPath = join(dir, 'inner', 'spec.yaml');
    writeFileSync(specPath, 'name: out\ntopology: { kind: file, path: ../outside.txt }\nfabrics: [ethernet]\nworkload: { kind: permutation, bytes: 1000 }\n');
    expect(() => loadSpec(specPath)).toThrow(/^topology\.path: \.\.\/outside\.txt is outside the spec's folder .* pass --allow-outside-files/);
  });
});
