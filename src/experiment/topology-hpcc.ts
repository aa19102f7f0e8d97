import { GraphError, type GraphLink, type TopologyGraph } from '../fabric/index.js';
import { excerpt } from './read-user-file.js';

/** ns-3 DataRate units in bits per second (HPCC's files write "100Gbps"). */
const RATE_UNITS: Record<string, number> = { bps: 1, kbps: 1e3, Kbps: 1e3, Mbps: 1e6, Gbps: 1e9, Tbps: 1e12, 'b/s': 1, 'kb/s': 1e3, 'Kb/s': 1e3, 'Mb/s': 1e6, 'Gb/s': 1e9, 'Tb/s': 1e12 };
/** ns-3 Time units in picoseconds ("1000ns", "1us", "0.001ms"). */
const TIME_UNITS: Record<string, number> = { s: 1e12, ms: 1e9, us: 1e6, ns: 1e3, ps: 1 };
const NUMBER = /^(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)([a-zA-Z/]+)$/;

export function parseRateGbps(token: string, line: number): number {
  const m = NUMBER.exec(token);
  const unit = m ? RATE_UNITS[m[2]!] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) > 0)) throw new GraphError(line, `rate: expected a rate such as 100Gbps (units bps, Kbps, Mbps, Gbps, Tbps), got ${excerpt(token)}`);
  return (Number(m[1]) * unit) / 1e9;
}

export function parseDelayPs(token: string, line: number): number {
  const m = NUMBER.exec(token);
  const unit = m ? TIME_UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new GraphError(line, `delay: expected a time such as 1us or 1000ns (units s, ms, us, ns, ps), got ${excerpt(token)}`);
  return Math.round(Number(m[1]) * unit);
}

function nodeId(token: string, nodes: number, line: number, what: string): number {
  const n = Number(token);
  if (!/^\d+$/.test(token) || !Number.isSafeInteger(n)) throw new GraphError(line, `${what}: expected a node id, got ${excerpt(token)}`);
  if (n >= nodes) throw new GraphError(line, `${what}: unknown node id ${n} (the header declares ${nodes} nodes, ids 0 … ${nodes - 1})`);
  return n;
}

/**
 * HPCC's ns-3 topology.txt (simulation/mix/*.txt, read by scratch/third.cc): "nodes switches
 * links", then the switch ids, then one "src dst rate delay error_rate" per link. Every
 * other node is a host; GPU numbers follow host ids in ascending order. Nodes keep their
 * ids as names. A non-zero error rate is refused (random loss is not modelled).
 */
export function parseHpccTopology(text: string): TopologyGraph {
  const lines = text.split('\n').map((raw, i) => ({ tokens: raw.trim().split(/\s+/).filter((t) => t !== ''), line: i + 1 }));
  const content = lines.filter((l) => l.tokens.length > 0);
  const header = content[0];
  if (!header || header.tokens.length !== 3 || !header.tokens.every((t) => /^\d+$/.test(t)))
    throw new GraphError(header?.line ?? 1, `expected the header "nodes switches links" (three integers)${header ? `, got ${excerpt(header.tokens.join(' '))}` : ''}`);
  const [nodes, switchCount, linkCount] = header.tokens.map(Number) as [number, number, number];
  const ids = content[1];
  if (switchCount > 0 && (!ids || ids.tokens.length !== switchCount))
    throw new GraphError(ids?.line ?? header.line, `expected the ${switchCount} switch ids on one line, got ${ids?.tokens.length ?? 0}`);
  const isSwitch = new Uint8Array(nodes);
  for (const t of switchCount > 0 ? ids!.tokens : []) {
    const id = nodeId(t, nodes, ids!.line, 'switch id');
    if (isSwitch[id]) throw new GraphError(ids!.line, `switch id ${id} listed twice`);
    isSwitch[id] = 1;
  }
  // Node numbering of the graph: hosts in id order, then switches in the order listed.
  const number = new Int32Array(nodes);
  const hosts: string[] = [];
  for (let id = 0; id < nodes; id++) if (!isSwitch[id]) number[id] = hosts.push(String(id)) - 1;
  const switches = (switchCount > 0 ? ids!.tokens : []).map(Number);
  switches.forEach((id, s) => (number[id] = hosts.length + s));
  const linkLines = content.slice(switchCount > 0 ? 2 : 1);
  if (linkLines.length < linkCount)
    throw new GraphError(lines.length, `the header declares ${linkCount} links, the file has ${linkLines.length}`);
  if (linkLines.length > linkCount) throw new GraphError(linkLines[linkCount]!.line, `more link lines than the ${linkCount} the header declares`);
  const links: GraphLink[] = linkLines.map(({ tokens, line }) => {
    if (tokens.length !== 5) throw new GraphError(line, `expected "src dst rate delay error_rate", got ${tokens.length} field${tokens.length === 1 ? '' : 's'}${tokens.length < 2 ? ' (a dangling link)' : ''}`);
    const [src, dst, rate, delay, errorRate] = tokens as [string, string, string, string, string];
    const loss = Number(errorRate);
    if (!Number.isFinite(loss)) throw new GraphError(line, `error_rate: expected a number, got ${excerpt(errorRate)}`);
    if (loss !== 0) throw new GraphError(line, `error_rate ${excerpt(errorRate)}: random link errors are not modelled, expected 0`);
    return {
      a: number[nodeId(src, nodes, line, 'src')]!,
      b: number[nodeId(dst, nodes, line, 'dst')]!,
      gbps: parseRateGbps(rate, line),
      delayPs: parseDelayPs(delay, line),
      parallel: 1,
      line,
    };
  });
  return { hosts, switches: switches.map(String), links };
}

/** Does `text` look like an HPCC topology.txt (a header of three integers)? */
export const isHpccTopology = (text: string): boolean => /^\s*\d+\s+\d+\s+\d+\s*$/m.test(text.split('\n').find((l) => l.trim() !== '') ?? '');
