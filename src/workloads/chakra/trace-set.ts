import { checkNoDeadlock, type RankNode } from './deadlock.js';
import { ChakraTraceError } from './decode.js';
import type { ChakraCollectiveKind, RankGraph } from './graph.js';

/** One collective as every member of its group runs it: the k-th on the group in each member's trace. */
export interface CollectiveInstance {
  collective: ChakraCollectiveKind;
  bytes: number;
  /** Member ranks, in the group's order (the ring order; a broadcast's root first). */
  members: number[];
  /** Per member (same order): the node position in that rank's graph. */
  nodes: number[];
}

/** Every rank's graph, with the collectives matched across ranks. */
export interface ChakraTrace {
  graphs: RankGraph[];
  instances: CollectiveInstance[];
  /** instanceOf[rank][node]: the collective instance a collective node belongs to (−1 otherwise). */
  instanceOf: Int32Array[];
}

const showGroup = (g: string): string => (g === '' ? 'of every rank' : `"${g}"`);

/** Process groups PyTorch's metadata nodes list, the same on every rank that lists them (empty ranks: every rank, as ASTRA-sim reads it). */
function groupsInTraces(graphs: RankGraph[], everyRank: number[]): Record<string, number[]> {
  const groups: Record<string, number[]> = {};
  const seenOn: Record<string, number> = {};
  for (const g of graphs) {
    for (const [name, { ranks, nodeId }] of g.groups) {
      const members = ranks.length === 0 ? everyRank : ranks;
      const known = groups[name];
      if (known && known.join() !== members.join())
        throw new ChakraTraceError(`process group "${name}" is ranks [${members.join(', ')}] here, [${known.join(', ')}] on rank ${seenOn[name]}`, nodeId, g.rank);
      groups[name] = members;
      seenOn[name] ??= g.rank;
    }
  }
  return groups;
}

/**
 * Matches the ranks' communication as NCCL does: the k-th collective a rank issues on a
 * process group joins the k-th of every other member (here: the k-th in each trace's
 * order), so each member must have as many, of the same kind and size. Sends and receives
 * pair up in order per (sender, receiver, tag): each pair of lists must be as long, with
 * the same sizes. A mismatch is an error naming the node, rather than a run that hangs.
 * `specGroups`: ranks of each named process group (pg_name; ASTRA-sim's comm-group file), over
 * what the traces' PyTorch metadata nodes say.
 */
export function matchTraces(graphs: RankGraph[], specGroups: Record<string, number[]>): ChakraTrace {
  const n = graphs.length;
  const everyRank = Array.from({ length: n }, (_, r) => r);
  const groups = { ...groupsInTraces(graphs, everyRank), ...specGroups };
  for (const [name, ranks] of Object.entries(groups)) {
    const beyond = ranks.find((r) => r >= n);
    if (beyond !== undefined) throw new ChakraTraceError(`process group "${name}" names rank ${beyond}, but the traces are of ranks 0 to ${n - 1}`);
    const seen = new Set<number>();
    const twice = ranks.find((r) => seen.has(r) || (seen.add(r), false));
    if (twice !== undefined) throw new ChakraTraceError(`process group "${name}" names rank ${twice} twice`);
  }
  // Per group, per member rank: its collective nodes in trace order.
  const onGroup = new Map<string, Map<number, number[]>>();
  const sends = new Map<string, { rank: number; node: number }[]>();
  const recvs = new Map<string, { rank: number; node: number }[]>();
  for (const g of graphs) {
    g.ops.forEach((op, i) => {
      const id = g.ids[i];
      if (op.kind === 'collective') {
        const members = op.group === '' ? everyRank : groups[op.group];
        if (!members) throw new ChakraTraceError(`process group "${op.group}" has no ranks: give them in workload.groups ({ "${op.group}": [ranks] }, as ASTRA-sim's comm-group file)`, id, g.rank);
        if (!members.includes(g.rank)) throw new ChakraTraceError(`runs a collective on process group ${showGroup(op.group)}, which does not include rank ${g.rank}`, id, g.rank);
        const byRank = onGroup.get(op.group) ?? new Map<number, number[]>(members.map((r) => [r, []]));
        onGroup.set(op.group, byRank);
        byRank.get(g.rank)!.push(i);
      } else if (op.kind === 'send' || op.kind === 'recv') {
        if (op.peer >= n) throw new ChakraTraceError(`${op.kind === 'send' ? 'sends to' : 'receives from'} rank ${op.peer}, which has no trace (ranks 0 to ${n - 1})`, id, g.rank);
        const [src, dst] = op.kind === 'send' ? [g.rank, op.peer] : [op.peer, g.rank];
        const key = `${src}>${dst}#${op.tag}`;
        const lists = op.kind === 'send' ? sends : recvs;
        const list = lists.get(key) ?? [];
        lists.set(key, list);
        list.push({ rank: g.rank, node: i });
      }
    });
  }
  const instances: CollectiveInstance[] = [];
  const instanceOf = graphs.map((g) => new Int32Array(g.ops.length).fill(-1));
  for (const [group, byRank] of onGroup) {
    const members = [...byRank.keys()];
    const counts = members.map((r) => byRank.get(r)!.length);
    const most = Math.max(...counts);
    for (let k = 0; k < most; k++) {
      const nodes = members.map((r) => byRank.get(r)![k]);
      const first = members.findIndex((_, m) => nodes[m] !== undefined);
      const ref = graphs[members[first]!]!.ops[nodes[first]!] as Extract<RankGraph['ops'][number], { kind: 'collective' }>;
      members.forEach((r, m) => {
        const node = nodes[m];
        const other = `collective ${k + 1} on process group ${showGroup(group)}`;
        if (node === undefined)
          throw new ChakraTraceError(`rank ${r} has ${counts[m]} collectives on process group ${showGroup(group)}, rank ${members[first]} has ${most}: ${other} (node ${graphs[members[first]!]!.ids[nodes[first]!]} there) would wait forever`, undefined, r);
        const op = graphs[r]!.ops[node] as typeof ref;
        if (op.collective !== ref.collective || op.bytes !== ref.bytes)
          throw new ChakraTraceError(`${other} is ${op.collective} of ${op.bytes} B here, ${ref.collective} of ${ref.bytes} B on rank ${members[first]}`, graphs[r]!.ids[node], r);
        instanceOf[r]![node] = instances.length;
      });
      instances.push({ collective: ref.collective, bytes: ref.bytes, members, nodes: nodes as number[] });
    }
  }
  const pairs: { send: RankNode; recv: RankNode }[] = [];
  for (const key of new Set([...sends.keys(), ...recvs.keys()])) {
    const s = sends.get(key) ?? [];
    const r = recvs.get(key) ?? [];
    const [src, rest] = key.split('>');
    const [dst, tag] = rest!.split('#');
    if (s.length !== r.length) {
      const extra = s.length > r.length ? s[r.length]! : r[s.length]!;
      throw new ChakraTraceError(
        `rank ${src} sends ${s.length} message(s) with tag ${tag} to rank ${dst}, which receives ${r.length}: this one would never be matched`,
        graphs[extra.rank]!.ids[extra.node],
        extra.rank,
      );
    }
    s.forEach((send, i) => {
      const sendOp = graphs[send.rank]!.ops[send.node] as { bytes: number };
      const recv = r[i]!;
      const recvOp = graphs[recv.rank]!.ops[recv.node] as { bytes: number };
      if (sendOp.bytes !== recvOp.bytes)
        throw new ChakraTraceError(`receives ${recvOp.bytes} B, but the matching send (node ${graphs[send.rank]!.ids[send.node]} of rank ${src}) sends ${sendOp.bytes} B`, graphs[recv.rank]!.ids[recv.node], recv.rank);
      pairs.push({ send, recv });
    });
  }
  checkNoDeadlock(graphs, instances, pairs);
  return { graphs, instances, instanceOf };
}
