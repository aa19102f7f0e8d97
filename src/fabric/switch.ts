import type { FabricContext } from './context.js';
import type { NetworkNode } from './node.js';
import { PacketKind, type Packet } from './packet.js';
import { Port } from './port.js';
import type { RoutingPolicy, RoutingSwitch } from './routing/index.js';

/** Which child group of a switch leads down to host `dst`, or -1 when `dst` is not below it. */
export type ChildOf = (dst: number) => number;

/**
 * A store-and-forward, output-queued switch on one shared buffer. Routing is computed from
 * the destination address: down to the child group that holds it, else up along any
 * equal-cost uplink (the routing policy picks). A packet that does not fit in the buffer
 * is dropped (drop-tail). Buffer use is also counted per ingress port, where PFC watches.
 */
export class Switch implements NetworkNode, RoutingSwitch {
  readonly ports: Port[] = [];
  readonly upPorts: Port[] = [];
  /** downGroups[c]: the parallel ports to child c. */
  readonly downGroups: Port[][] = [];
  bufferUsedBytes = 0;
  maxBufferUsedBytes = 0;
  ingressBytes = new Float64Array(0);
  bufferCapacityBytes = 0;

  constructor(
    private readonly ctx: FabricContext,
    readonly name: string,
    readonly tier: number,
    readonly salt: number,
    private readonly routing: RoutingPolicy,
    private readonly childOf: ChildOf,
  ) {}

  addPort(rateGbps: number): Port {
    const port = new Port(this.ctx.sim, this, this.ports.length, rateGbps);
    this.ports.push(port);
    return port;
  }

  /** Sizes the shared buffer once all ports are attached. */
  finishPorts(): void {
    this.ingressBytes = new Float64Array(this.ports.length);
    this.bufferCapacityBytes = this.ports.length * this.ctx.config.bufferBytesPerPort;
  }

  receive(packet: Packet, ingress: number): void {
    const child = this.childOf(packet.dstHost);
    const candidates = child >= 0 ? this.downGroups[child]! : this.upPorts;
    const port = candidates.length === 1 ? candidates[0]! : this.routing.choose(candidates, packet, this);
    if (this.bufferUsedBytes + packet.sizeBytes > this.bufferCapacityBytes) {
      this.drop(packet);
      return;
    }
    this.bufferUsedBytes += packet.sizeBytes;
    if (this.bufferUsedBytes > this.maxBufferUsedBytes) this.maxBufferUsedBytes = this.bufferUsedBytes;
    this.ingressBytes[ingress]! += packet.sizeBytes;
    packet.ingress = ingress;
    port.enqueue(packet);
  }

  onDeparted(packet: Packet): void {
    this.bufferUsedBytes -= packet.sizeBytes;
    this.ingressBytes[packet.ingress]! -= packet.sizeBytes;
  }

  private drop(packet: Packet): void {
    const metrics = this.ctx.metrics;
    metrics.drops++;
    if (packet.kind === PacketKind.Data) {
      metrics.dataPacketsDropped++;
      metrics.dataBytesDropped += packet.payloadBytes;
    }
    this.ctx.pool.release(packet);
  }
}
