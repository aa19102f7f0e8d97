import { rngStream, serializationPs, seed32, type Simulator } from '../engine/index.js';
import { createCongestionControl } from './cc/index.js';
import type { FabricConfig } from './config.js';
import type { FabricContext } from './context.js';
import { Flow } from './flow.js';
import { fiveTupleHash, mix32 } from './hash.js';
import { FabricMetrics } from './metrics.js';
import { PacketPool } from './packet.js';
import { createRouting } from './routing/index.js';
import { buildTopology, type Topology, type TopologySpec } from './topology/index.js';
import { createLossRecovery } from './transport/index.js';

/**
 * One simulated fabric: a topology built with one fabric's mechanisms, and the API
 * workloads use — open a flow (a queue pair) between two GPUs, send messages on it.
 */
export class Network {
  readonly metrics = new FabricMetrics();
  readonly topology: Topology;
  private readonly ctx: FabricContext;
  private readonly portSalt: number;
  private flowCount = 0;
  /** Sender window of every flow, in packets. */
  readonly windowPackets: number;

  constructor(
    readonly sim: Simulator,
    topologySpec: TopologySpec,
    readonly config: FabricConfig,
    seed: number,
  ) {
    const metrics = this.metrics;
    this.ctx = {
      sim,
      config,
      metrics,
      pool: new PacketPool(),
      recovery: createLossRecovery(config, metrics),
      cc: createCongestionControl(config, sim),
      ecnRng: rngStream(seed, 'ecn'),
    };
    this.topology = buildTopology(topologySpec, this.ctx, createRouting(config, sim, seed), seed);
    let portId = 0;
    for (const sw of this.topology.switches) for (const port of sw.ports) port.id = portId++;
    this.portSalt = seed32(seed, 'udp-source-ports');
    const windowBytes = config.windowBytes ?? this.bdpBytes(this.topology.maxHops);
    this.windowPackets = Math.max(1, Math.ceil(windowBytes / config.mtuBytes));
  }

  get gpus(): number {
    return this.topology.nics.length;
  }

  get hostGbps(): number {
    return this.topology.hostGbps;
  }

  /**
   * Unloaded round trip over `hops` links: a full data packet store-and-forwarded there,
   * its ACK back. Times line rate, it is the window a lone flow needs to run at line rate.
   */
  baseRttPs(hops: number): number {
    const { config } = this;
    const rate = this.topology.hostGbps;
    const perHop =
      2 * this.topology.linkDelayPs +
      serializationPs(config.mtuBytes + config.headerBytes, rate) +
      serializationPs(config.controlBytes, rate);
    return hops * perHop;
  }

  bdpBytes(hops: number): number {
    return Math.ceil((this.baseRttPs(hops) * this.topology.hostGbps) / 8_000) + this.config.mtuBytes;
  }

  /** A new queue pair from `src` to `dst` with its own UDP source port (its own ECMP hash). */
  openFlow(src: number, dst: number): Flow {
    const id = this.flowCount++;
    const sport = 0xc000 | (mix32(id ^ this.portSalt) & 0x3fff);
    const nics = this.topology.nics;
    const flow = new Flow(
      id,
      nics[src]!,
      nics[dst]!,
      fiveTupleHash(src, dst, sport),
      fiveTupleHash(dst, src, sport),
      this.windowPackets,
      this.config.mtuBytes,
      this.topology.hostGbps,
    );
    flow.baseRttPs = this.baseRttPs(this.topology.hops(src, dst));
    nics[src]!.attach(flow);
    return flow;
  }

  /** Sends a message of `bytes` on `flow`; `onDelivered` fires when its last byte has arrived. */
  send(flow: Flow, bytes: number, onDelivered?: (atPs: number) => void): void {
    flow.src.send(flow, bytes, onDelivered);
  }
}
