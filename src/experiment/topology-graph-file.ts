import { psFromNs } from '../engine/index.js';
import { GraphError, type GraphLink, type TopologyGraph } from '../fabric/index.js';
import { excerpt } from './read-user-file.js';
import { rawGraphFromLines, rawGraphFromYaml, type RawMap, type RawValue } from './topology-graph-raw.js';

const TOP_FIELDS = ['hosts', 'switches', 'links', 'linkGbps', 'linkDelayNs', 'gpusPerNode'];
const LINK_FIELDS = ['a', 'b', 'gbps', 'delayNs', 'parallel'];

/**
 * fabsim's topology graph (YAML or JSON):
 *
 *     hosts: [gpu0, gpu1, …]         # names; GPU h is the h-th
 *     switches: [leaf0, spine0, …]   # names (a switch's name seeds its ECMP salt)
 *     linkGbps: 400                  # default of links that give no gbps
 *     linkDelayNs: 500               # default of links that give no delayNs
 *     gpusPerNode: 8                 # optional: consecutive GPUs per server
 *     links:
 *       - { a: gpu0, b: leaf0 }
 *       - { a: leaf0, b: spine0, gbps: 800, delayNs: 1000, parallel: 2 }
 *
 * Names are strings or integers, unique over hosts and switches. Errors name the line.
 * A file laid out as above (one list or link per line: what export-topology writes) is read
 * line by line; any other YAML or JSON by the YAML reader, ~20× slower (seconds per MB).
 */
export function parseGraphDocument(text: string): TopologyGraph {
  return graphOf(rawGraphFromLines(text) ?? rawGraphFromYaml(text));
}

function graphOf(root: RawMap): TopologyGraph {
  for (const e of root.entries)
    if (!TOP_FIELDS.includes(e.key)) throw new GraphError(e.line, `${excerpt(e.key)}: unknown field (expected ${TOP_FIELDS.join(', ')})`);
  const field = (m: RawMap, key: string): RawValue | undefined => m.entries.find((e) => e.key === key)?.value;
  const number = (node: RawValue | undefined, what: string, min: number, integer = false): number | undefined => {
    if (node === undefined) return undefined;
    const v = node.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
      throw new GraphError(node.line, `${what}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${excerpt(Array.isArray(v) || (v !== null && typeof v === 'object') ? 'a list or object' : String(v))}`);
    return v;
  };
  const ids = new Map<string, number>();
  const names = (key: 'hosts' | 'switches'): string[] => {
    const node = field(root, key);
    if (!Array.isArray(node?.value)) throw new GraphError(node?.line ?? root.line, `${key}: required, a list of names`);
    return node.value.map((item) => {
      const v = item.value;
      if (typeof v !== 'string' && typeof v !== 'number') throw new GraphError(item.line, `${key}: expected a name (string or integer)`);
      const name = String(v);
      if (ids.has(name)) throw new GraphError(item.line, `${key}: ${excerpt(name)} named twice`);
      ids.set(name, ids.size);
      return name;
    });
  };
  const hosts = names('hosts');
  const switches = names('switches');
  const defaultGbps = number(field(root, 'linkGbps'), 'linkGbps', Number.MIN_VALUE);
  const defaultDelayNs = number(field(root, 'linkDelayNs'), 'linkDelayNs', 0);
  const gpusPerNodeNode = field(root, 'gpusPerNode');
  const gpusPerNode = number(gpusPerNodeNode, 'gpusPerNode', 1, true);
  if (gpusPerNode !== undefined && hosts.length % gpusPerNode !== 0)
    throw new GraphError(gpusPerNodeNode!.line, `gpusPerNode: ${gpusPerNode} must divide the ${hosts.length} hosts`);
  const linksNode = field(root, 'links');
  if (!Array.isArray(linksNode?.value)) throw new GraphError(linksNode?.line ?? root.line, 'links: required, a list of { a, b, gbps, delayNs }');
  const links: GraphLink[] = linksNode.value.map((item) => {
    const line = item.line;
    const map = item.value;
    if (map === null || typeof map !== 'object' || Array.isArray(map)) throw new GraphError(line, 'links: expected { a, b, gbps, delayNs }');
    for (const e of map.entries)
      if (!LINK_FIELDS.includes(e.key)) throw new GraphError(line, `links: ${excerpt(e.key)}: unknown field (expected ${LINK_FIELDS.join(', ')})`);
    const end = (key: 'a' | 'b'): number => {
      const node = field(map, key);
      if (node === undefined) throw new GraphError(line, `links: no ${key} end (a dangling link): a link joins two nodes`);
      const name = typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : '';
      const id = ids.get(name);
      if (id === undefined) throw new GraphError(line, `links: ${key}: unknown node id ${excerpt(name)} (not among hosts or switches)`);
      return id;
    };
    const a = end('a');
    const b = end('b');
    const gbps = number(field(map, 'gbps'), 'links: gbps', Number.MIN_VALUE) ?? defaultGbps;
    const delayNs = number(field(map, 'delayNs'), 'links: delayNs', 0) ?? defaultDelayNs;
    if (gbps === undefined) throw new GraphError(line, 'links: gbps: required (or a top-level linkGbps)');
    if (delayNs === undefined) throw new GraphError(line, 'links: delayNs: required (or a top-level linkDelayNs)');
    const parallel = number(field(map, 'parallel'), 'links: parallel', 1, true) ?? 1;
    return { a, b, gbps, delayPs: psFromNs(delayNs), parallel, line };
  });
  return { hosts, switches, links, ...(gpusPerNode !== undefined ? { gpusPerNode } : {}) };
}
