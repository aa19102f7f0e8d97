import { Transfers } from './transfers.js';

/** `senders` GPUs each send `bytes` to one target at once: the target's link is the bottleneck, and algbw its receive rate. */
export function incast(senders: number[], target: number, bytes: number): Transfers {
  return new Transfers(
    senders.map((src) => ({ src, dst: target })),
    bytes,
    bytes * senders.length,
  );
}
