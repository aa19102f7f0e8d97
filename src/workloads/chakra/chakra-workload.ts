import { psFromUs, type EventTarget } from '../../engine/index.js';
import type { FabricFlow, FabricModel } from '../../fabric/index.js';
import { plannedCollectiveBytes } from '../collectives/collective.js';
import type { JobReport } from '../job.js';
import type { Workload } from '../workload.js';
import { ncclBytes, type ChakraCollectiveKind } from './graph.js';
import type { ChakraTrace } from './trace-set.js';

/** Builds a collective of `bytes` (nccl-tests' S) over `gpus` (in the group's order), as the spec's defaults say. */
export type MakeCollective = (kind: ChakraCollectiveKind, bytes: number, gpus: number[]) => {
  onFinished: ((atPs: number) => void) | undefined;
  start(net: FabricModel): void;
  readonly totalBytes: number;
  readonly deliveredBytes: number;
};

/** Per rank: what runs, and the time it spent computing and in communication no compute hid. */
interface RankState {
  left: Int32Array;
  done: number;
  finishedPs: number;
  /** Compute nodes waiting for the CPU or the GPU (each runs one at a time), and whether it is busy. */
  queue: { cpu: number[]; gpu: number[] };
  busy: { cpu: boolean; gpu: boolean };
  computing: number;
  communicating: number;
  lastPs: number;
  computePs: number;
  exposedCommPs: number;
}

/** A message posted and not yet received, or a receive posted and not yet matched, per (src, dst, tag). */
interface Channel {
  arrived: number;
  waiting: number[];
}

/**
 * Replays Chakra execution traces, one per rank (rank r on GPU `gpuOf[r]`): a node starts
 * once its data and control dependencies have finished. A compute node holds its rank's GPU
 * (or CPU, is_cpu_op) for its recorded duration, one node at a time each, as ASTRA-sim's
 * hardware resource does; communication runs beside it. A collective starts on the fabric
 * when every member of its group has issued it, and each member's node finishes when the
 * collective does. A send posts its message at once (eager) and finishes when the message
 * has arrived; a receive finishes when its message has arrived.
 *
 * Exposed communication of a rank: the time at least one of its communication nodes was
 * in progress while none of its compute nodes ran (waits for peers included).
 */
export class ChakraWorkload implements Workload, EventTarget {
  readonly ranks: number;
  /** Jobs' convention: a trace has no single nccl-tests bandwidth. */
  readonly algBytes = 0;
  readonly busFactor = 0;
  totalBytes = 0;
  finishedPs = 0;
  /** For progress: every collective's and send's bytes, from the traces before the run. */
  readonly plannedBytes: number;
  /** Of plannedBytes, delivered by sends and finished collectives (running ones add theirs in deliveredBytes). */
  private settledBytes = 0;
  private readonly running = new Set<{ readonly deliveredBytes: number }>();
  private pendingRanks: number;
  private net!: FabricModel;
  private readonly states: RankState[];
  private readonly joined: Int32Array;
  private readonly collectivePs: number[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly flows = new Map<number, FabricFlow>();
  /** Nodes whose dependencies are done, as (rank, node) pairs, issued in order: a loop, not a recursion down a long chain. */
  private readonly ready: number[] = [];
  private issuing = false;

  constructor(
    readonly name: string,
    private readonly trace: ChakraTrace,
    private readonly gpuOf: number[],
    private readonly makeCollective: MakeCollective,
  ) {
    this.ranks = trace.graphs.length;
    this.pendingRanks = this.ranks;
    this.joined = new Int32Array(trace.instances.length);
    this.plannedBytes = plannedTraceBytes(trace);
    this.states = trace.graphs.map((g) => ({
      left: Int32Array.from(g.depCounts),
      done: 0,
      finishedPs: -1,
      queue: { cpu: [], gpu: [] },
      busy: { cpu: false, gpu: false },
      computing: 0,
      communicating: 0,
      lastPs: 0,
      computePs: 0,
      exposedCommPs: 0,
    }));
  }

  get finished(): boolean {
    return this.pendingRanks === 0;
  }

  get deliveredBytes(): number {
    let bytes = this.settledBytes;
    for (const c of this.running) bytes += c.deliveredBytes;
    return bytes;
  }

  start(net: FabricModel): void {
    this.net = net;
    this.trace.graphs.forEach((g, rank) => {
      if (g.ops.length === 0) this.rankFinished(rank);
      g.depCounts.forEach((count, node) => count === 0 && this.schedule(rank, node));
    });
  }

  /** Brings a rank's compute and exposed-communication time up to now (before its activity changes). */
  private account(s: RankState): void {
    const now = this.net.sim.nowPs;
    if (s.computing > 0) s.computePs += now - s.lastPs;
    else if (s.communicating > 0) s.exposedCommPs += now - s.lastPs;
    s.lastPs = now;
  }

  private schedule(rank: number, node: number): void {
    this.ready.push(rank, node);
    if (this.issuing) return;
    this.issuing = true;
    for (let i = 0; i < this.ready.length; i += 2) this.issue(this.ready[i]!, this.ready[i + 1]!);
    this.ready.length = 0;
    this.issuing = false;
  }

  private issue(rank: number, node: number): void {
    const op = this.trace.graphs[rank]!.ops[node]!;
    const s = this.states[rank]!;
    switch (op.kind) {
      case 'none':
        return this.finish(rank, node);
      case 'compute': {
        const unit = op.cpu ? 'cpu' : 'gpu';
        s.queue[unit].push(node);
        if (!s.busy[unit]) this.startCompute(rank, unit);
        return;
      }
      case 'collective': {
        this.account(s);
        s.communicating++;
        const k = this.trace.instanceOf[rank]![node]!;
        if (++this.joined[k]! === this.trace.instances[k]!.members.length) this.runCollective(k);
        return;
      }
      case 'send': {
        this.account(s);
        s.communicating++;
        const key = `${rank}>${op.peer}#${op.tag}`;
        const arrived = () => {
          this.settledBytes += op.bytes;
          this.finish(rank, node);
          this.deliver(key);
        };
        if (op.bytes === 0) return arrived();
        this.totalBytes += op.bytes;
        this.net.send(this.flowOf(this.gpuOf[rank]!, this.gpuOf[op.peer]!), op.bytes, arrived);
        return;
      }
      case 'recv': {
        this.account(s);
        s.communicating++;
        const channel = this.channelOf(`${op.peer}>${rank}#${op.tag}`);
        if (channel.arrived > 0) {
          channel.arrived--;
          this.finish(rank, node);
        } else channel.waiting.push(node);
        return;
      }
    }
  }

  private channelOf(key: string): Channel {
    let channel = this.channels.get(key);
    if (!channel) this.channels.set(key, (channel = { arrived: 0, waiting: [] }));
    return channel;
  }

  /** A message of `key` (src>dst#tag) has arrived: the oldest waiting receive takes it. */
  private deliver(key: string): void {
    const channel = this.channelOf(key);
    const waiting = channel.waiting.shift();
    if (waiting === undefined) channel.arrived++;
    else this.finish(Number(key.slice(key.indexOf('>') + 1, key.indexOf('#'))), waiting);
  }

  /** One queue pair per GPU pair for point-to-point messages (messages on it go in order). */
  private flowOf(src: number, dst: number): FabricFlow {
    const key = src * 2 ** 21 + dst;
    let flow = this.flows.get(key);
    if (!flow) this.flows.set(key, (flow = this.net.openFlow(src, dst)));
    return flow;
  }

  private runCollective(k: number): void {
    const instance = this.trace.instances[k]!;
    const startedPs = this.net.sim.nowPs;
    const done = (atPs: number, bytes: number) => {
      this.collectivePs.push(atPs - startedPs);
      this.totalBytes += bytes;
      instance.members.forEach((r, m) => this.finish(r, instance.nodes[m]!));
    };
    // Nothing to move: a group of one, or no bytes (still a barrier of its members).
    if (instance.bytes === 0 || instance.members.length === 1) return done(startedPs, 0);
    const collective = this.makeCollective(
      instance.collective,
      ncclBytes(instance.collective, instance.bytes, instance.members.length),
      instance.members.map((r) => this.gpuOf[r]!),
    );
    collective.onFinished = (atPs) => {
      this.running.delete(collective);
      this.settledBytes += collective.deliveredBytes;
      done(atPs, collective.totalBytes);
    };
    this.running.add(collective);
    collective.start(this.net);
  }

  private startCompute(rank: number, unit: 'cpu' | 'gpu'): void {
    const s = this.states[rank]!;
    const node = s.queue[unit].shift();
    if (node === undefined) return;
    this.account(s);
    s.busy[unit] = true;
    s.computing++;
    const op = this.trace.graphs[rank]!.ops[node] as { durationUs: number };
    this.net.sim.schedule(psFromUs(op.durationUs), this, rank, node);
  }

  /** A compute node is done (event kind = rank, argument = node). */
  onEvent(rank: number, node: unknown): void {
    const s = this.states[rank]!;
    const unit = (this.trace.graphs[rank]!.ops[node as number] as { cpu: boolean }).cpu ? 'cpu' : 'gpu';
    this.account(s);
    s.busy[unit] = false;
    s.computing--;
    this.finish(rank, node as number);
    if (!s.busy[unit]) this.startCompute(rank, unit);
  }

  private finish(rank: number, node: number): void {
    const graph = this.trace.graphs[rank]!;
    const s = this.states[rank]!;
    const kind = graph.ops[node]!.kind;
    if (kind !== 'compute' && kind !== 'none') {
      this.account(s);
      s.communicating--;
    }
    for (const child of graph.children[node]!) if (--s.left[child]! === 0) this.schedule(rank, child);
    if (++s.done === graph.ops.length) this.rankFinished(rank);
  }

  private rankFinished(rank: number): void {
    const s = this.states[rank]!;
    this.account(s);
    s.finishedPs = this.net.sim.nowPs;
    if (--this.pendingRanks === 0) this.finishedPs = this.net.sim.nowPs;
  }

  /**
   * The trace as one job: JCT = when the last rank finished; its compute and exposed
   * communication are the largest over ranks (the rank that waited most on the network).
   */
  reports(): { jobs: JobReport[] } {
    const now = this.net.sim.nowPs;
    const us = (ps: number) => Number((ps / 1e6).toFixed(6));
    this.states.forEach((s) => s.finishedPs < 0 && this.account(s));
    const jctPs = this.finished ? this.finishedPs : now;
    return {
      jobs: [
        {
          name: this.name,
          ranks: this.ranks,
          completed: this.finished,
          startUs: 0,
          jctUs: us(jctPs),
          iterationUs: this.finished ? [us(jctPs)] : [],
          collectiveUs: this.collectivePs.map(us),
          computeUs: us(Math.max(0, ...this.states.map((s) => s.computePs))),
          exposedCommUs: us(Math.max(0, ...this.states.map((s) => s.exposedCommPs))),
        },
      ],
    };
  }
}

/** What a trace set moves in all: each collective instance once (over its members), plus every send. */
function plannedTraceBytes(trace: ChakraTrace): number {
  let bytes = 0;
  for (const instance of trace.instances) {
    const n = instance.members.length;
    if (instance.bytes === 0 || n === 1) continue;
    bytes += plannedCollectiveBytes(instance.collective === 'allreduce' ? 'allreduce' : 'other', n, ncclBytes(instance.collective, instance.bytes, n));
  }
  for (const graph of trace.graphs) for (const op of graph.ops) if (op.kind === 'send') bytes += op.bytes;
  return bytes;
}
