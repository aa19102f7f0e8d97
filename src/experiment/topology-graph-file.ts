import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { psFromNs } from '../engine/index.js';
import { GraphError, type GraphLink, type TopologyGraph } from '../fabric/index.js';
import { excerpt } from './read-user-file.js';

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
 */
export function parseGraphDocument(text: string): TopologyGraph {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : 0;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new GraphError(e.linePos?.[0].line ?? 0, `not valid YAML or JSON: ${e.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new GraphError(lineOf(root), 'expected an object with hosts, switches and links');
  const field = (key: string): YamlNode | undefined => root.get(key, true) as YamlNode | undefined;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!TOP_FIELDS.includes(key)) throw new GraphError(lineOf(pair.key), `${excerpt(key)}: unknown field (expected ${TOP_FIELDS.join(', ')})`);
  }
  const number = (node: YamlNode | undefined, what: string, min: number, integer = false): number | undefined => {
    if (node === undefined) return undefined;
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
      throw new GraphError(lineOf(node), `${what}: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${excerpt(String(isScalar(node) ? node.value : 'a list or object'))}`);
    return v;
  };
  const ids = new Map<string, number>();
  const names = (key: 'hosts' | 'switches'): string[] => {
    const node = field(key);
    if (!isSeq(node)) throw new GraphError(lineOf(node ?? root), `${key}: required, a list of names`);
    return node.items.map((item) => {
      const v = isScalar(item) ? item.value : undefined;
      if (typeof v !== 'string' && typeof v !== 'number') throw new GraphError(lineOf(item), `${key}: expected a name (string or integer)`);
      const name = String(v);
      if (ids.has(name)) throw new GraphError(lineOf(item), `${key}: ${excerpt(name)} named twice`);
      ids.set(name, ids.size);
      return name;
    });
  };
  const hosts = names('hosts');
  const switches = names('switches');
  const defaultGbps = number(field('linkGbps'), 'linkGbps', Number.MIN_VALUE);
  const defaultDelayNs = number(field('linkDelayNs'), 'linkDelayNs', 0);
  const gpusPerNode = number(field('gpusPerNode'), 'gpusPerNode', 1, true);
  if (gpusPerNode !== undefined && hosts.length % gpusPerNode !== 0)
    throw new GraphError(lineOf(field('gpusPerNode')), `gpusPerNode: ${gpusPerNode} must divide the ${hosts.length} hosts`);
  const linksNode = field('links');
  if (!isSeq(linksNode)) throw new GraphError(lineOf(linksNode ?? root), 'links: required, a list of { a, b, gbps, delayNs }');
  const links: GraphLink[] = linksNode.items.map((item) => {
    const line = lineOf(item);
    if (!isMap(item)) throw new GraphError(line, 'links: expected { a, b, gbps, delayNs }');
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (!LINK_FIELDS.includes(key)) throw new GraphError(line, `links: ${excerpt(key)}: unknown field (expected ${LINK_FIELDS.join(', ')})`);
    }
    const end = (key: 'a' | 'b'): number => {
      const node = item.get(key, true) as YamlNode | undefined;
      if (node === undefined) throw new GraphError(line, `links: no ${key} end (a dangling link): a link joins two nodes`);
      const name = String(isScalar(node) ? node.value : '');
      const id = ids.get(name);
      if (id === undefined) throw new GraphError(line, `links: ${key}: unknown node id ${excerpt(name)} (not among hosts or switches)`);
      return id;
    };
    const a = end('a');
    const b = end('b');
    const gbps = number(item.get('gbps', true) as YamlNode | undefined, 'links: gbps', Number.MIN_VALUE) ?? defaultGbps;
    const delayNs = number(item.get('delayNs', true) as YamlNode | undefined, 'links: delayNs', 0) ?? defaultDelayNs;
    if (gbps === undefined) throw new GraphError(line, 'links: gbps: required (or a top-level linkGbps)');
    if (delayNs === undefined) throw new GraphError(line, 'links: delayNs: required (or a top-level linkDelayNs)');
    const parallel = number(item.get('parallel', true) as YamlNode | undefined, 'links: parallel', 1, true) ?? 1;
    return { a, b, gbps, delayPs: psFromNs(delayNs), parallel, line };
  });
  return { hosts, switches, links, ...(gpusPerNode !== undefined ? { gpusPerNode } : {}) };
}
