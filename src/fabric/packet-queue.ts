import type { Packet } from './packet.js';

/**
 * A FIFO of packets linked through `Packet.next`: a packet sits in at most one queue (an
 * egress queue or a wire) at a time, so no array of slots is needed. At scale this saves
 * a cache miss per push and shift over a ring buffer of pointers.
 */
export class PacketQueue {
  private head: Packet | null = null;
  private tail: Packet | null = null;
  length = 0;

  push(packet: Packet): void {
    packet.next = null;
    if (this.tail === null) this.head = packet;
    else this.tail.next = packet;
    this.tail = packet;
    this.length++;
  }

  peek(): Packet | null {
    return this.head;
  }

  shift(): Packet | null {
    const packet = this.head;
    if (packet === null) return null;
    this.head = packet.next;
    if (this.head === null) this.tail = null;
    packet.next = null;
    this.length--;
    return packet;
  }
}
