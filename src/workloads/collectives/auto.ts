import type { FabricModel, NvlinkDomain, PathNode } from '../../fabric/index.js';
import type { Workload } from '../workload.js';
import { plannedCollectiveBytes, resolveChannels, type Collective, type CollectiveParams } from './collective.js';
import type { Protocol } from './protocol.js';
import { defaultRingChannels, serversOf } from './rails.js';
import { tunedChoice, type TunedAlgorithm, type TunedChoice, type TunedCollective } from './tuning.js';

/** Builds the collective once the choice is made. */
export type CollectiveFactory = (algorithm: TunedAlgorithm, protocol: Protocol, params: CollectiveParams) => Collective;

/**
 * `algorithm: auto` and/or `protocol: auto`: when it starts on a fabric, picks what NCCL's
 * tuning model (tuning.ts) predicts fastest for the size and the fabric's shape (servers,
 * GPUs per server, NIC and NVLink rates, channels), then runs that collective. `choice`
 * says what it picked.
 */
export class AutoCollective implements Workload {
  readonly ranks: number;
  readonly algBytes: number;
  busFactor: number;
  choice: (TunedChoice & { channels: number }) | undefined;
  private inner: Collective | undefined;
  onFinished: ((atPs: number) => void) | undefined;

  constructor(
    private readonly coll: TunedCollective,
    private readonly params: CollectiveParams,
    private readonly algorithms: readonly TunedAlgorithm[],
    private readonly protocols: readonly Protocol[],
    private readonly create: CollectiveFactory,
  ) {
    this.ranks = params.gpus.length;
    this.algBytes = params.bytes;
    this.busFactor = coll === 'allreduce' ? (2 * (this.ranks - 1)) / this.ranks : (this.ranks - 1) / this.ranks;
  }

  get gpusInUse(): readonly number[] {
    return this.params.gpus;
  }

  start(net: FabricModel): void {
    const choice = this.choose(net.topology.nvlink, net.hostGbps);
    this.choice = choice;
    this.inner = this.create(choice.algorithm, choice.protocol, { ...this.params, channels: choice.channels, protocol: choice.protocol });
    this.inner.onFinished = (atPs) => this.onFinished?.(atPs);
    this.inner.start(net);
  }

  /** What it picks on a fabric with this NVLink domain and NIC rate (known from the topology alone, before any fabric is built). */
  choose(nvlink: NvlinkDomain | null, hostGbps: number): TunedChoice & { channels: number } {
    const { gpus, bytes } = this.params;
    const g = nvlink?.gpusPerNode ?? 1;
    const servers = serversOf(gpus, g);
    const nicGBps = hostGbps / 8;
    const perServer = this.ranks / servers.length;
    const nodeGBps =
      servers.length === 1 ? (nvlink && perServer > 1 ? nvlink.gbps / 8 : nicGBps) : Math.min(perServer * nicGBps, nvlink ? nvlink.gbps / 8 : Infinity);
    const channels = resolveChannels(this.params, g > 1 ? defaultRingChannels(servers) : 1);
    return { ...tunedChoice(this.coll, bytes, { ranks: this.ranks, nodes: servers.length, channels, nodeGBps }, this.algorithms, this.protocols), channels };
  }

  get finished(): boolean {
    return this.inner?.finished ?? false;
  }

  get finishedPs(): number {
    return this.inner?.finishedPs ?? 0;
  }

  /** Known before the choice: the same for every algorithm of the kind (plannedCollectiveBytes). */
  get plannedBytes(): number {
    return plannedCollectiveBytes(this.coll === 'allreduce' ? 'allreduce' : 'other', this.ranks, this.params.bytes);
  }

  get deliveredBytes(): number {
    return this.inner?.deliveredBytes ?? 0;
  }

  /** As Collective's (attribution): its start, and the delivery that finished it. */
  get startedPs(): number {
    return this.inner?.startedPs ?? 0;
  }

  get criticalTail(): PathNode | null {
    return this.inner?.criticalTail ?? null;
  }

  get totalBytes(): number {
    return this.inner?.totalBytes ?? 0;
  }

  /** As Collective.scaleOutFactor (for effective bandwidth). */
  scaleOutFactor(gpusPerNode: number): number {
    return this.inner?.scaleOutFactor(gpusPerNode) ?? 0;
  }

  /** "ring/ll128 x16": what it picked. */
  get label(): string {
    return this.choice ? `${this.choice.algorithm}/${this.choice.protocol} x${this.choice.channels}` : '';
  }
}
