import { ChakraTraceError, type AttrValue, type DecodedTrace, type TraceNode } from './decode.js';
import { ET, nameOf } from './et-def.js';

/** The collectives fabsim runs, by Chakra's CollectiveCommType. */
export type ChakraCollectiveKind = 'allreduce' | 'allgather' | 'reducescatter' | 'alltoall' | 'broadcast';
const COLLECTIVES = new Map<number, ChakraCollectiveKind>([
  [ET.CollectiveCommType.ALL_REDUCE!, 'allreduce'],
  [ET.CollectiveCommType.ALL_GATHER!, 'allgather'],
  [ET.CollectiveCommType.REDUCE_SCATTER!, 'reducescatter'],
  [ET.CollectiveCommType.ALL_TO_ALL!, 'alltoall'],
  [ET.CollectiveCommType.BROADCAST!, 'broadcast'],
]);
const SUPPORTED_COLLECTIVES = 'ALL_REDUCE, ALL_GATHER, REDUCE_SCATTER, ALL_TO_ALL, BROADCAST';

/**
 * nccl-tests' S (what fabsim's collectives take) of a Chakra collective of `commSize` bytes
 * over n ranks, as ASTRA-sim reads comm_size (its ring's msg_size and final_data_size): the
 * per-rank buffer for all-reduce, reduce-scatter and all-to-all, and for all-gather each
 * rank's input, so S = n × comm_size (PyTorch's converter also records the input tensor).
 */
export const ncclBytes = (kind: ChakraCollectiveKind, commSize: number, n: number): number => (kind === 'allgather' ? commSize * n : commSize);

/** What a node does when its dependencies are done. */
export type ChakraOp =
  /** COMP_NODE: busy for its recorded duration on the rank's CPU or GPU (each runs one node at a time). */
  | { kind: 'compute'; durationUs: number; cpu: boolean }
  /** COMM_COLL_NODE on process group `group` (pg_name; '' = every rank). */
  | { kind: 'collective'; collective: ChakraCollectiveKind; bytes: number; group: string }
  /** COMM_SEND_NODE / COMM_RECV_NODE: one message to or from `peer`, matched by (sender, receiver, tag) in order. */
  | { kind: 'send' | 'recv'; peer: number; tag: number; bytes: number }
  /** METADATA_NODE, INVALID_NODE: done at once (as ASTRA-sim skips them). */
  | { kind: 'none' };

/** One rank's trace as a dependency graph over node positions (file order). */
export interface RankGraph {
  rank: number;
  ids: number[];
  ops: ChakraOp[];
  /** Unfinished dependencies each node starts with. */
  depCounts: Int32Array;
  /** Positions of the nodes that depend on each node. */
  children: number[][];
  /** Process groups its PyTorch process_group:init node lists: ranks by pg_name (empty: every rank). */
  groups: Map<string, { ranks: number[]; nodeId: number }>;
}

/**
 * The process groups of a PyTorch process_group:init metadata node, read as ASTRA-sim does
 * (Workload::issue_pytorch_pg_metadata): inputs.values is Python's str() of a one-string
 * list, `['[{"pg_name": "0", "ranks": [...], ...}, ...]']`; without its first and last two
 * characters it is JSON.
 */
function pytorchGroups(node: TraceNode, into: RankGraph['groups']): void {
  if (!node.name.includes('process_group:init') || node.metadataInputs === '') return;
  let list: unknown;
  try {
    list = JSON.parse(node.metadataInputs.slice(2, -2));
  } catch (error) {
    throw new ChakraTraceError(`cannot read the process groups in its inputs.values (${(error as Error).message})`, node.id);
  }
  if (!Array.isArray(list)) throw new ChakraTraceError('its inputs.values does not hold a list of process groups', node.id);
  for (const g of list as { pg_name?: unknown; ranks?: unknown }[]) {
    const ranks = g?.ranks;
    if (typeof g?.pg_name !== 'string' || !Array.isArray(ranks) || !ranks.every((r) => Number.isSafeInteger(r) && r >= 0))
      throw new ChakraTraceError('a process group in its inputs.values has no string pg_name or no list of ranks', node.id);
    into.set(g.pg_name, { ranks: ranks as number[], nodeId: node.id });
  }
}

function intAttr(node: TraceNode, name: string, fallback?: number): number {
  const v = node.attrs.get(name);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ChakraTraceError(`${nodeTypeName(node.type)} has no ${name} attribute`, node.id);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ChakraTraceError(`${name} must be a non-negative integer, got ${show(v)}`, node.id);
  return v;
}

const show = (v: AttrValue): string => (Array.isArray(v) ? `a list` : JSON.stringify(v));
const nodeTypeName = (type: number): string => nameOf(ET.NodeType, type);

/** The process group a collective names: pg_name, '' or '0' meaning every rank (ASTRA-sim's convention). */
function groupOf(node: TraceNode): string {
  const dims = node.attrs.get('involved_dim');
  if (Array.isArray(dims) && dims.some((d) => d !== true))
    throw new ChakraTraceError("involved_dim selects some of ASTRA-sim's logical dimensions, which fabsim has not; name the process group with pg_name and give its ranks in workload.groups", node.id);
  const pg = node.attrs.get('pg_name');
  if (pg === undefined) return '';
  if (typeof pg !== 'string') throw new ChakraTraceError(`pg_name must be a string, got ${show(pg)}`, node.id);
  return pg === '0' ? '' : pg;
}

function opOf(node: TraceNode, rank: number): ChakraOp {
  const T = ET.NodeType;
  switch (node.type) {
    case T.COMP_NODE:
      return { kind: 'compute', durationUs: node.durationMicros, cpu: node.attrs.get('is_cpu_op') === true };
    case T.COMM_COLL_NODE: {
      const type = intAttr(node, 'comm_type');
      const collective = COLLECTIVES.get(type);
      if (!collective) throw new ChakraTraceError(`collective ${nameOf(ET.CollectiveCommType, type)} (comm_type ${type}) is not supported; fabsim runs ${SUPPORTED_COLLECTIVES}`, node.id);
      return { kind: 'collective', collective, bytes: intAttr(node, 'comm_size'), group: groupOf(node) };
    }
    case T.COMM_SEND_NODE:
    case T.COMM_RECV_NODE: {
      const send = node.type === T.COMM_SEND_NODE;
      // The rank's own end may be left out (ASTRA-sim defaults it to the rank); the other end is required.
      const own = intAttr(node, send ? 'comm_src' : 'comm_dst', rank);
      if (own !== rank) throw new ChakraTraceError(`${send ? 'comm_src' : 'comm_dst'} is ${own}, but this is rank ${rank}'s trace`, node.id);
      const peer = intAttr(node, send ? 'comm_dst' : 'comm_src');
      if (peer === rank) throw new ChakraTraceError(`${send ? 'sends to' : 'receives from'} its own rank ${rank}`, node.id);
      return { kind: send ? 'send' : 'recv', peer, tag: intAttr(node, 'comm_tag', 0), bytes: intAttr(node, 'comm_size') };
    }
    case T.METADATA_NODE:
    case T.INVALID_NODE:
      return { kind: 'none' };
    default:
      throw new ChakraTraceError(
        `node type ${nodeTypeName(node.type)} is not supported; fabsim runs COMP_NODE, COMM_COLL_NODE, COMM_SEND_NODE, COMM_RECV_NODE (METADATA_NODE and INVALID_NODE are skipped)`,
        node.id,
      );
  }
}

/** A node on a dependency cycle, and the cycle from it, among the nodes Kahn's algorithm could not order. */
function findCycle(ids: number[], parents: number[][], stuck: Uint8Array): number[] {
  let at = stuck.indexOf(1);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(at)) {
    seenAt.set(at, path.length);
    path.push(at);
    at = parents[at]!.find((p) => stuck[p] === 1)!;
  }
  return [...path.slice(seenAt.get(at)!), at].map((i) => ids[i]!);
}

/**
 * Checks one rank's trace and builds its graph: unique ids, every dependency a node of the
 * trace, no cycle, every node of a kind fabsim runs. Errors name the node.
 */
export function buildRankGraph(trace: DecodedTrace, rank: number): RankGraph {
  const { nodes } = trace;
  const positionOf = new Map<number, number>();
  nodes.forEach((n, i) => {
    if (positionOf.has(n.id)) throw new ChakraTraceError('its id appears twice in the trace', n.id);
    positionOf.set(n.id, i);
  });
  const parents = nodes.map((n) =>
    n.deps.map((d) => {
      const p = positionOf.get(d);
      if (p === undefined) throw new ChakraTraceError(`depends on node ${d}, which is not in the trace`, n.id);
      if (p === positionOf.get(n.id)) throw new ChakraTraceError('depends on itself', n.id);
      return p;
    }),
  );
  const ops = nodes.map((n) => opOf(n, rank));
  const children: number[][] = nodes.map(() => []);
  parents.forEach((ps, i) => ps.forEach((p) => children[p]!.push(i)));
  const depCounts = Int32Array.from(parents, (ps) => ps.length);
  // Kahn's algorithm: whatever it cannot order lies on or behind a cycle.
  const left = Int32Array.from(depCounts);
  const ready = [...left.keys()].filter((i) => left[i] === 0);
  let ordered = 0;
  while (ready.length > 0) {
    const i = ready.pop()!;
    ordered++;
    for (const c of children[i]!) if (--left[c]! === 0) ready.push(c);
  }
  if (ordered < nodes.length) {
    const cycle = findCycle(
      nodes.map((n) => n.id),
      parents,
      Uint8Array.from(left, (l) => (l > 0 ? 1 : 0)),
    );
    throw new ChakraTraceError(`dependency cycle: ${cycle.map((id) => `node ${id}`).join(' → ')} (each waits for the next)`, cycle[0]);
  }
  const groups: RankGraph['groups'] = new Map();
  for (const n of nodes) if (n.type === ET.NodeType.METADATA_NODE) pytorchGroups(n, groups);
  return { rank, ids: nodes.map((n) => n.id), ops, depCounts, children, groups };
}
