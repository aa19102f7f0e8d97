import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PeerExchange } from './peer-exchange.js';

/**
 * One message per peer per round over MessagePorts: posted before the round's barrier, read
 * after it, synchronously. A port is FIFO and every thread posts exactly one message per peer
 * per round, so a peer already a round ahead cannot be confused with this one.
 */
export class PortExchange implements PeerExchange {
  /** Reads that found the peer's message not yet readable and had to spin (expected 0). */
  spins = 0;

  /** `ports[peer]`: the channel to thread `peer` (null for this thread). */
  constructor(private readonly ports: readonly (MessagePort | null)[]) {}

  post(peer: number, data: Float64Array): void {
    this.ports[peer]!.postMessage(data, [data.buffer as ArrayBuffer]);
  }

  receive(peer: number): Float64Array {
    const port = this.ports[peer]!;
    for (;;) {
      const got = receiveMessageOnPort(port);
      if (got !== undefined) return got.message as Float64Array;
      this.spins++;
    }
  }
}
