import type { Packet } from '../packet.js';
import { defineFlowControl, type BufferPolicy } from './flow-control.js';

/** Lossy: one shared pool; a packet that does not fit is dropped. */
export class DropTail implements BufferPolicy {
  usedBytes = 0;

  constructor(private readonly capacityBytes: number) {}

  admit(packet: Packet): boolean {
    if (this.usedBytes + packet.sizeBytes > this.capacityBytes) return false;
    this.usedBytes += packet.sizeBytes;
    return true;
  }

  release(_ingress: number, sizeBytes: number): void {
    this.usedBytes -= sizeBytes;
  }

  releaseSignals(): boolean {
    return false;
  }
}

/** No flow control (flowControl: none): lossy drop-tail on the shared buffer. */
export const none = defineFlowControl({
  name: 'none',
  lossless: false,
  overrides: () => ({}),
  defaults: {},
  create: ({ capacityBytes }) => new DropTail(capacityBytes),
});
